/**
 * The emulate job beside stages already running on its data dir: a sink holding the group is
 * refused before anything is posted, a running stream processor is left the streams, and
 * `postOnly` leaves both the topics and the streams to them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../config/mod.ts";
import { ensureTopology } from "../gateway/mod.ts";
import { openDirStore } from "../lake/mod.ts";
import { GroupBusyError, openEmbeddedLog } from "../log/mod.ts";
import { createSink, LakeBusyError } from "../sink/mod.ts";
import { seedSqlite } from "../source/mod.ts";
import { createStreamProcessor, openTableStore } from "../stream/mod.ts";
import { runEmulateJob } from "./emulate.ts";

Deno.test("emulate job: a sink already running on the data dir is refused before anything is posted", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    await seedSqlite(config.sourceUrl, { rows: 5 });
    // Another process's sink holds the group: here, a consumer on its own handle of the log.
    const log = await openEmbeddedLog(join(dataDir, "log.db"));
    await ensureTopology(log.topics, log.streams, { prefix: "pinterest" });
    const held = await log.topics.consumer("s3-sink", ["pinterest.pin"]);
    await assert.rejects(runEmulateJob(config, { count: 3 }), GroupBusyError);
    await held.close();
    // Nothing was posted by the refused run.
    const check = await log.topics.consumer("check", ["pinterest.pin"]);
    assert.deepEqual(await check.poll({ timeoutMs: 0 }), []);
    await check.close();
    const page = await log.streams.readShard(
      "streaming-pinterest-pin",
      "shardId-000000000000",
    );
    assert.deepEqual(page.records, []);
    await log.close();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("emulate job: a sink of another group writing the lake is refused before anything is posted", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    await seedSqlite(config.sourceUrl, { rows: 5 });
    const log = await openEmbeddedLog(join(dataDir, "log.db"));
    await ensureTopology(log.topics, log.streams, { prefix: "pinterest" });
    const other = createSink({
      log: log.topics,
      store: openDirStore(join(dataDir, "lake")),
      topics: ["pinterest.pin"],
      group: "other",
    });
    const running = other.run();
    await other.ready();
    await assert.rejects(runEmulateJob(config, { count: 3 }), LakeBusyError);
    await other.stop();
    await running;
    const check = await log.topics.consumer("check", ["pinterest.pin"]);
    assert.deepEqual(await check.poll({ timeoutMs: 0 }), []);
    await check.close();
    await log.close();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("emulate job: with a stream processor running on the data dir, the job leaves the streams to it", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    await seedSqlite(config.sourceUrl, { rows: 5 });
    // The running processor's lock: here, the table store opened by this test.
    const running = await openTableStore(join(dataDir, "stream"), {
      tables: ["stream_pin"],
    });
    const result = await runEmulateJob(config, { count: 3, randomSeed: 1 });
    await running.close();
    const p = result.processing!;
    assert.equal(p.stream, undefined);
    assert.deepEqual(result.unseen, { topics: 0, streams: 0 });
    assert.equal(result.sink?.recordsWritten, 9);
    assert.deepEqual(
      Object.values(p.batch.tables).map((t) => t.records),
      [3, 3, 3],
    );
    // The streams hold the posts, for the running processor to read.
    const log = await openEmbeddedLog(join(dataDir, "log.db"));
    const processed = await createStreamProcessor({
      streams: log.streams,
      outDir: join(dataDir, "stream"),
    }).runOnce();
    await log.close();
    assert.equal(processed.records, 9);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("emulate job: postOnly posts beside a running sink and stream processor and leaves the topics and streams to them", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    await seedSqlite(config.sourceUrl, { rows: 5 });
    // The running sink's group membership and the running processor's lock.
    const log = await openEmbeddedLog(join(dataDir, "log.db"));
    const names = await ensureTopology(log.topics, log.streams, {
      prefix: "pinterest",
    });
    const held = await log.topics.consumer("s3-sink", names.topics);
    const running = await openTableStore(join(dataDir, "stream"), {
      tables: ["stream_pin"],
    });
    const result = await runEmulateJob(config, {
      count: 4,
      randomSeed: 2,
      postOnly: true,
    });
    await held.close();
    await running.close();
    assert.equal(result.emulation.recordsAccepted, 24);
    assert.equal(result.sink, undefined);
    assert.equal(result.processing, undefined);
    assert.deepEqual(result.unseen, { topics: 0, streams: 0 });
    // Everything posted waits in the log for the sink and the processor.
    const sink = createSink({
      log: log.topics,
      store: openDirStore(join(dataDir, "lake")),
      topics: names.topics,
    });
    await sink.drain({ idleMs: 200 });
    assert.equal(sink.stats.recordsWritten, 12);
    const processed = await createStreamProcessor({
      streams: log.streams,
      outDir: join(dataDir, "stream"),
    }).runOnce();
    assert.equal(processed.records, 12);
    await log.close();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
