import assert from "node:assert/strict";
import { openEmbeddedLog } from "../log/mod.ts";
import {
  StreamBatchError,
  StreamCheckpointError,
  StreamLockedError,
} from "./errors.ts";
import { putPosts } from "./exactly_once_check.ts";
import { silentLogger } from "../logger.ts";
import { countStreamTables } from "./read_table.ts";
import { checkStreamOutput, createStreamProcessor } from "./processor.ts";
import type { CommitStep } from "./table_store.ts";
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

const STEPS: CommitStep[] = [
  "part-temp",
  "part",
  "parts",
  "checkpoint-temp",
  "checkpoint",
];

for (const step of STEPS) {
  Deno.test(`processor: a crash at "${step}" of a batch, then a restart, gives exactly once`, async () => {
    await using tmp = await makeTestDir();
    const { log, outDir, posted } = await setupStreams(tmp);
    await putPosts(log.streams, posts(0, 20), { prefix: PREFIX, into: posted });
    let calls = 0;
    const crashing = createStreamProcessor({
      streams: log.streams,
      prefix: PREFIX,
      outDir,
      maxBatchRecords: 5,
      onCommitStep: async (s, info) => {
        if (s !== step || info.batchId !== 2) return;
        if (++calls > 1) return;
        if (info.tempPath) await Deno.truncate(info.tempPath, 7); // torn temp file
        throw new Error(`injected crash at ${s}`);
      },
    });
    await assert.rejects(crashing.runOnce(), (e: unknown) => {
      assert.ok(e instanceof StreamBatchError);
      assert.equal(e.context.batchId, 2);
      assert.match(String((e.cause as Error).message), /injected crash/);
      return true;
    });
    assert.equal(crashing.stats.batches, 1);
    // More records arrive while the processor is down.
    await putPosts(log.streams, posts(20, 7), { prefix: PREFIX, into: posted });
    const restarted = createStreamProcessor({
      streams: log.streams,
      prefix: PREFIX,
      outDir,
    });
    const stats = await restarted.runOnce();
    const committedBefore = step === "checkpoint" ? 2 : 1;
    assert.equal(stats.lastBatchId, committedBefore + stats.batches);
    await assertExactlyOnce({ outDir, posted }, 27);
    await log.close();
  });
}

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

Deno.test("processor: run() retries failed batches, then gives up after maxConsecutiveFailures", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 5), { prefix: PREFIX, into: posted });
  const errors: string[] = [];
  let failing = 2;
  const attempts: number[] = [];
  const recovering = createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    triggerIntervalMs: 20,
    logger: { ...silentLogger, error: (m) => errors.push(m) },
    onCommitStep: (s) => {
      if (s !== "parts") return;
      attempts.push(failing);
      if (failing-- > 0) throw new Error("disk unplugged");
    },
  });
  const stop = new AbortController();
  const running = recovering.run(stop.signal);
  for (let i = 0; i < 1000 && recovering.stats.records < 15; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  stop.abort();
  await running;
  assert.equal(recovering.stats.failures, 2);
  assert.equal(errors.length, 2);
  assert.deepEqual(
    errors,
    [1, 1].map((batch) =>
      `Stream micro-batch ${batch} failed (disk unplugged); nothing of it was committed and ` +
      "it will be retried from the last checkpoint. Fix the cause and restart if it persists."
    ),
  );
  assert.equal(attempts.length, 3); // two failures, then the commit
  await assertExactlyOnce({ outDir, posted }, 5);

  await putPosts(log.streams, posts(5, 1), { prefix: PREFIX, into: posted });
  let tries = 0;
  const broken = createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    triggerIntervalMs: 1,
    maxConsecutiveFailures: 3,
    onCommitStep: (s) => {
      if (s !== "parts") return;
      tries++;
      throw new Error("disk unplugged");
    },
  });
  // Before: the last error said the batch "will be retried", though the processor stopped.
  await assert.rejects(
    broken.run(),
    (e) =>
      e instanceof StreamBatchError &&
      e.message ===
        "Stream micro-batch 2 failed (disk unplugged); nothing of it was committed and the processor stopped after 3 failed micro-batches in a row. Fix the cause and start it again: it resumes from the last checkpoint." &&
      e.context.batchId === 2 && e.context.outDir === outDir,
  );
  assert.equal(tries, 3);
  assert.equal(broken.stats.failures, 3);
  await log.close();
});

Deno.test("processor: a failed batch of runOnce (`stream --once`) says the run stopped, not that it will be retried", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 1), { prefix: PREFIX, into: posted });
  const broken = createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    onCommitStep: (s) => {
      if (s === "parts") throw new Error("disk unplugged");
    },
  });
  await assert.rejects(
    broken.runOnce(),
    (e) =>
      e instanceof StreamBatchError &&
      e.message ===
        "Stream micro-batch 1 failed (disk unplugged); nothing of it was committed and the processor stopped. Fix the cause and start it again: it resumes from the last checkpoint." &&
      e.context.batchId === 1 && e.context.outDir === outDir,
  );
  assert.equal(broken.stats.failures, 1);
  await log.close();
});

Deno.test("processor: the failure that stops run() is logged as stopping it, not as retried", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 1), { prefix: PREFIX, into: posted });
  const errors: string[] = [];
  const broken = createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    triggerIntervalMs: 1,
    maxConsecutiveFailures: 3,
    logger: { ...silentLogger, error: (m) => errors.push(m) },
    onCommitStep: (s) => {
      if (s === "parts") throw new Error("disk unplugged");
    },
  });
  const stopped = await broken.run().then(() => undefined, (e: unknown) => e);
  assert.ok(stopped instanceof StreamBatchError);
  const failed =
    "Stream micro-batch 1 failed (disk unplugged); nothing of it was committed and ";
  // Before: the third line said the batch "will be retried", as the first two rightly do,
  // right before the run stopped on it.
  assert.deepEqual(errors, [
    `${failed}it will be retried from the last checkpoint. Fix the cause and restart if it persists.`,
    `${failed}it will be retried from the last checkpoint. Fix the cause and restart if it persists.`,
    stopped.message,
  ]);
  assert.ok(stopped.message.includes("the processor stopped after 3 failed"));
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

Deno.test("processor: a stream deleted and created again is read from its start, once, after a restart", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  const warnings: string[] = [];
  const options = {
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    logger: {
      info() {},
      error() {},
      warn: (m: string, c?: Record<string, unknown>) =>
        warnings.push(`${m} ${c?.stream}`),
    },
  };
  await putPosts(log.streams, posts(0, 6), { prefix: PREFIX, into: posted });
  assert.equal((await createStreamProcessor(options).runOnce()).records, 18);
  await log.streams.deleteStream(`streaming-${PREFIX}-geo`);
  await new Promise((r) => setTimeout(r, 5)); // a later creation time
  await log.streams.createStream(`streaming-${PREFIX}-geo`);
  // The new geo stream's sequence numbers start over, below the checkpointed one.
  await putPosts(log.streams, posts(6, 4), { prefix: PREFIX, into: posted });
  assert.equal((await createStreamProcessor(options).runOnce()).records, 12);
  assert.deepEqual(warnings, [
    `stream: the stream was deleted and created again since the checkpoint; reading the new one from its start streaming-${PREFIX}-geo`,
  ]);
  assert.deepEqual(await countStreamTables(outDir), {
    stream_pin: 10,
    stream_geo: 10,
    stream_user: 10,
    stream_quarantine: 0,
  });
  assert.equal((await createStreamProcessor(options).runOnce()).batches, 0);
  assert.equal(warnings.length, 1);
  await log.close();
});

Deno.test("processor: tables written from another prefix's streams are refused, before and at open", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 3), { prefix: PREFIX, into: posted });
  await createStreamProcessor({ streams: log.streams, prefix: PREFIX, outDir })
    .runOnce();
  await checkStreamOutput(outDir, PREFIX);
  const message =
    `Stream checkpoint ${outDir}/_checkpoint.json: holds the positions of ` +
    `streaming-${PREFIX}-pin, streaming-${PREFIX}-geo, streaming-${PREFIX}-user, and this processor reads ` +
    "streaming-other-pin, streaming-other-geo, streaming-other-user: the tables hold another prefix's records. " +
    "Point the processor at another output directory (--data-dir) or delete that directory to start over from the streams' start.";
  const refused = (e: unknown) =>
    e instanceof StreamCheckpointError && e.message === message;
  await assert.rejects(checkStreamOutput(outDir, "other"), refused);
  await assert.rejects(
    createStreamProcessor({ streams: log.streams, prefix: "other", outDir })
      .runOnce(),
    refused,
  );
  // Refused without touching the tables, and the lock is released.
  assert.deepEqual((await countStreamTables(outDir)).stream_pin, 3);
  assert.equal((await catchUp(log, outDir)).batches, 0);
  await checkStreamOutput(`${outDir}-absent`, "other");
  await log.close();
});

Deno.test("processor: streams older than the checkpointed ones (another profile's) are refused, not read again", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await new Promise((r) => setTimeout(r, 5)); // the other log's streams are newer
  // The other profile's log, under tmp (removed with it).
  await Deno.mkdir(`${tmp.path}/other`);
  const other = await setupStreams({
    path: `${tmp.path}/other`,
    [Symbol.asyncDispose]: () => Promise.resolve(),
  });
  await putPosts(log.streams, posts(0, 3), { prefix: PREFIX, into: posted });
  await putPosts(other.log.streams, posts(3, 2), {
    prefix: PREFIX,
    into: other.posted,
  });
  const on = (streams: typeof log.streams) =>
    createStreamProcessor({
      streams,
      prefix: PREFIX,
      outDir,
      triggerIntervalMs: 50,
    });
  assert.equal((await on(log.streams).runOnce()).records, 9);
  // Switching to the other log: its newer streams look created again, read from the start.
  assert.equal((await on(other.log.streams).runOnce()).records, 6);
  // Switching back: before, the first log's streams were read again from their start,
  // and the tables held its 3 posts twice.
  const created = async (s: typeof log.streams, kind: string) =>
    new Date((await s.describeStream(`streaming-${PREFIX}-${kind}`)).createdAt)
      .toISOString();
  const message =
    `Stream checkpoint ${outDir}/_checkpoint.json: holds the positions of streaming-${PREFIX}-pin ` +
    `as created at ${await created(
      other.log.streams,
      "pin",
    )}, and the stream of that name ` +
    `was created earlier, at ${await created(
      log.streams,
      "pin",
    )}: the tables hold the records ` +
    "of other streams of that name (another profile's, or a log file put back), and reading " +
    "this one from its start would add its records again. Point the processor at another " +
    "output directory (--data-dir) or delete that directory to start over from the streams' start.";
  const refused = (e: unknown) =>
    e instanceof StreamCheckpointError && e.message === message;
  await assert.rejects(on(log.streams).runOnce(), refused);
  // run() stops at once: retrying cannot help.
  const started = performance.now();
  await assert.rejects(on(log.streams).run(), refused);
  assert.ok(performance.now() - started < 1000);
  assert.deepEqual(await countStreamTables(outDir), {
    stream_pin: 5,
    stream_geo: 5,
    stream_user: 5,
    stream_quarantine: 0,
  });
  await other.log.close();
  await log.close();
});
