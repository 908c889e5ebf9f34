import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import { openKinesisLog } from "../adapters/kinesis/mod.ts";
import { kinesisService } from "./kinesis.ts";
import { kinesisMockDir, kinesisMockEnv } from "./kinesis_mock.ts";
import {
  canConnect,
  freePort,
  isAlive,
  spawnDetached,
  stopPid,
} from "./process.ts";
import { readPidFile, writePidFile } from "./pid_file.ts";

// This test always starts its own server: it needs `node` and the kinesis-local package.
const canStart = await new Deno.Command("node", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success, () => false) &&
  await kinesisMockDir().then(() => true, () => false);
const ignore = !canStart && Deno.env.get("CI") !== "true";
if (ignore) {
  console.warn(
    "kinesis service test skipped: needs `node` (Node 20) and `deno install` for kinesis-local.",
  );
}

Deno.test("kinesisMockEnv: ports, no persistence, short delays, optional streams", () => {
  const env = kinesisMockEnv({
    port: 4567,
    tlsPort: 4999,
    duration: "50ms",
    initializeStreams: "a:2,b:1",
  });
  assert.equal(env.KINESIS_MOCK_PLAIN_PORT, "4567");
  assert.equal(env.KINESIS_MOCK_TLS_PORT, "4999");
  assert.equal(env.SHOULD_PERSIST_DATA, "false");
  assert.equal(env.LOAD_DATA_IF_EXISTS, "false");
  assert.equal(env.INITIALIZE_STREAMS, "a:2,b:1");
  assert.equal(env.SHARD_LIMIT, "500");
  for (const op of ["CREATE_STREAM", "DELETE_STREAM", "SPLIT_SHARD"]) {
    assert.equal(env[`${op}_DURATION`], "50ms");
  }
  const plain = kinesisMockEnv({ port: 1, tlsPort: 2 });
  assert.equal(plain.MERGE_SHARDS_DURATION, "100ms");
  assert.equal(plain.INITIALIZE_STREAMS, undefined);
});

/** An IPv4 address of this machine that is not loopback, if any. */
function outsideAddress(): string | undefined {
  return Deno.networkInterfaces().find((i) =>
    i.family === "IPv4" && !i.address.startsWith("127.")
  )?.address;
}

Deno.test({
  name:
    "kinesis service: starts kinesis-mock on 127.0.0.1 only, reuses it, stops exactly its PID",
  ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const stateDir = await Deno.makeTempDir({ prefix: "kinesis-svc-" });
    const port = freePort();
    const tlsPort = freePort();
    try {
      const began = Date.now();
      const handle = await kinesisService.start({
        stateDir,
        port,
        tlsPort,
        initializeStreams: "svc-init:2",
      });
      console.log(
        `kinesis-mock answered after ${(Date.now() - began) / 1000} s`,
      );
      assert.equal(handle.endpoint, `http://127.0.0.1:${port}`);
      assert.deepEqual(await kinesisService.status({ stateDir }), {
        running: true,
        endpoint: handle.endpoint,
        pid: handle.pid,
      });
      assert.deepEqual(kinesisService.env!(handle.endpoint), {
        KINESIS_ENDPOINT: handle.endpoint,
      });
      assert.equal(await canConnect("127.0.0.1", tlsPort), true);
      const outside = outsideAddress();
      if (outside) {
        assert.equal(await canConnect(outside, port), false);
        assert.equal(await canConnect(outside, tlsPort), false);
      } else console.warn("no non-loopback IPv4 address to probe from");

      const log = await openKinesisLog({ endpoint: handle.endpoint });
      try {
        assert.deepEqual(await log.listStreams(), ["svc-init"]);
        assert.equal((await log.describeStream("svc-init")).shards.length, 2);
      } finally {
        await log.close();
      }

      assert.deepEqual(await kinesisService.start({ stateDir, port }), handle);
      await assert.rejects(
        kinesisService.start({
          stateDir: `${stateDir}/other`,
          port,
          tlsPort: freePort(),
        }),
        (e) =>
          e instanceof BackendError &&
          e.message ===
            `kinesis: port ${port} on 127.0.0.1 is taken by another process; stop it, or ` +
              "start kinesis on another port with `deno task services up --port kinesis=N`",
      );

      await kinesisService.stop({ stateDir });
      assert.equal(await isAlive(handle.pid), false);
      assert.equal(await canConnect("127.0.0.1", port), false);
      assert.deepEqual(await kinesisService.status({ stateDir }), {
        running: false,
      });
      assert.equal(await readPidFile(stateDir, "kinesis"), null);
      await kinesisService.stop({ stateDir }); // a no-op now
    } finally {
      await kinesisService.stop({ stateDir });
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "kinesis service: stop leaves alone a PID that is not its server",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const stateDir = await Deno.makeTempDir({ prefix: "kinesis-svc-" });
    const pid = spawnDetached("sleep", ["30"], {
      logFile: `${stateDir}/sleep.out`,
    });
    try {
      await writePidFile(stateDir, {
        name: "kinesis",
        record: {
          pid,
          endpoint: "http://127.0.0.1:1",
          marker: `${stateDir}/kinesis/loopback.cjs`,
        },
      });
      assert.deepEqual(await kinesisService.status({ stateDir }), {
        running: false,
      });
      await kinesisService.stop({ stateDir });
      assert.equal(await isAlive(pid), true);
    } finally {
      assert.equal(await stopPid(pid, { timeoutMs: 2000 }), true);
      assert.equal(await isAlive(pid), false);
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});
