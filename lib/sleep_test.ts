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
