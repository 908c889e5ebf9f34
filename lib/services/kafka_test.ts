import assert from "node:assert/strict";
import { openKafkaLog } from "../adapters/kafka/mod.ts";
import { BackendError } from "../errors.ts";
import { kafkaService } from "./kafka.ts";
import { KAFKA_VERSION } from "./kafka_jars.ts";
import { freePort, isAlive, spawnDetached, stopPid } from "./process.ts";
import { readPidFile, writePidFile } from "./pid_file.ts";
import { startWithPath } from "./test_start_with_path.ts";

const hasJava = await new Deno.Command("java", {
  args: ["-version"],
  stderr: "null",
})
  .output().then((o) => o.success, () => false);
const ci = Deno.env.get("CI") === "true";
if (!hasJava && !ci) {
  console.warn(
    "Kafka service test skipped: no java; `apt-get install openjdk-17-jre-headless maven`.",
  );
}

Deno.test({
  name:
    "kafka service: starts a KRaft broker on free ports, reuses it, stops exactly its PID",
  ignore: !hasJava && !ci,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const stateDir = await Deno.makeTempDir({ prefix: "kafka-svc-" });
    const port = freePort();
    const controllerPort = freePort();
    try {
      const began = Date.now();
      const handle = await kafkaService.start({
        stateDir,
        port,
        controllerPort,
        heapMb: 384,
      });
      console.log(`broker answered after ${(Date.now() - began) / 1000} s`);
      assert.equal(handle.endpoint, `127.0.0.1:${port}`);
      assert.deepEqual(await kafkaService.status({ stateDir }), {
        running: true,
        endpoint: handle.endpoint,
        pid: handle.pid,
      });
      const props = await Deno.readTextFile(
        `${stateDir}/kafka/server.properties`,
      );
      assert.match(
        props,
        new RegExp(
          `^listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}$`,
          "m",
        ),
      );
      assert.match(props, /^auto.create.topics.enable=false$/m);

      const log = await openKafkaLog({ brokers: [handle.endpoint] });
      await log.createTopic("svc.check", { partitions: 2 });
      assert.deepEqual(await log.listTopics(), [{
        name: "svc.check",
        partitions: 2,
      }]);
      assert.deepEqual(
        await log.append("svc.check", [{
          value: new Uint8Array([1]),
          partition: 1,
        }]),
        [{ partition: 1, offset: 0 }],
      );
      await log.close();

      const again = await kafkaService.start({
        stateDir,
        port,
        controllerPort,
      });
      assert.deepEqual(again, handle);

      await kafkaService.stop({ stateDir });
      assert.equal(await isAlive(handle.pid), false);
      assert.deepEqual(await kafkaService.status({ stateDir }), {
        running: false,
      });
      assert.equal(await readPidFile(stateDir, "kafka"), null);
      await kafkaService.stop({ stateDir }); // a no-op now
    } finally {
      await kafkaService.stop({ stateDir });
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "kafka service: stop leaves alone a PID that is not its broker",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const stateDir = await Deno.makeTempDir({ prefix: "kafka-svc-" });
    const pid = spawnDetached("sleep", ["30"], {
      logFile: `${stateDir}/sleep.out`,
    });
    try {
      await writePidFile(stateDir, {
        name: "kafka",
        record: {
          pid,
          endpoint: "127.0.0.1:1",
          marker: `${stateDir}/kafka/server.properties`,
        },
      });
      assert.deepEqual(await kafkaService.status({ stateDir }), {
        running: false,
      });
      await kafkaService.stop({ stateDir });
      assert.equal(await isAlive(pid), true);
    } finally {
      assert.equal(await stopPid(pid, { timeoutMs: 2000 }), true);
      assert.equal(await isAlive(pid), false);
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "kafka service: without java, start says to install it and starts nothing",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const stateDir = await Deno.makeTempDir({ prefix: "kafka-svc-" });
    const jarsCacheDir = `${stateDir}/jars`;
    await Deno.mkdir(`${jarsCacheDir}/libs`, { recursive: true });
    await Deno.writeTextFile(
      `${jarsCacheDir}/libs/.complete-${KAFKA_VERSION}`,
      "",
    );
    try {
      // Before: "Failed to spawn 'java': entity not found". The PATH without java is the
      // child's only: this process's is that of the test files running at once.
      assert.deepEqual(
        await startWithPath("./kafka.ts", "kafkaService", {
          path: `${stateDir}/no-java-here`,
          options: { stateDir, port: freePort(), jarsCacheDir },
        }),
        {
          outcome: "BackendError",
          message:
            "kafka: java is not installed (the broker needs Java 17); install it with `apt-get install -y openjdk-17-jre-headless`, or put its bin folder on PATH",
        },
      );
      assert.equal(await readPidFile(stateDir, "kafka"), null);
    } finally {
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "kafka service: a broker that fails at start leaves the reason in the log the error names",
  ignore: !hasJava && !ci,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const stateDir = await Deno.makeTempDir({ prefix: "kafka-svc-" });
    const port = freePort();
    try {
      await kafkaService.start({ stateDir, port, heapMb: 256 });
      await kafkaService.stop({ stateDir });
      // A damaged KRaft state: the broker stops with a fatal error while starting.
      await Deno.writeTextFile(
        `${stateDir}/kafka/data/__cluster_metadata-0/quorum-state`,
        "garbage\n",
      );
      const logFile = `${stateDir}/kafka/kafka.out`;
      await assert.rejects(
        kafkaService.start({ stateDir, port, heapMb: 256 }),
        (e) =>
          e instanceof BackendError &&
          e.message ===
            `kafka: the server exited during start; see ${logFile}`,
      );
      // Before: kafka.out was empty, the broker's errors all in server.log.
      assert.match(
        await Deno.readTextFile(logFile),
        /ERROR Encountered fatal fault/,
      );
    } finally {
      await kafkaService.stop({ stateDir });
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});
