import assert from "node:assert/strict";
import { stopOnSignals } from "./stop_signal.ts";

Deno.test("stopOnSignals: a caller's abort stops the run and names the reason", () => {
  const caller = new AbortController();
  const stop = stopOnSignals({ listen: false, signal: caller.signal });
  assert.equal(stop.signal.aborted, false);
  assert.equal(stop.reason, undefined);
  caller.abort();
  assert.equal(stop.signal.aborted, true);
  assert.equal(stop.reason, "abort");
  stop.dispose();
});

Deno.test("stopOnSignals: an already aborted caller's signal stops at once", () => {
  const stop = stopOnSignals({ listen: false, signal: AbortSignal.abort() });
  assert.equal(stop.signal.aborted, true);
  stop.dispose();
});

Deno.test("stopOnSignals: SIGTERM to this process aborts; dispose removes the listeners", async () => {
  const stop = stopOnSignals();
  Deno.kill(Deno.pid, "SIGTERM");
  for (let i = 0; i < 100 && !stop.signal.aborted; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(stop.reason, "SIGTERM");
  stop.dispose();
});
