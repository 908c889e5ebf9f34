/**
 * The stream processor and the identity of its streams: a stream deleted and created
 * again, tables of another prefix's streams, streams older than the checkpointed ones.
 */
import assert from "node:assert/strict";
import { StreamCheckpointError } from "./errors.ts";
import { putPosts } from "./exactly_once_check.ts";
import { countStreamTables } from "./read_table.ts";
import { checkStreamOutput, createStreamProcessor } from "./processor.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { catchUp, posts, PREFIX, setupStreams } from "./test_util.ts";

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
