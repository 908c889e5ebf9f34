/**
 * The stream processor on kinesis-mock while writers post without pause: each poll of a
 * stream finds the records put while the last one ran, so a micro-batch that read until a
 * poll came back empty never ended. A batch takes what arrived before it began (and what
 * came with it); `run()` commits at its trigger and `runOnce` returns.
 */
import assert from "node:assert/strict";
import { openKinesisLog } from "../adapters/kinesis/mod.ts";
import {
  kinesisTestTarget,
  uniqueStream,
  withKinesis,
} from "../adapters/kinesis/test_target.ts";
import { emptyPostedKeys, putPosts } from "./exactly_once_check.ts";
import { silentLogger } from "../logger.ts";
import { createStreamProcessor } from "./processor.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { posts } from "./test_util.ts";
import { sleep } from "../sleep.ts";

const target = await kinesisTestTarget();

for (const mode of ["runOnce", "run"] as const) {
  Deno.test({
    name:
      `processor on kinesis-mock: 8 writers posting without pause, ${mode} commits within seconds`,
    ignore: target.ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () =>
      withKinesis(target, async (endpoint) => {
        await using tmp = await makeTestDir();
        const log = await openKinesisLog({ endpoint });
        const writerLog = await openKinesisLog({ endpoint });
        const prefix = uniqueStream("writers");
        const posted = emptyPostedKeys();
        const writing = new AbortController();
        let writers: Promise<unknown> = Promise.resolve();
        try {
          for (const kind of ["pin", "geo", "user"]) {
            await log.createStream(`streaming-${prefix}-${kind}`);
          }
          await putPosts(log, posts(0, 20), { prefix, into: posted });
          let n = 20;
          writers = Promise.all(Array.from({ length: 8 }, async () => {
            while (!writing.signal.aborted) {
              await putPosts(writerLog, posts(n++ % 500, 1), {
                prefix,
                into: posted,
              });
            }
          }));
          await sleep(500); // the writers are going
          const processor = createStreamProcessor({
            streams: log,
            prefix,
            outDir: `${tmp.path}/stream`,
            triggerIntervalMs: 100,
            logger: silentLogger,
          });
          const began = Date.now();
          if (mode === "runOnce") {
            const outcome = await Promise.race([
              processor.runOnce().then(() => "returned"),
              sleep(20_000).then(() => "still running after 20 s"),
            ]);
            assert.equal(outcome, "returned");
          } else {
            const stop = new AbortController();
            const running = processor.run(stop.signal).catch((e) => e);
            // A loaded host (CI: a kinesis-mock per test file) gets 2 batches in 10 s.
            while (processor.stats.batches < 2 && Date.now() - began < 20_000) {
              await sleep(20);
            }
            const batches = processor.stats.batches;
            // Before: the batch in flight, which never ended, held up the stop as well.
            writing.abort();
            await writers;
            stop.abort();
            assert.equal(await running, undefined);
            assert.ok(batches >= 2, `${batches} batches in 20 s`);
          }
          // What was posted before it began is in the tables.
          assert.ok(
            processor.stats.records >= 60,
            `${processor.stats.records}`,
          );
          assert.equal(processor.stats.failures, 0);
        } finally {
          writing.abort();
          await writers;
          for (const kind of ["pin", "geo", "user"]) {
            await log.deleteStream(`streaming-${prefix}-${kind}`).catch(
              () => {},
            );
          }
          await writerLog.close();
          await log.close();
        }
      }),
  });
}
