import assert from "node:assert/strict";
import { createPacer } from "./pacer.ts";

Deno.test("without a rate, take resolves at once", async () => {
  const pacer = createPacer();
  const start = performance.now();
  for (let i = 0; i < 1000; i++) assert.equal(await pacer.take(), true);
  assert.ok(performance.now() - start < 5000);
});

Deno.test("burst tokens are free, the next one waits one interval", async () => {
  const pacer = createPacer({ rate: 10, burst: 3 });
  const start = performance.now();
  for (let i = 0; i < 3; i++) assert.equal(await pacer.take(), true);
  const burst = performance.now() - start;
  // Not free, they would take two intervals (200 ms) at least.
  assert.ok(burst < 190, `three burst tokens took ${burst} ms`);
  assert.equal(await pacer.take(), true);
  const fourth = performance.now() - start;
  assert.ok(fourth >= 99, `the fourth token came after ${fourth} ms`);
});

Deno.test("burst 1: each take reserves the next slot 1000/rate ms later (virtual clock)", async () => {
  // The clock stands still: every take after the first waits one more interval.
  const pacer = createPacer({ rate: 5, now: () => 0 });
  const start = performance.now();
  const after: number[] = [];
  for (let i = 0; i < 3; i++) {
    await pacer.take();
    after.push(performance.now() - start);
  }
  assert.ok(after[0] < 150, `first take after ${after[0]} ms`);
  assert.ok(after[1] >= 199, `second take after ${after[1]} ms`);
  assert.ok(after[2] >= 199 + 399, `third take after ${after[2]} ms`);
});

Deno.test("rate 50 over 25 posts takes at least 480 ms", async () => {
  const pacer = createPacer({ rate: 50 });
  const start = performance.now();
  for (let i = 0; i < 25; i++) await pacer.take();
  assert.ok(
    performance.now() - start >= 480,
    `elapsed ${performance.now() - start}`,
  );
});

Deno.test("concurrent takers share the rate", async () => {
  const pacer = createPacer({ rate: 100 });
  const start = performance.now();
  const times = await Promise.all(
    Array.from(
      { length: 10 },
      () => pacer.take().then(() => performance.now() - start),
    ),
  );
  times.sort((a, b) => a - b);
  assert.ok(times[9] >= 88, `last start after ${times[9]} ms`);
});

Deno.test("an abort during the wait resolves false", async () => {
  const pacer = createPacer({ rate: 0.01 });
  assert.equal(await pacer.take(), true);
  const controller = new AbortController();
  const pending = pacer.take(controller.signal);
  controller.abort();
  assert.equal(await pending, false);
  assert.equal(await pacer.take(controller.signal), false);
});

Deno.test("a negative or NaN rate is refused", () => {
  assert.throws(() => createPacer({ rate: -1 }), {
    name: "ConfigError",
    message: "Invalid setting rate=-1: must be posts/s > 0",
  });
  assert.throws(() => createPacer({ rate: NaN }), {
    name: "ConfigError",
    message: "Invalid setting rate=NaN: must be posts/s > 0",
  });
});
