/**
 * The stream processor consuming the streams: catch-ups append each record once, batch
 * limits (records, bytes), `run()`'s trigger and its lock, streams not created yet, a
 * batch of quarantined records only.
 * Failures are in `processor_failure_test.ts`, stream identity in `processor_streams_test.ts`.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { openEmbeddedLog } from "../log/mod.ts";
import { StreamLockedError } from "./errors.ts";
import { putPosts } from "./exactly_once_check.ts";
import { countStreamTables, readStreamTable } from "./read_table.ts";
import { createStreamProcessor } from "./processor.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import {
  assertExactlyOnce,
  catchUp,
  posts,
  PREFIX,
  setupStreams,
} from "./test_util.ts";

Deno.test("processor: catch-up appends every record once; the next catch-up only new ones", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 30), { prefix: PREFIX, into: posted });
  // The pin stream has two shards.
  assert.deepEqual(
    new Set([...posted.pin.keys()].map((k) => k.split("/")[0])),
    new Set(["shardId-000000000000", "shardId-000000000001"]),
  );
  const options = {
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    maxBatchRecords: 8,
  };
  const first = await createStreamProcessor(options).runOnce();
  assert.equal(first.records, 90);
  assert.deepEqual(first.rows, {
    stream_pin: 30,
    stream_geo: 30,
    stream_user: 30,
  });
  // 30 records a stream, 8 a batch.
  assert.equal(first.batches, 4);
  assert.equal(first.lastBatchId, 4);
  await assertExactlyOnce({ outDir, posted }, 30);

  await putPosts(log.streams, posts(30, 12), { prefix: PREFIX, into: posted });
  const second = await createStreamProcessor(options).runOnce();
  assert.equal(second.records, 36);
  assert.equal(second.batches, 2);
  assert.equal(second.lastBatchId, 6);
  await assertExactlyOnce({ outDir, posted }, 42);

  const third = await createStreamProcessor(options).runOnce();
  assert.equal(third.batches, 0);
  assert.equal(third.lastBatchId, 6);
  await assertExactlyOnce({ outDir, posted }, 42);
  await log.close();
});

Deno.test("processor: maxBatchBytes makes smaller batches of large records, each record once", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 12), { prefix: PREFIX, into: posted });
  // One page per stream and batch: pin has two shards, so two batches; without the byte
  // limit, one batch takes everything.
  const small = await createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    maxBatchBytes: 1,
  }).runOnce();
  assert.equal(small.batches, 2);
  assert.equal(small.records, 36);
  await assertExactlyOnce({ outDir, posted }, 12);
  await log.close();
});

Deno.test("processor: run() triggers micro-batches until aborted; a second writer is refused", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  const commits: number[] = [];
  const processor = createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    triggerIntervalMs: 40,
    onCommit: (c) => commits.push(c.records.length),
  });
  const stop = new AbortController();
  const running = processor.run(stop.signal);
  for (let round = 0; round < 3; round++) {
    await putPosts(log.streams, posts(round * 10, 10), {
      prefix: PREFIX,
      into: posted,
    });
    const target = (round + 1) * 30;
    // At most 10 s: a loaded 2-core host (the suite runs in parallel) can take seconds.
    for (let i = 0; i < 1000 && processor.stats.records < target; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(processor.stats.records, target);
    if (round > 0) continue;
    // The running processor holds the output directory.
    await assert.rejects(
      createStreamProcessor({ streams: log.streams, prefix: PREFIX, outDir })
        .runOnce(),
      StreamLockedError,
    );
  }
  stop.abort();
  await running;
  assert.ok(commits.length >= 3, `commits: ${commits}`);
  assert.equal(commits.reduce((a, b) => a + b, 0), 90);
  await assertExactlyOnce({ outDir, posted }, 30);
  await log.close();
});

Deno.test("processor: streams that do not exist yet read as empty", async () => {
  await using dirTmp = await makeTestDir();
  const dir = dirTmp.path;
  const log = await openEmbeddedLog(`${dir}/log.db`);
  const warnings: string[] = [];
  const stats = await createStreamProcessor({
    streams: log.streams,
    prefix: "absent",
    outDir: `${dir}/stream`,
    logger: {
      info() {},
      error() {},
      warn: (m, c) => warnings.push(`${m} ${c?.stream}`),
    },
  }).runOnce();
  assert.equal(stats.batches, 0);
  assert.deepEqual(warnings, [
    "stream: waiting for a stream that does not exist yet streaming-absent-pin",
    "stream: waiting for a stream that does not exist yet streaming-absent-geo",
    "stream: waiting for a stream that does not exist yet streaming-absent-user",
  ]);
  await log.close();
});

Deno.test("processor: a micro-batch whose every record is quarantined commits the quarantine rows and moves on", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir } = await setupStreams(tmp);
  const enc = new TextEncoder();
  const results = await log.streams.putRecords(
    `streaming-${PREFIX}-geo`,
    ["{oops", "", '{"ind":"x"}'].map((text) => ({
      data: enc.encode(text),
      partitionKey: "k",
    })),
  );
  const stats = await createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
  }).runOnce();
  assert.equal(stats.batches, 1);
  assert.equal(stats.records, 3);
  assert.deepEqual(stats.rows, { stream_quarantine: 3 });
  assert.deepEqual(
    (await readStreamTable(outDir, "stream_quarantine")).toRecords(),
    [
      ["malformed JSON", "{oops"],
      ["empty record", ""],
      ["unparseable ind", '{"ind":"x"}'],
    ].map(([reason, raw], i) => ({
      table: "geo",
      reason,
      raw,
      _shard_id: "shardId-000000000000",
      _sequence_number: (results[i] as { sequenceNumber: string })
        .sequenceNumber,
    })),
  );
  assert.deepEqual(await countStreamTables(outDir), {
    stream_pin: 0,
    stream_geo: 0,
    stream_user: 0,
    stream_quarantine: 3,
  });
  // Its positions were committed: the records are not read again.
  assert.equal((await catchUp(log, outDir)).batches, 0);
  await log.close();
});

Deno.test("processor: limits that would leave it reading nothing, or spinning, are refused at creation", async () => {
  await using tmp = await makeTestDir();
  const { log } = await setupStreams(tmp);
  // Before: maxBatchRecords 0 (or maxBatchBytes 0) made a processor whose every batch was
  // empty, silently; a trigger interval of 0 or NaN polled the streams without a pause.
  for (
    const [option, value, problem] of [
      ["maxBatchRecords", 0, "must be a whole number of records >= 1"],
      ["maxBatchRecords", 2.5, "must be a whole number of records >= 1"],
      ["maxBatchBytes", 0, "must be a whole number of bytes >= 1"],
      ["triggerIntervalMs", 0, "must be a number of milliseconds >= 1"],
      ["triggerIntervalMs", NaN, "must be a number of milliseconds >= 1"],
      ["maxConsecutiveFailures", 0, "must be a whole number >= 1"],
    ] as const
  ) {
    assert.throws(
      () => createStreamProcessor({ streams: log.streams, [option]: value }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `Invalid setting ${option}=${value}: ${problem}`,
      `${option}=${value}`,
    );
  }
  await log.close();
});
