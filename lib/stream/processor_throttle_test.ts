/**
 * The stream processor on kinesis-mock while Kinesis throttles its reads, as AWS does a
 * shard read past 5 calls or 2 MiB a second (kinesis-mock never throttles: a stand-in in
 * front of the client's HTTP handler answers every third GetRecords with
 * `ProvisionedThroughputExceededException`, and the client makes one attempt, as when the
 * throttling outlasts the SDK's retries). Reading backs off and goes on: no batch fails,
 * each record is committed once.
 */
import assert from "node:assert/strict";
import { KinesisLog } from "../adapters/kinesis/mod.ts";
import { createKinesisClient } from "../adapters/kinesis/sdk.ts";
import { answerWithErrors } from "../adapters/kinesis/test_stub.ts";
import {
  kinesisTestTarget,
  uniqueStream,
  withKinesis,
} from "../adapters/kinesis/test_target.ts";
import { emptyPostedKeys, putPosts } from "./exactly_once_check.ts";
import { silentLogger } from "../logger.ts";
import { createStreamProcessor } from "./processor.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { assertExactlyOnce, posts } from "./test_util.ts";

const target = await kinesisTestTarget();

/** A Kinesis log whose every third GetRecords call is throttled; `throttled()` counts them. */
function throttledLog(endpoint: string) {
  const client = createKinesisClient({ endpoint, maxAttempts: 1 });
  let calls = 0;
  let throttled = 0;
  answerWithErrors(client, ({ op }) => {
    if (op !== "GetRecords" || ++calls % 3 !== 2) return undefined;
    throttled++;
    return {
      type: "ProvisionedThroughputExceededException",
      message: "Rate exceeded for shard shardId-000000000000 (stand-in)",
    };
  });
  return {
    log: new KinesisLog(client, { endpoint }),
    throttled: () => throttled,
  };
}

// pin has two shards: a poll that read one and was throttled on the other has moved the
// reader past records it never returned. With 1,100 posts a batch reads more than one page
// (1,000 records) of a stream, and a throttled page ends it: the pages before are kept.
for (
  const [mode, count, maxBatchRecords] of [
    ["runOnce", 20, 5],
    ["run", 20, 5],
    ["runOnce", 1_100, 10_000],
  ] as const
) {
  Deno.test({
    name:
      `processor on kinesis-mock: throttled reads (${mode}, ${count} posts) back off, no batch fails, each record once`,
    ignore: target.ignore,
    sanitizeOps: false,
    sanitizeResources: false,
    fn: () =>
      withKinesis(target, async (endpoint) => {
        await using tmp = await makeTestDir();
        const outDir = `${tmp.path}/stream`;
        const { log, throttled } = throttledLog(endpoint);
        const prefix = uniqueStream("throttle");
        const posted = emptyPostedKeys();
        const processor = createStreamProcessor({
          streams: log,
          prefix,
          outDir,
          triggerIntervalMs: 50,
          maxBatchRecords,
          logger: silentLogger,
        });
        try {
          for (const kind of ["pin", "geo", "user"]) {
            await log.createStream(`streaming-${prefix}-${kind}`, {
              shardCount: kind === "pin" ? 2 : 1,
            });
          }
          // The generator has 500 rows: past them, the same rows again.
          const all = Array.from({ length: count }, (_, i) =>
            posts(i % 500, 1)[0]);
          await putPosts(log, all, { prefix, into: posted });
          if (mode === "runOnce") {
            await processor.runOnce();
          } else {
            const stop = new AbortController();
            const running = processor.run(stop.signal).catch((e) =>
              e
            );
            const deadline = Date.now() + 60_000;
            while (
              processor.stats.records < 3 * count && Date.now() < deadline
            ) {
              await new Promise((r) => setTimeout(r, 20));
            }
            stop.abort();
            assert.equal(await running, undefined);
          }
          assert.ok(throttled() > 0);
          assert.equal(processor.stats.failures, 0);
          assert.equal(processor.stats.records, 3 * count);
          await assertExactlyOnce({ outDir, posted }, count);
        } finally {
          for (const kind of ["pin", "geo", "user"]) {
            await log.deleteStream(`streaming-${prefix}-${kind}`).catch(
              () => {},
            );
          }
          await log.close();
        }
      }),
  });
}
