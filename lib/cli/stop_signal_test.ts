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

Deno.test("stopOnSignals: SIGTERM to this process aborts; dispose removes the listeners", async () => {
  const stop = stopOnSignals();
  Deno.kill(Deno.pid, "SIGTERM");
  for (let i = 0; i < 100 && !stop.signal.aborted; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.equal(stop.reason, "SIGTERM");
  stop.dispose();
});

Deno.test("stopOnSignals: the first signal prints the notice and aborts; a second one exits at once", async () => {
  const printed: string[] = [];
  const exits: number[] = [];
  const stop = stopOnSignals({
    notice: "the sink flushes its buffers",
    print: (line) => printed.push(line),
    exit: (code) => exits.push(code),
  });
  const waitFor = async (done: () => boolean) => {
    for (let i = 0; i < 100 && !done(); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  // SIGTERM: the test runner takes SIGINT for itself (the subprocess test below sends it).
  Deno.kill(Deno.pid, "SIGTERM");
  await waitFor(() => stop.signal.aborted);
  assert.equal(stop.reason, "SIGTERM");
  assert.deepEqual(printed, [
    "\nStopping (SIGTERM): the sink flushes its buffers. The signal again to exit at once.",
  ]);
  assert.deepEqual(exits, []);
  Deno.kill(Deno.pid, "SIGTERM");
  await waitFor(() => exits.length > 0);
  assert.deepEqual(exits, [143]);
  assert.equal(printed.length, 1);
  stop.dispose();
});

Deno.test("stopOnSignals: Ctrl-C twice ends a process whose wind-down hangs, with exit code 130", async () => {
  const module = fileURLToPath(new URL("./stop_signal.ts", import.meta.url));
  const code = `
    import { stopOnSignals } from ${JSON.stringify(module)};
    const stop = stopOnSignals({ notice: "a wind-down that never ends" });
    console.log("ready");
    await new Promise((r) => stop.signal.addEventListener("abort", r));
    console.log("stopping");
    await new Promise(() => setTimeout(() => {}, 600_000));
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const readUntil = async (text: string) => {
    while (!out.includes(text)) {
      const { value, done } = await lines.read();
      if (done) break;
      out += value;
    }
  };
  await readUntil("ready");
  child.kill("SIGINT");
  await readUntil("stopping");
  child.kill("SIGINT");
  const status = await child.status;
  await lines.cancel();
  const stderr = await new Response(child.stderr).text();
  assert.equal(status.code, 130);
  assert.equal(
    stderr,
    "\nStopping (SIGINT): a wind-down that never ends. Ctrl-C again to exit at once.\n",
  );
});
