import assert from "node:assert/strict";
import { isAlive, spawnDetached, stopPid } from "./process.ts";
import { pidFileStatus, stopByPidFile, writePidFile } from "./pid_file.ts";

/** Spawns `sleep 30` and waits until it runs (not the shell that execs it). */
async function sleeper(logFile: string): Promise<number> {
  const pid = spawnDetached("sleep", ["30"], { logFile });
  const comm = () => Deno.readTextFile(`/proc/${pid}/comm`).catch(() => "");
  for (let i = 0; i < 500 && (await comm()) !== "sleep\n"; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  return pid;
}

Deno.test("pid file: a PID reused by a process whose command line holds the marker is not taken for the server, nor signalled", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "pid_file_" });
  const logFile = `${stateDir}/demo.out`;
  const server = await sleeper(logFile);
  let stranger: number | undefined;
  try {
    await writePidFile(stateDir, {
      name: "demo",
      record: { pid: server, endpoint: "127.0.0.1:7", marker: "sleep 30" },
    });
    assert.deepEqual(await pidFileStatus(stateDir, "demo"), {
      running: true,
      endpoint: "127.0.0.1:7",
      pid: server,
    });
    // The server dies (kill -9); its PID goes to a process of someone else whose command
    // line happens to hold the marker (as `du /abs/state/dir/...` would hold a data dir).
    Deno.kill(server, "SIGKILL");
    for (let i = 0; i < 100 && (await isAlive(server)); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    stranger = await sleeper(logFile);
    const path = `${stateDir}/demo/demo.pid`;
    const record = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...record, pid: stranger }) + "\n",
    );
    // Before: reported running, and stop killed the stranger.
    assert.deepEqual(await pidFileStatus(stateDir, "demo"), {
      running: false,
    });
    await stopByPidFile(stateDir, "demo", { timeoutMs: 1_000 });
    assert.equal(await isAlive(stranger, "sleep 30"), true);
  } finally {
    await stopPid(server, { timeoutMs: 1_000 });
    if (stranger !== undefined) await stopPid(stranger, { timeoutMs: 1_000 });
    await Deno.remove(stateDir, { recursive: true });
  }
});
