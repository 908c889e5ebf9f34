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
