import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { readWarehouse } from "../batch/mod.ts";
import { ConfigError } from "../errors.ts";
import { loadConfig, openRuntime } from "../config/mod.ts";
import { ensureTopology, serveGateway } from "../gateway/mod.ts";
import { openDirStore } from "../lake/mod.ts";
import { GroupBusyError, openEmbeddedLog } from "../log/mod.ts";
import { createSink, LakeWriteError } from "../sink/mod.ts";
import type { DataFrame } from "../clean/mod.ts";
import { METRIC_NAMES } from "../metrics/mod.ts";
import { DEFAULT_ROWS, seedSqlite } from "../source/mod.ts";
import {
  createStreamProcessor,
  openTableStore,
  readStreamTable,
} from "../stream/mod.ts";
import { runEmulateJob } from "./emulate.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import type { ProcessingResult } from "./process.ts";

const KINDS = ["pin", "geo", "user"] as const;
type Kind = (typeof KINDS)[number];

/** The distinct values of `ind`, ascending. */
function distinctInds(df: DataFrame): number[] {
  return df.getColumn("ind").unique().sort().toArray().map(Number);
}

/** Quarantined stream rows per kind (`table` column of `stream_quarantine`). */
async function streamQuarantine(dir: string): Promise<Record<string, number>> {
  const q = await readStreamTable(join(dir, "stream"), "stream_quarantine");
  const out: Record<string, number> = { pin: 0, geo: 0, user: 0 };
  for (const t of q.getColumn("table").toArray()) out[String(t)] += 1;
  return out;
}

/**
 * Checks the batch and stream tables of `dataDir` against each other after `posts` posts in
 * both modes: each stream table holds every posted record (or quarantines it), each batch
 * table one row per distinct source row among them.
 */
async function assertTablesAgree(
  dataDir: string,
  p: ProcessingResult,
  posts: number,
): Promise<Record<Kind, DataFrame>> {
  const warehouse = await readWarehouse(join(dataDir, "warehouse"), KINDS);
  const quarantined = await streamQuarantine(dataDir);
  for (const kind of KINDS) {
    const stream = await readStreamTable(
      join(dataDir, "stream"),
      `stream_${kind}`,
    );
    assert.equal(stream.height + quarantined[kind], posts, kind);
    assert.equal(p.streamTables[`stream_${kind}`], stream.height, kind);
    const inds = distinctInds(stream);
    assert.deepEqual(distinctInds(warehouse[kind]), inds, kind);
    assert.equal(warehouse[kind].height, inds.length, kind);
    const t = p.batch.tables[kind];
    assert.equal(t.rows, warehouse[kind].height, kind);
    assert.equal(t.rows + t.duplicates + t.quarantined, t.records, kind);
  }
  return warehouse;
}

Deno.test("emulate job: a first run seeds, posts in both modes, cleans, and computes the metrics", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const result = await runEmulateJob(loadConfig({ dataDir }, { env: {} }), {
      count: 40,
      randomSeed: 7,
    });
    assert.equal(result.seededRows, DEFAULT_ROWS);
    assert.equal(result.emulation.posts, 40);
    assert.equal(result.emulation.recordsAccepted, 240);
    assert.equal(result.emulation.recordsFailed, 0);
    assert.equal(result.sink?.recordsWritten, 120);
    assert.deepEqual(result.unseen, { topics: 0, streams: 0 });
    assert.equal(result.locations.inProcess, true);
    assert.equal(result.locations.lake, resolve(dataDir, "lake"));
    const p = result.processing!;
    assert.equal(p.stream?.records, 120);
    const warehouse = await assertTablesAgree(dataDir, p, 40);

    const metrics = p.metrics!;
    assert.deepEqual(Object.keys(metrics.results), [...METRIC_NAMES]);
    assert.deepEqual(metrics.rows, {
      pin: warehouse.pin.height,
      geo: warehouse.geo.height,
      user: warehouse.user.height,
    });
    // Metric 7, worked out from the warehouse's user table.
    const years =
      (warehouse.user.getColumn("date_joined").toArray() as unknown[])
        .filter((d): d is Date => d instanceof Date)
        .map((d) => d.getUTCFullYear());
    const expected = [2015, 2016, 2017, 2018, 2019, 2020]
      .map((y) => ({
        post_year: y,
        number_users_joined: years.filter((x) => x === y).length,
      }))
      .filter((r) => r.number_users_joined > 0);
    assert.ok(expected.length > 0);
    assert.deepEqual(metrics.results.users_joined_by_year, expected);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("emulate job: repeated rows are one batch row each; a stream-only rerun appends to the streams only", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    // 60 posts from 25 source rows: rows must repeat.
    await seedSqlite(config.sourceUrl, { rows: 25 });
    const first = await runEmulateJob(config, { count: 60, randomSeed: 1 });
    assert.equal(first.seededRows, undefined);
    await assertTablesAgree(dataDir, first.processing!, 60);
    for (const kind of KINDS) {
      const t = first.processing!.batch.tables[kind];
      assert.ok(t.rows <= 25 && t.duplicates >= 35, `${kind}: ${t.rows}`);
    }

    const again = await runEmulateJob(config, {
      count: 15,
      randomSeed: 2,
      mode: "stream",
    });
    assert.equal(again.emulation.recordsAccepted, 45);
    assert.equal(again.sink?.recordsWritten, 0);
    assert.equal(again.processing!.stream?.records, 45);
    assert.deepEqual(again.unseen, { topics: 0, streams: 0 });
    const quarantined = await streamQuarantine(dataDir);
    for (const kind of KINDS) {
      assert.deepEqual(
        again.processing!.batch.tables[kind],
        {
          ...first.processing!.batch.tables[kind],
          elapsedMs: again.processing!.batch.tables[kind].elapsedMs,
        },
        kind,
      );
      assert.equal(
        again.processing!.streamTables[`stream_${kind}`] + quarantined[kind],
        75,
        kind,
      );
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

/** A gateway on its own embedded data dir; `check` gets its URL and the offsets of `topic`. */
async function withOtherGateway(
  check: (gateway: {
    url: string;
    offsets: (topic: string) => Promise<number[]>;
  }) => Promise<void>,
): Promise<void> {
  await using otherDir = await makeTestDir();
  const other = await openRuntime(
    loadConfig({ dataDir: otherDir.path }, { env: {} }),
  );
  try {
    await ensureTopology(other.topics, other.streams, { prefix: "pinterest" });
    const server = await serveGateway({
      topics: other.topics,
      streams: other.streams,
      port: 0,
    });
    try {
      await check({
        url: server.url,
        offsets: async (topic) => {
          const consumer = await other.topics.consumer("check", [topic]);
          const records = await consumer.poll({ timeoutMs: 100 });
          await consumer.close();
          return records.map((r) => r.offset);
        },
      });
    } finally {
      await server.shutdown();
    }
  } finally {
    await other.close();
  }
}

Deno.test("emulate job: an --api gateway on another data dir: its records are counted unseen, in the log they went to", async () => {
  await using tmp = await makeTestDir();
  await withOtherGateway(async (gateway) => {
    const result = await runEmulateJob(
      loadConfig({ dataDir: tmp.path }, { env: {} }),
      { count: 4, randomSeed: 3, api: gateway.url },
    );
    assert.equal(result.emulation.recordsAccepted, 24);
    assert.equal(result.sink?.recordsWritten, 0);
    assert.equal(result.processing!.stream?.records, 0);
    assert.deepEqual(result.unseen, { topics: 12, streams: 12 });
    // The records are in the gateway's own log, not lost.
    assert.deepEqual(await gateway.offsets("pinterest.pin"), [0, 1, 2, 3]);
  });
});

Deno.test("emulate job: postOnly with an api opens none of the profile's backends, only the source", async () => {
  await using tmp = await makeTestDir();
  await withOtherGateway(async (gateway) => {
    // The local profile's servers answer nowhere: opening any of them would fail.
    const nowhere = "127.0.0.1:1";
    const config = loadConfig({
      profile: "local",
      dataDir: tmp.path,
      source: join(tmp.path, "source.db"),
    }, {
      env: {
        KAFKA_BROKERS: nowhere,
        KINESIS_ENDPOINT: `http://${nowhere}`,
        S3_ENDPOINT: `http://${nowhere}`,
      },
    });
    const result = await runEmulateJob(config, {
      count: 4,
      randomSeed: 3,
      api: gateway.url,
      postOnly: true,
    });
    assert.equal(result.emulation.recordsAccepted, 24);
    assert.deepEqual(result.unseen, { topics: 0, streams: 0 });
    assert.deepEqual(result.locations, {
      source: join(tmp.path, "source.db"),
      api: gateway.url,
      inProcess: false,
    });
    assert.equal(result.sink, undefined);
    assert.deepEqual(await gateway.offsets("pinterest.geo"), [0, 1, 2, 3]);
  });
});

Deno.test("emulate job: the aws profile without a source is refused naming SOURCE_URL, before anything is opened", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ profile: "aws", dataDir }, { env: {} });
    assert.equal(config.sourceUrl, "");
    await assert.rejects(
      runEmulateJob(config, { count: 3 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          'Invalid setting SOURCE_URL (--source)="": required for the aws profile: mysql://user:pass@host:3306/db',
    );
    // Nothing was seeded in place of the missing source.
    assert.deepEqual([...Deno.readDirSync(dataDir)].map((e) => e.name), []);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

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

Deno.test("emulate job: a sink whose lake cannot be written stops the posting and fails the job with LakeWriteError; the posts stay in the log", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    await seedSqlite(config.sourceUrl, { rows: 50 });
    // A file where the sink needs the pin topic's folder: every pin object write fails.
    const blocked = join(dataDir, "lake", "topics", "pinterest.pin");
    await Deno.mkdir(join(dataDir, "lake", "topics"), { recursive: true });
    await Deno.writeTextFile(blocked, "in the way");
    const started = performance.now();
    await assert.rejects(
      runEmulateJob(config, {
        count: 1_000_000, // never reached: the failure stops the posting
        mode: "batch",
        sinkLakeRetry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      }),
      (e: unknown) => {
        assert.ok(e instanceof LakeWriteError, String(e));
        assert.equal(e.context.attempts, 2);
        assert.match(
          String(e.context.key),
          /^topics\/pinterest\.pin\/partition=0\/pinterest\.pin\+0\+0000000000\.json$/,
        );
        return true;
      },
    );
    assert.ok(performance.now() - started < 60_000);
    // Nothing acknowledged is lost: with the folder free, a sink writes every posted pin.
    await Deno.remove(blocked);
    const runtime = await openRuntime(config);
    try {
      const check = await runtime.topics.consumer("check", ["pinterest.pin"]);
      let posted = 0;
      for (let got; (got = await check.poll({ timeoutMs: 0 })).length > 0;) {
        posted += got.length;
      }
      await check.close();
      const sink = createSink({
        log: runtime.topics,
        store: runtime.lake,
        topics: ["pinterest.pin"],
      });
      await sink.drain({ idleMs: 300 });
      assert.ok(posted > 0);
      assert.equal(sink.stats.recordsWritten, posted);
    } finally {
      await runtime.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
