/**
 * The stream processor when a micro-batch fails: a crash at each commit step then a restart
 * gives exactly once; `run()` retries and gives up; what the errors and log lines say.
 */
import assert from "node:assert/strict";
import { StreamBatchError } from "./errors.ts";
import { putPosts } from "./exactly_once_check.ts";
import { silentLogger } from "../logger.ts";
import { createStreamProcessor } from "./processor.ts";
import type { CommitStep } from "./table_store.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { assertExactlyOnce, posts, PREFIX, setupStreams } from "./test_util.ts";

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

/** Resolves once a process waits for the flock of `path` (Linux: `/proc/locks`). */
async function lockAwaited(path: string): Promise<void> {
  const inode = `:${(await Deno.stat(path)).ino} `;
  const waiting = (line: string) => line.includes("->") && line.includes(inode);
  while (!(await Deno.readTextFile("/proc/locks")).split("\n").some(waiting)) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

Deno.test("processor: run() keeps the output folder's lock while it retries a failed batch", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 5), { prefix: PREFIX, into: posted });
  const stop = new AbortController();
  let contender: Deno.FsFile | undefined;
  let tookLock: Promise<boolean> | undefined;
  const processor = createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    triggerIntervalMs: 20,
    onCommitStep: async (s) => {
      if (s !== "parts" || contender) return;
      // A second writer (a `stream --once` catch-up) waits for the lock, and takes it the
      // moment it is let go: that must be once run() has stopped.
      contender = await Deno.open(`${outDir}/_lock`, { write: true });
      tookLock = contender.lock(true).then(() => stop.signal.aborted);
      await lockAwaited(`${outDir}/_lock`);
      throw new Error("disk unplugged");
    },
  });
  let ended = false;
  const running = processor.run(stop.signal).then(() => "ran", String)
    .finally(() => ended = true);
  for (let i = 0; i < 1000 && processor.stats.records < 15 && !ended; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  stop.abort();
  // Before: the retry let the lock go and took it again; the catch-up took it in between
  // and run() stopped with "Another stream processor is writing".
  assert.equal(await running, "ran");
  assert.equal(await tookLock, true);
  contender?.close();
  assert.equal(processor.stats.failures, 1);
  await assertExactlyOnce({ outDir, posted }, 5);
  await log.close();
});
