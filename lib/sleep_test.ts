import assert from "node:assert/strict";
import { sleep } from "./sleep.ts";

Deno.test("sleep resolves true when done and false when aborted", async () => {
  assert.equal(await sleep(5), true);
  assert.equal(await sleep(0), true);
  const controller = new AbortController();
  const start = performance.now();
  const pending = sleep(60_000, controller.signal);
  controller.abort();
  assert.equal(await pending, false);
  assert.ok(performance.now() - start < 30_000, "the wait was cut short");
  assert.equal(await sleep(10, controller.signal), false);
});

Deno.test("sleep never returns before its time by performance.now, even for fractions of a millisecond", async () => {
  let early = 0;
  for (let i = 0; i < 400; i++) {
    const ms = 1 + (i % 7) * 0.29;
    const start = performance.now();
    await sleep(ms);
    if (performance.now() - start < ms) early++;
  }
  assert.equal(early, 0);
});

Deno.test("sleep arms its timer for at most 2^31 - 1 ms, which setTimeout holds, and waits on past it", async () => {
  const delays: number[] = [];
  const original = globalThis.setTimeout;
  // sleep arms its timer synchronously: the spy is back out before anything else runs.
  globalThis.setTimeout = ((handler: () => void, ms: number) => {
    delays.push(ms);
    return original(handler, ms);
  }) as typeof setTimeout;
  const controller = new AbortController();
  let pending: Promise<boolean>;
  try {
    pending = sleep(2 ** 31 + 5_000, controller.signal);
  } finally {
    globalThis.setTimeout = original;
  }
  // A larger delay overflowed: the timer fired after 1 ms, and was armed again every ms.
  assert.deepEqual(delays, [2 ** 31 - 1]);
  assert.equal(
    await Promise.race([pending, sleep(30).then(() => "waiting")]),
    "waiting",
  );
  controller.abort();
  assert.equal(await pending, false);
});
