import assert from "node:assert/strict";
import { backoffDelay, isRetryable, withRetry } from "./retry.ts";

const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 2000 };

function retryable(message: string, retryAfterMs?: number): Error {
  return Object.assign(new Error(message), { retryable: true, retryAfterMs });
}

Deno.test("backoffDelay doubles from the base, half fixed and half jitter, capped", () => {
  assert.equal(backoffDelay(1, { ...policy, random: () => 0 }), 50);
  assert.equal(backoffDelay(1, { ...policy, random: () => 1 }), 100);
  assert.equal(backoffDelay(2, { ...policy, random: () => 0.5 }), 150);
  assert.equal(backoffDelay(3, { ...policy, random: () => 0.5 }), 300);
  assert.equal(backoffDelay(5, { ...policy, random: () => 0 }), 800);
  assert.equal(backoffDelay(6, { ...policy, random: () => 1 }), 2000);
  assert.equal(backoffDelay(30, { ...policy, random: () => 0 }), 1000);
});

Deno.test("withRetry retries retryable errors and counts the retries", async () => {
  let calls = 0;
  const result = await withRetry(() => {
    calls++;
    if (calls <= 2) return Promise.reject(retryable(`503 #${calls}`));
    return Promise.resolve("accepted");
  }, { attempts: 5, baseDelayMs: 1, maxDelayMs: 4 });
  assert.deepEqual(result, { ok: true, value: "accepted", retries: 2 });
  assert.equal(calls, 3);
});

Deno.test("withRetry stops at once on a non-retryable error", async () => {
  let calls = 0;
  const error = Object.assign(new Error("HTTP 422"), { retryable: false });
  const result = await withRetry(() => {
    calls++;
    return Promise.reject(error);
  }, { baseDelayMs: 1 });
  assert.deepEqual(result, { ok: false, error, retries: 0 });
  assert.equal(calls, 1);
});

Deno.test("withRetry gives up after the configured attempts with the last error", async () => {
  let calls = 0;
  const result = await withRetry(() => {
    calls++;
    return Promise.reject(retryable(`down #${calls}`));
  }, { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 });
  assert.equal(calls, 3);
  assert.equal(result.ok, false);
  assert.equal(result.retries, 2);
  assert.equal(!result.ok && (result.error as Error).message, "down #3");
});

Deno.test("withRetry waits at least the server's Retry-After, capped by maxDelayMs", async () => {
  let calls = 0;
  const start = performance.now();
  const result = await withRetry(() => {
    calls++;
    return calls === 1
      ? Promise.reject(retryable("429", 80))
      : Promise.resolve(calls);
  }, { baseDelayMs: 1, maxDelayMs: 1000 });
  assert.deepEqual(result, { ok: true, value: 2, retries: 1 });
  assert.ok(performance.now() - start >= 79, "waited for Retry-After");
});

Deno.test("withRetry starts no retry after the signal aborts and returns the last error", async () => {
  const controller = new AbortController();
  let calls = 0;
  const start = performance.now();
  const result = await withRetry(() => {
    calls++;
    setTimeout(() => controller.abort(), 20);
    return Promise.reject(retryable("503"));
  }, { baseDelayMs: 60_000, maxDelayMs: 60_000, signal: controller.signal });
  assert.equal(calls, 1);
  assert.equal(result.ok, false);
  assert.equal(result.retries, 0);
  assert.ok(
    performance.now() - start < 30_000,
    "the long backoff was cut short",
  );
});

Deno.test("withRetry: `retryable` decides which errors are retried; `onRetry` hears each wait", async () => {
  const seen: [string, number, number][] = [];
  let calls = 0;
  const result = await withRetry(() => {
    calls++;
    return calls < 3
      ? Promise.reject(new Deno.errors.ConnectionRefused(`refused #${calls}`))
      : Promise.resolve("written");
  }, {
    baseDelayMs: 4,
    maxDelayMs: 8,
    random: () => 1,
    retryable: (e) => e instanceof Deno.errors.ConnectionRefused,
    onRetry: (e, retry, waitMs) =>
      seen.push([(e as Error).message, retry, waitMs]),
  });
  assert.deepEqual(result, { ok: true, value: "written", retries: 2 });
  assert.deepEqual(seen, [["refused #1", 1, 4], ["refused #2", 2, 8]]);
  // Not retryable by that rule, although flagged: one attempt.
  let flagged = 0;
  const once = await withRetry(() => {
    flagged++;
    return Promise.reject(retryable("503"));
  }, { retryable: () => false });
  assert.equal(flagged, 1);
  assert.equal(once.ok, false);
});

Deno.test("isRetryable: only an object carrying retryable: true", () => {
  const err = (retryable: unknown) =>
    Object.assign(new Error("x"), { retryable });
  assert.deepEqual(
    [true, "true", 1, false, undefined].map((r) => isRetryable(err(r))),
    [true, false, false, false, false],
  );
  assert.equal(isRetryable({ retryable: true }), true);
  assert.deepEqual([null, undefined, "retryable", 5].map(isRetryable), [
    false,
    false,
    false,
    false,
  ]);
});
