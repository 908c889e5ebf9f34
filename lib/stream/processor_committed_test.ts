/**
 * The stream processor when a micro-batch fails after its commit point (the checkpoint
 * renamed into place, its folder not yet fsynced; or the `onCommit` callback): the errors
 * say the batch was committed, and the processor goes on after it, not through it again.
 */
import assert from "node:assert/strict";
import { StreamBatchError } from "./errors.ts";
import { putPosts } from "./exactly_once_check.ts";
import { silentLogger } from "../logger.ts";
import { createStreamProcessor } from "./processor.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import {
  assertExactlyOnce,
  catchUp,
  posts,
  PREFIX,
  setupStreams,
} from "./test_util.ts";

Deno.test("processor: a failure after the checkpoint's rename says the batch was committed", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 3), { prefix: PREFIX, into: posted });
  const broken = createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    onCommitStep: (s) => {
      // Right after the rename, where a failed fsync of the folder would throw.
      if (s === "checkpoint") throw new Error("folder not synced");
    },
  });
  // Before: 'Stream micro-batch 1 failed (folder not synced); nothing of it was committed'.
  await assert.rejects(broken.runOnce(), (e: unknown) => {
    assert.ok(e instanceof StreamBatchError);
    assert.equal(
      e.message,
      "Stream micro-batch 1 was committed, then failed (folder not synced); its rows are " +
        "in the tables and the processor stopped. Fix the cause and start it again: it " +
        "resumes from the last checkpoint.",
    );
    assert.deepEqual(e.context, { batchId: 1, committed: true, outDir });
    return true;
  });
  assert.equal(broken.stats.lastBatchId, 1);
  assert.equal((await catchUp(log, outDir)).batches, 0);
  await assertExactlyOnce({ outDir, posted }, 3);
  await log.close();
});

Deno.test("processor: an onCommit callback that throws is logged as a failure after the commit, and run() goes on", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 3), { prefix: PREFIX, into: posted });
  const errors: string[] = [];
  const processor = createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    triggerIntervalMs: 1,
    logger: { ...silentLogger, error: (m) => errors.push(m) },
    onCommit: (c) => {
      if (c.batchId === 1) throw new Error("bench gone");
    },
  });
  const stop = new AbortController();
  const running = processor.run(stop.signal);
  const until = async (done: () => boolean) => {
    for (let i = 0; i < 1000 && !done(); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  await until(() => errors.length > 0);
  await putPosts(log.streams, posts(3, 2), { prefix: PREFIX, into: posted });
  await until(() => processor.stats.records >= 15);
  stop.abort();
  await running;
  // Before: the line was the callback's own message, 'bench gone'.
  assert.deepEqual(errors, [
    "Stream micro-batch 1 was committed, then failed (bench gone); its rows are in the " +
    "tables and the processor goes on with the next micro-batch. Fix the cause and " +
    "restart if it persists.",
  ]);
  assert.equal(processor.stats.records, 15);
  assert.equal(processor.stats.lastBatchId, processor.stats.batches);
  assert.equal(processor.stats.failures, 1);
  await assertExactlyOnce({ outDir, posted }, 5);
  await log.close();
});
