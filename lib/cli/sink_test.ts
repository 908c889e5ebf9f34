import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { openEmbeddedLog } from "../log/mod.ts";
import { openDirStore } from "../lake/dir_store.ts";
import { silentLogger } from "../logger.ts";
import { LakeBusyError, LakeCorruptionError } from "../sink/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { parseSinkArgs, runSinkCli } from "./sink.ts";

Deno.test("sink cli: defaults and flags", () => {
  const { config, ...rest } = parseSinkArgs([], {});
  assert.equal(config.profile, "embedded");
  assert.equal(config.dataDir, ".data");
  assert.equal(config.prefix, "pinterest");
  assert.deepEqual(rest, {
    flushSize: 500,
    rotateIntervalMs: 10000,
    once: false,
    idleMs: 1000,
    group: "s3-sink",
    verify: "all",
  });
  const { config: flaggedConfig, ...flagged } = parseSinkArgs([
    "--profile=embedded",
    "--data-dir",
    "/tmp/x",
    "--prefix",
    "demo",
    "--flush-size",
    "3",
    "--rotate-interval-ms",
    "250",
    "--once",
    "--idle-ms",
    "100",
    "--group",
    "g",
    "--verify",
    "last",
  ], { DATA_DIR: "/env/dir", PIPELINE_PREFIX: "env" });
  assert.equal(flaggedConfig.dataDir, "/tmp/x");
  assert.equal(flaggedConfig.prefix, "demo");
  assert.deepEqual(flagged, {
    flushSize: 3,
    rotateIntervalMs: 250,
    once: true,
    idleMs: 100,
    group: "g",
    verify: "last",
  });
  for (
    const [flag, value] of [["--flush-size", "0"], [
      "--rotate-interval-ms",
      "1.5",
    ], ["--idle-ms", "x"]]
  ) {
    assert.throws(() => parseSinkArgs([flag, value], {}), (e) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.context.setting, flag);
      assert.equal(
        e.message,
        `Invalid setting ${flag}="${value}": must be a whole number >= 1`,
      );
      return true;
    });
  }
  assert.throws(
    () => parseSinkArgs(["--verify", "some"], {}),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting --verify="some": must be all or last (the default is all)',
  );
  assert.throws(() => parseSinkArgs(["--bogus"], {}), TypeError);
});

Deno.test("sink cli: --verify last resumes from each partition's last object, without reading the others", async () => {
  // A start read every object of the lake (26,000 a day for three busy topics at the
  // default rotation), with no way to read only what resuming needs.
  await using dir = await makeTestDir();
  const log = await openEmbeddedLog(join(dir.path, "log.db"), { fsync: false });
  const enc = new TextEncoder();
  await log.topics.createTopic("demo.pin");
  await log.topics.append(
    "demo.pin",
    [0, 1, 2, 3, 4, 5, 6].map((n) => ({ value: enc.encode(`{"i":${n}}`) })),
  );
  await log.close();
  // Objects 0-1 and 5: offsets 2..4 are missing between them, which only a read of every
  // object sees.
  const lake = openDirStore(join(dir.path, "lake"));
  const part = "topics/demo.pin/partition=0/demo.pin+0+";
  await lake.put(`${part}0000000000.json`, '{"i":0}\n{"i":1}\n');
  await lake.put(`${part}0000000005.json`, '{"i":5}\n');
  const args = ["--once", "--idle-ms", "100", "--data-dir", dir.path];
  await assert.rejects(
    runSinkCli([...args, "--prefix", "demo"], { logger: silentLogger }),
    (e: unknown) =>
      e instanceof LakeCorruptionError &&
      /offsets 2\.\.4 are missing/.test(e.message),
  );
  const stats = await runSinkCli([
    ...args,
    "--prefix",
    "demo",
    "--verify",
    "last",
  ], {
    logger: silentLogger,
  });
  assert.equal(stats.recordsWritten, 1);
  assert.deepEqual(
    new TextDecoder().decode(await lake.get(`${part}0000000006.json`)),
    '{"i":6}\n',
  );
});

Deno.test("sink cli: an empty --group is a ConfigError naming the flag (exit 2), not a failed run", () => {
  // It was refused only once the sink ran, as 'Invalid group ""' with exit code 1.
  assert.throws(
    () => parseSinkArgs(["--group", "", "--once"], {}),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting --group="": must not be empty (the default is s3-sink)',
  );
});

Deno.test("sink cli: DATA_DIR and PIPELINE_PREFIX apply when the flags are absent, as for every stage", () => {
  const { config } = parseSinkArgs([], {
    DATA_DIR: "/env/dir",
    PIPELINE_PREFIX: "env",
  });
  assert.equal(config.dataDir, "/env/dir");
  assert.equal(config.prefix, "env");
});

Deno.test("sink cli: --once drains the three topics into the lake, exactly", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log = await openEmbeddedLog(join(dir, "log.db"), { fsync: false });
    const enc = new TextEncoder();
    await log.topics.createTopic("demo.pin");
    await log.topics.append(
      "demo.pin",
      [1, 2, 3, 4].map((n) => ({ value: enc.encode(`{"i":${n}}`) })),
    );
    await log.close();
    const args = [
      "--once",
      "--idle-ms",
      "100",
      "--data-dir",
      dir,
      "--prefix",
      "demo",
    ];
    const stats = await runSinkCli([
      ...args,
      "--flush-size",
      "3",
      "--profile",
      "embedded",
    ], {
      logger: silentLogger,
    });
    assert.equal(stats.recordsWritten, 4);
    assert.deepEqual(stats.partitions.map((p) => [p.topic, p.nextOffset]), [
      ["demo.geo", null],
      ["demo.pin", 4],
      ["demo.user", null],
    ]);
    const lake = openDirStore(join(dir, "lake"));
    const dec = new TextDecoder();
    const objects: Record<string, string> = {};
    for (const { key } of await lake.list("")) {
      objects[key] = dec.decode(await lake.get(key));
    }
    assert.deepEqual(objects, {
      "topics/demo.pin/partition=0/demo.pin+0+0000000000.json":
        '{"i":1}\n{"i":2}\n{"i":3}\n',
      "topics/demo.pin/partition=0/demo.pin+0+0000000003.json": '{"i":4}\n',
    });
    const again = await runSinkCli([...args, "--profile", "embedded"], {
      logger: silentLogger,
    });
    assert.equal(again.recordsWritten, 0);
    const reopened = await openEmbeddedLog(join(dir, "log.db"), {
      fsync: false,
    });
    assert.deepEqual((await reopened.topics.listTopics()).map((t) => t.name), [
      "demo.geo",
      "demo.pin",
      "demo.user",
    ]);
    await reopened.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sink cli: a continuous run writes by rotation and stops on abort", async () => {
  const dir = await Deno.makeTempDir();
  const stop = new AbortController();
  let running: ReturnType<typeof runSinkCli> | null = null;
  try {
    running = runSinkCli(
      [
        "--data-dir",
        dir,
        "--prefix",
        "demo",
        "--profile",
        "embedded",
        "--rotate-interval-ms",
        "100",
      ],
      { signal: stop.signal, logger: silentLogger },
    );
    const log = await openEmbeddedLog(join(dir, "log.db"), { fsync: false });
    for (
      let i = 0;
      !(await log.topics.listTopics()).some((t) => t.name === "demo.geo");
      i++
    ) {
      assert.ok(i < 500, "the sink never created its topics");
      await new Promise((r) => setTimeout(r, 10));
    }
    await log.topics.append("demo.geo", [{
      value: new TextEncoder().encode('{"g":1}'),
    }]);
    const lake = openDirStore(join(dir, "lake"));
    for (let i = 0; (await lake.list("topics/")).length === 0; i++) {
      assert.ok(i < 500, "the sink never wrote the object");
      await new Promise((r) => setTimeout(r, 10));
    }
    stop.abort();
    const stats = await running;
    await log.close();
    assert.equal(stats.recordsWritten, 1);
    const key = "topics/demo.geo/partition=0/demo.geo+0+0000000000.json";
    assert.equal(
      new TextDecoder().decode(await openDirStore(join(dir, "lake")).get(key)),
      '{"g":1}\n',
    );
  } finally {
    stop.abort();
    await running?.catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sink cli: with `deno task sink --group a` running on the data dir, a sink of another group is refused naming its process", async () => {
  const dir = await Deno.makeTempDir();
  const lockPath = join(dir, "lake.sink.lock");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./sink.ts", import.meta.url).pathname,
      "--data-dir",
      dir,
      "--group",
      "a",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    // The running sink has recorded itself in the lake's lock.
    for (let i = 0;; i++) {
      const text = await Deno.readTextFile(lockPath).catch(() => "");
      if (text.includes(`"pid":${child.pid}`)) break;
      assert.ok(i < 3000, "the sink process never took the lake's lock");
      await new Promise((r) => setTimeout(r, 10));
    }
    const { since } = JSON.parse(await Deno.readTextFile(lockPath));
    await assert.rejects(
      runSinkCli(["--once", "--data-dir", dir, "--group", "b"], {
        logger: silentLogger,
      }),
      (e) => {
        assert.ok(e instanceof LakeBusyError);
        assert.equal(
          e.message,
          `The lake ${dir}/lake is being written by another sink: process ${child.pid} ` +
            `(deno task sink, consumer group "a", running since ${since}) holds its lock ${dir}/lake.sink.lock. ` +
            `Two sinks on one lake, whatever their consumer groups, each write every record, ` +
            `in objects of their own boundaries, so the lake would hold records twice. Stop ` +
            `that sink first (\`kill ${child.pid}\` stops it), or leave the topics to it ` +
            `(\`deno task emulate --post-only\` posts beside it).`,
        );
        return true;
      },
    );
    // Stopped, it lets the next sink have the lake.
    child.kill("SIGTERM");
    assert.equal((await child.output()).code, 0);
    const stats = await runSinkCli(
      ["--once", "--idle-ms", "100", "--data-dir", dir, "--group", "b"],
      { logger: silentLogger },
    );
    assert.equal(stats.recordsWritten, 0);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already ended
    }
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
