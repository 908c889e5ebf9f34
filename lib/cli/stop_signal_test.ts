import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
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

// Signals go to a child process: the test runner runs test files in parallel in one
// process, where a signal would reach the listeners of other files' tests too.
const MODULE = fileURLToPath(new URL("./stop_signal.ts", import.meta.url));

/**
 * A process that stops on signals with `stopOnSignals` (a notice given), says `stopped by
 * {reason}` once stopped, and then `hangs` (a wind-down that never ends) or disposes the
 * listeners and waits.
 */
function stopper(after: "hang" | "dispose") {
  const code = `
    import { stopOnSignals } from ${JSON.stringify(MODULE)};
    const stop = stopOnSignals({ notice: "the work in flight finishes" });
    console.log("ready");
    await new Promise((r) => stop.signal.addEventListener("abort", r));
    console.log("stopped by " + stop.reason);
    ${after === "dispose" ? "stop.dispose(); console.log('disposed');" : ""}
    await new Promise(() => setTimeout(() => {}, 600_000));
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  return {
    child,
    /** Reads stdout until `text` shows. */
    async until(text: string) {
      while (!out.includes(text)) {
        const { value, done } = await lines.read();
        if (done) throw new Error(`no "${text}" in:\n${out}`);
        out += value;
      }
    },
    /** Waits for the exit; its status and stderr. */
    async end() {
      const status = await child.status;
      await lines.cancel();
      return { status, stderr: await new Response(child.stderr).text() };
    },
  };
}

const TWICE = [
  ["SIGTERM", 143, "The signal"],
  ["SIGINT", 130, "Ctrl-C"],
] as const;
for (const [sig, code, again] of TWICE) {
  Deno.test(`stopOnSignals: ${sig} aborts with a notice; a second ${sig} ends a wind-down that hangs, with exit code ${code}`, async () => {
    const p = stopper("hang");
    await p.until("ready");
    p.child.kill(sig);
    await p.until(`stopped by ${sig}`);
    p.child.kill(sig);
    const { status, stderr } = await p.end();
    assert.equal(status.code, code);
    assert.equal(
      stderr,
      `\nStopping (${sig}): the work in flight finishes. ${again} again to exit at once.\n`,
    );
  });
}

Deno.test("stopOnSignals: after dispose a signal has its default effect again", async () => {
  const p = stopper("dispose");
  await p.until("ready");
  p.child.kill("SIGINT");
  await p.until("disposed");
  p.child.kill("SIGTERM");
  const { status } = await p.end();
  assert.equal(status.signal, "SIGTERM");
});
