import assert from "node:assert/strict";
import { BackendError, ConfigError } from "../errors.ts";
import type { LogContext } from "../logger.ts";
import { retryableLake, withLakeRetry, WriteAbandoned } from "./lake_retry.ts";

Deno.test("retryableLake: I/O and service failures only", () => {
  assert.equal(retryableLake(new Error("connect ECONNREFUSED")), true);
  assert.equal(retryableLake(new Deno.errors.NotFound("gone")), true);
  assert.equal(retryableLake(new BackendError("s3", "503 Slow Down")), true);
  assert.equal(
    retryableLake(new ConfigError("S3_BUCKET", "is required")),
    false,
  );
  assert.equal(retryableLake(new WriteAbandoned()), false);
});

Deno.test("withLakeRetry: logs each retry with its context, then returns the value", async () => {
  const warnings: [string, LogContext | undefined][] = [];
  let calls = 0;
  const result = await withLakeRetry(() => {
    calls++;
    if (calls < 3) return Promise.reject(new Error(`disk full ${calls}`));
    return Promise.resolve("written");
  }, {
    logger: {
      info: () => {},
      warn: (m, c) => warnings.push([m, c]),
      error: () => {},
    },
    warning: "sink: lake write failed; trying again",
    context: { key: "k" },
    retry: { attempts: 5, baseDelayMs: 2, maxDelayMs: 2 },
  });
  assert.deepEqual(result, { ok: true, value: "written", retries: 2 });
  assert.deepEqual(
    warnings.map(([m, c]) => [m, c?.key, c?.retry, c?.error]),
    [
      ["sink: lake write failed; trying again", "k", 1, "disk full 1"],
      ["sink: lake write failed; trying again", "k", 2, "disk full 2"],
    ],
  );
  for (const [, c] of warnings) {
    assert.ok(c?.waitMs === 1 || c?.waitMs === 2, `waitMs ${c?.waitMs}`);
  }
});

Deno.test("withLakeRetry: an abandoned write ends at once, without a warning", async () => {
  let calls = 0;
  let warned = 0;
  const result = await withLakeRetry(() => {
    calls++;
    return Promise.reject(new WriteAbandoned());
  }, {
    logger: { info: () => {}, warn: () => warned++, error: () => {} },
    warning: "w",
    context: {},
    retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 1 },
  });
  assert.equal(result.ok, false);
  assert.ok(!result.ok && result.error instanceof WriteAbandoned);
  assert.deepEqual([calls, warned, result.retries], [1, 0, 0]);
});

Deno.test("withLakeRetry: gives up after the attempts, returning the last error", async () => {
  let calls = 0;
  const result = await withLakeRetry(() => {
    calls++;
    return Promise.reject(new Error(`refused ${calls}`));
  }, {
    logger: { info: () => {}, warn: () => {}, error: () => {} },
    warning: "w",
    context: {},
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
  });
  assert.equal(calls, 3);
  assert.ok(!result.ok);
  assert.equal((result.error as Error).message, "refused 3");
  assert.equal(result.retries, 2);
});
