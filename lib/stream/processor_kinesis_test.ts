/**
 * The stream processor on the Kinesis tier (kinesis-mock through the adapter of
 * `@aws-sdk/client-kinesis`): a shard split and a merge while it runs, a stream deleted and
 * created again by another client, records put while it is down. Every record ends up in
 * its table once.
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
import { assertExactlyOnce, posts } from "./test_util.ts";

const target = await kinesisTestTarget();

/** Waits (at most 60 s) until `cond` holds. */
async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test({
  name:
    "processor on kinesis-mock: split, merge, a stream created again, records put while down: each record once",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withKinesis(target, async (endpoint) => {
      await using tmp = await makeTestDir();
      const outDir = `${tmp.path}/stream`;
      const log = await openKinesisLog({ endpoint });
      const other = await openKinesisLog({ endpoint });
      const prefix = uniqueStream("proc");
      const name = (kind: string) => `streaming-${prefix}-${kind}`;
      const posted = emptyPostedKeys();
      const put = (from: number, n: number) =>
        putPosts(log, posts(from, n), { prefix, into: posted });
      const warnings: string[] = [];
      const options = {
        streams: log,
        prefix,
        outDir,
        triggerIntervalMs: 100,
        maxBatchRecords: 4,
        logger: { ...silentLogger, warn: (m: string) => warnings.push(m) },
      };
      try {
        await log.createStream(name("pin"), { shardCount: 2 });
        await log.createStream(name("geo"));
        await log.createStream(name("user"));
        await put(0, 10);
        const processor = createStreamProcessor(options);
        const stop = new AbortController();
        const running = processor.run(stop.signal);
        await until(() => processor.stats.records >= 30, "the first posts");
        await log.splitShard(name("geo"), {
          shardId: "shardId-000000000000",
          newStartingHashKey: String(1n << 127n),
        });
        await put(10, 10);
        await log.mergeShards(name("pin"), {
          shardId: "shardId-000000000000",
          adjacentShardId: "shardId-000000000001",
        });
        await put(20, 10);
        await until(() => processor.stats.records >= 90, "the resharded");
        // Another client deletes user and creates it again: its records so far stay in
        // the table, the new stream is read from its start.
        await other.deleteStream(name("user"));
        await other.createStream(name("user"));
        await put(30, 5);
        await until(() => processor.stats.records >= 105, "the new stream");
        stop.abort();
        await running;
        assert.equal(processor.stats.failures, 0);
        await put(35, 5);
        const restarted = await createStreamProcessor(options).runOnce();
        assert.equal(restarted.records, 15);
        assert.equal(processor.stats.records + restarted.records, 120);
        await assertExactlyOnce({ outDir, posted }, 40);
        assert.ok(
          warnings.includes(
            "stream: the stream was deleted and created again since the checkpoint; reading the new one from its start",
          ),
          String(warnings),
        );
      } finally {
        for (const kind of ["pin", "geo", "user"]) {
          await log.deleteStream(name(kind)).catch(() => {});
        }
        await other.close();
        await log.close();
      }
    }),
});
