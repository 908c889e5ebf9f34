import assert from "node:assert/strict";
import { createPacer } from "./pacer.ts";

Deno.test("without a rate, take resolves at once", async () => {
  const pacer = createPacer();
  const start = performance.now();
  for (let i = 0; i < 1000; i++) assert.equal(await pacer.take(), true);
  assert.equal(pacer.delay(), 0);
  assert.ok(performance.now() - start < 5000);
});

Deno.test("burst tokens are free, the next one waits one interval (virtual clock)", async () => {
  let t = 0;
  const pacer = createPacer({ rate: 10, burst: 3, now: () => t });
  assert.equal(pacer.delay(), 0);
  for (let i = 0; i < 3; i++) assert.equal(await pacer.take(), true);
  assert.equal(pacer.delay(), 100);
  t = 50;
  assert.equal(pacer.delay(), 50);
  t = 1000;
  assert.equal(pacer.delay(), 0);
});

Deno.test("burst 1: each take reserves the next slot 1000/rate ms later (virtual clock)", async () => {
  let t = 0;
  const pacer = createPacer({ rate: 1000, now: () => t });
  await pacer.take();
  assert.equal(pacer.delay(), 1);
  await pacer.take(); // waits ~1 ms of real time; the virtual clock stays at 0
  assert.equal(pacer.delay(), 2);
  t = 10;
  assert.equal(pacer.delay(), 0);
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
  assert.throws(() => createPacer({ rate: -1 }), RangeError);
  assert.throws(() => createPacer({ rate: NaN }), RangeError);
});
