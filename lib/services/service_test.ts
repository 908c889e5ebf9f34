import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import { isAlive, spawnDetached, stopPid } from "./process.ts";
import { endpointPort, pidFileService, waitUntilReady } from "./service.ts";
import {
  pidFileStatus,
  readPidFile,
  stopByPidFile,
  writePidFile,
} from "./pid_file.ts";

Deno.test("waitUntilReady: a server that exits during start is reported with its log tail, PID file removed", async () => {
  const stateDir = await Deno.makeTempDir();
  const logFile = `${stateDir}/demo.out`;
  try {
    const pid = spawnDetached("sh", ["-c", "echo boom: bad config; exit 3"], {
      logFile,
    });
    await writePidFile(stateDir, {
      name: "demo",
      record: {
        pid,
        endpoint: "127.0.0.1:1",
        marker: "exit 3",
      },
    });
    await assert.rejects(
      () =>
        waitUntilReady({
          name: "demo",
          stateDir,
          pid,
          endpoint: "127.0.0.1:1",
          logFile,
          timeoutMs: 10_000,
          probe: () => Promise.resolve(false),
        }),
      (e) =>
        e instanceof BackendError &&
        e.message === `demo: the server exited during start; see ${logFile}` &&
        e.context.tail === "boom: bad config\n",
    );
    assert.equal(await readPidFile(stateDir, "demo"), null);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("waitUntilReady: resolves once the probe answers; a silent server times out and is stopped", async () => {
  const stateDir = await Deno.makeTempDir();
  const logFile = `${stateDir}/demo.out`;
  try {
    const pid = spawnDetached("sleep", ["30"], { logFile });
    await writePidFile(stateDir, {
      name: "demo",
      record: {
        pid,
        endpoint: "e",
        marker: "sleep",
      },
    });
    let probes = 0;
    await waitUntilReady({
      name: "demo",
      stateDir,
      pid,
      endpoint: "e",
      logFile,
      timeoutMs: 10_000,
      intervalMs: 10,
      probe: () => Promise.resolve(++probes === 3),
    });
    assert.equal(probes, 3);
    assert.deepEqual(await pidFileStatus(stateDir, "demo"), {
      running: true,
      endpoint: "e",
      pid,
    });
    await assert.rejects(
      () =>
        waitUntilReady({
          name: "demo",
          stateDir,
          pid,
          endpoint: "e",
          logFile,
          timeoutMs: 100,
          probe: () => Promise.reject(new Error("refused")),
        }),
      (e) =>
        e instanceof BackendError &&
        e.message === `demo: no answer at e within 100 ms; see ${logFile}`,
    );
    assert.deepEqual(await pidFileStatus(stateDir, "demo"), { running: false });
    assert.equal(await isAlive(pid, "sleep"), false);
    await stopByPidFile(stateDir, "demo", { timeoutMs: 1000 });
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("pidFileService: start runs the server once, then returns the running one (not for another port); stop ends it", async () => {
  const stateDir = await Deno.makeTempDir();
  const logFile = `${stateDir}/demo.out`;
  const starts: number[] = [];
  const demo = pidFileService({
    name: "demo",
    async start(options) {
      const pid = spawnDetached("sleep", ["30"], { logFile });
      // As a real service waits until it answers: until `sleep` runs (right after the fork
      // the child has the parent's command line, and while the shell execs `sleep` its
      // command line can read empty), the status check would not find the marker.
      const comm = () => Deno.readTextFile(`/proc/${pid}/comm`).catch(() => "");
      for (let i = 0; i < 500 && (await comm()) !== "sleep\n"; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(await isAlive(pid, "sleep"));
      await writePidFile(options.stateDir, {
        name: "demo",
        record: {
          pid,
          endpoint: "127.0.0.1:7",
          marker: "sleep",
        },
      });
      starts.push(pid);
      return { endpoint: "127.0.0.1:7", pid };
    },
    probe: () => Promise.resolve(true),
    stopTimeoutMs: 1_000,
    env: (endpoint) => ({ DEMO_URL: endpoint }),
  });
  try {
    assert.deepEqual(await demo.status({ stateDir }), { running: false });
    const first = await demo.start({ stateDir });
    const again = await demo.start({ stateDir });
    assert.deepEqual(again, first);
    assert.deepEqual(await demo.start({ stateDir, port: 7 }), first);
    // Before: the running server on port 7 was returned for a request of port 8.
    await assert.rejects(
      () => demo.start({ stateDir, port: 8 }),
      (e) =>
        e instanceof BackendError &&
        e.message ===
          `demo: already running at 127.0.0.1:7 (pid ${first.pid}), not on port 8; to move it, stop it first: \`deno task services down --only demo\` (with the same --state-dir)`,
    );
    assert.deepEqual(starts, [first.pid]);
    assert.deepEqual(await demo.status({ stateDir }), {
      running: true,
      endpoint: "127.0.0.1:7",
      pid: first.pid,
    });
    assert.deepEqual(demo.env?.(first.endpoint), { DEMO_URL: "127.0.0.1:7" });
    await demo.stop({ stateDir });
    assert.deepEqual(await demo.status({ stateDir }), { running: false });
    assert.equal(await readPidFile(stateDir, "demo"), null);
  } finally {
    await demo.stop({ stateDir });
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("pidFileService: a running server that does not answer yet (its `up` was interrupted) is waited for, not reported up", async () => {
  const stateDir = await Deno.makeTempDir();
  const logFile = `${stateDir}/demo.out`;
  let answering = false;
  const demo = pidFileService({
    name: "demo",
    async start(options) {
      const pid = spawnDetached("sleep", ["30"], { logFile });
      const comm = () => Deno.readTextFile(`/proc/${pid}/comm`).catch(() => "");
      for (let i = 0; i < 500 && (await comm()) !== "sleep\n"; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await writePidFile(options.stateDir, {
        name: "demo",
        record: { pid, endpoint: "127.0.0.1:7", marker: "sleep" },
      });
      return { endpoint: "127.0.0.1:7", pid };
    },
    probe: () => Promise.resolve(answering),
    stopTimeoutMs: 1_000,
    env: (endpoint) => ({ DEMO_URL: endpoint }),
  });
  try {
    const first = await demo.start({ stateDir });
    // Before: `up` again said "already running" at once, export lines and all.
    await assert.rejects(
      () => demo.start({ stateDir, readyTimeoutMs: 300 }),
      (e) =>
        e instanceof BackendError &&
        e.message ===
          `demo: running (pid ${first.pid}) but no answer at 127.0.0.1:7 within 300 ms; see its log in ${stateDir}/demo, or start it again: \`deno task services down --only demo\`, then \`up\` (with the same --state-dir)`,
    );
    assert.equal(await isAlive(first.pid, "sleep"), true);
    setTimeout(() => answering = true, 300);
    assert.deepEqual(await demo.start({ stateDir }), first);
  } finally {
    await demo.stop({ stateDir });
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("pidFileService: two starts at once (two `up`s of one state dir) run one server, both get it", async () => {
  const stateDir = await Deno.makeTempDir();
  const logFile = `${stateDir}/demo.out`;
  const pids: number[] = [];
  const demo = pidFileService({
    name: "demo",
    async start(options) {
      const pid = spawnDetached("sleep", ["30"], { logFile });
      pids.push(pid);
      const comm = () => Deno.readTextFile(`/proc/${pid}/comm`).catch(() => "");
      for (let i = 0; i < 500 && (await comm()) !== "sleep\n"; i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await writePidFile(options.stateDir, {
        name: "demo",
        record: { pid, endpoint: "127.0.0.1:7", marker: "sleep" },
      });
      // A real server takes a while to answer.
      await new Promise((r) => setTimeout(r, 300));
      return { endpoint: "127.0.0.1:7", pid };
    },
    probe: () => Promise.resolve(true),
    stopTimeoutMs: 1_000,
    env: (endpoint) => ({ DEMO_URL: endpoint }),
  });
  try {
    const [a, b] = await Promise.all([
      demo.start({ stateDir }),
      demo.start({ stateDir }),
    ]);
    // Before: two servers, one of them in no PID file (down could not stop it).
    assert.equal(pids.length, 1);
    assert.deepEqual(a, { endpoint: "127.0.0.1:7", pid: pids[0] });
    assert.deepEqual(b, a);
  } finally {
    await demo.stop({ stateDir });
    for (const pid of pids) await stopPid(pid, { timeoutMs: 1_000 });
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("endpointPort: the port of each service's endpoint form", () => {
  assert.equal(endpointPort("127.0.0.1:19092"), 19092);
  assert.equal(endpointPort("http://127.0.0.1:14567"), 14567);
  assert.equal(
    endpointPort("mysql://pinterest:pinterest@127.0.0.1:13306/pinterest"),
    13306,
  );
  assert.equal(endpointPort("e"), undefined);
});
