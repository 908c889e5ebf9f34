/**
 * Acceptance: a shard is split, and its children merged again, while records keep being
 * put with several partition keys and a reader keeps reading (and restarts from its
 * checkpoint once). The reader still reads every record exactly once, in put order per
 * partition key, with the sequence numbers the puts answered.
 */
import assert from "node:assert/strict";
import {
  type KinesisLog,
  openKinesisLog,
} from "../../lib/adapters/kinesis/mod.ts";
import {
  kinesisTestTarget,
  uniqueStream,
  withKinesis,
} from "../../lib/adapters/kinesis/test_target.ts";
import {
  createShardReader,
  SHARD_END,
  type ShardReader,
  type StreamRecord,
} from "../../lib/log/mod.ts";

const target = await kinesisTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();
const KEYS = Array.from({ length: 8 }, (_, i) => `user-${i}`);

interface Acked {
  data: string;
  shardId: string;
  sequenceNumber: string;
}

/** Puts batches (1 or 2 records per key) until `stop()` says so; returns acks per key. */
async function produce(
  log: KinesisLog,
  stream: string,
  stop: () => boolean,
  acked: Map<string, Acked[]>,
) {
  const next = new Map(KEYS.map((k) => [k, 0]));
  for (let batch = 0; !stop() && batch < 500; batch++) {
    const keys = batch % 3 === 0 ? KEYS.flatMap((k) => [k, k]) : KEYS;
    const records = keys.map((k) => {
      const n = next.get(k)!;
      next.set(k, n + 1);
      return { partitionKey: k, data: enc.encode(`${k}:${n}`) };
    });
    const results = await log.putRecords(stream, records);
    results.forEach((r, i) => {
      assert.ok("shardId" in r, `put failed: ${JSON.stringify(r)}`);
      acked.get(keys[i])!.push({ data: dec.decode(records[i].data), ...r });
    });
  }
}

function total(acked: Map<string, Acked[]>): number {
  return [...acked.values()].reduce((n, a) => n + a.length, 0);
}

async function until(cond: () => boolean, what: string) {
  const deadline = Date.now() + 120_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test({
  name:
    "Kinesis reader across a split and a merge mid-stream: every record once, in order per key",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withKinesis(target, async (endpoint) => {
      const log = await openKinesisLog({ endpoint });
      const stream = uniqueStream("reshard");
      const acked = new Map<string, Acked[]>(KEYS.map((k) => [k, []]));
      const read: StreamRecord[] = [];
      let resharded = false;
      let producing = true;
      let aborted = false;
      let readAtRestart = -1;
      let producer: Promise<void> = Promise.resolve();
      let consumer: Promise<ShardReader | undefined> = Promise.resolve(
        undefined,
      );
      try {
        await log.createStream(stream);
        const stopAt = () => aborted || (resharded && total(acked) >= 400);
        producer = produce(log, stream, stopAt, acked).finally(() => {
          producing = false;
        });
        consumer = (async () => {
          let reader: ShardReader = createShardReader(log, stream, {
            idleMs: 20,
            batchSize: 25,
            refreshMs: 500,
          });
          let restarted = false;
          const deadline = Date.now() + 180_000;
          while (!aborted && Date.now() < deadline) {
            read.push(...await reader.poll());
            if (!restarted && resharded) {
              // A restart from the persisted checkpoint continues exactly after it.
              const saved = JSON.parse(JSON.stringify(reader.positions()));
              reader = createShardReader(log, stream, {
                positions: saved,
                idleMs: 20,
                batchSize: 25,
                refreshMs: 500,
              });
              restarted = true;
              readAtRestart = read.length;
            }
            if (!producing && read.length >= total(acked)) {
              if ((await reader.poll()).length === 0) break;
            }
          }
          return reader;
        })();

        await until(() => total(acked) >= 80, "80 records before the split");
        await log.splitShard(stream, {
          shardId: "shardId-000000000000",
          newStartingHashKey: String(1n << 127n),
        });
        const readAtSplit = read.length;
        await until(() => total(acked) >= 200, "200 records before the merge");
        await log.mergeShards(stream, {
          shardId: "shardId-000000000001",
          adjacentShardId: "shardId-000000000002",
        });
        resharded = true;
        await producer;
        const reader = (await consumer)!;

        const shards = (await log.describeStream(stream)).shards;
        assert.deepEqual(
          shards.map((s) => [
            s.shardId,
            s.parentShardId ?? null,
            s.adjacentParentShardId ?? null,
            s.endingSequenceNumber !== undefined,
          ]),
          [
            ["shardId-000000000000", null, null, true],
            ["shardId-000000000001", "shardId-000000000000", null, true],
            ["shardId-000000000002", "shardId-000000000000", null, true],
            [
              "shardId-000000000003",
              "shardId-000000000001",
              "shardId-000000000002",
              false,
            ],
          ],
        );
        const sent = total(acked);
        console.log(
          `${sent} records put; ${read.length} read; ${readAtSplit} read when the split ` +
            `was done, ${readAtRestart} when the reader restarted`,
        );
        assert.ok(readAtSplit > 0 && readAtRestart < sent);
        assert.ok(sent >= 400);
        assert.equal(read.length, sent);
        assert.equal(new Set(read.map((r) => r.sequenceNumber)).size, sent);
        const used = new Set(
          KEYS.flatMap((k) => acked.get(k)!.map((a) => a.shardId)),
        );
        assert.deepEqual([...used].sort(), shards.map((s) => s.shardId));
        for (const key of KEYS) {
          const mine = read.filter((r) => r.partitionKey === key).map((r) => ({
            data: dec.decode(r.data),
            shardId: r.shardId,
            sequenceNumber: r.sequenceNumber,
          }));
          assert.deepEqual(mine, acked.get(key), `order of ${key}`);
          assert.deepEqual(
            mine.map((m) => m.data),
            mine.map((_, n) => `${key}:${n}`),
          );
        }
        const positions = reader.positions();
        assert.deepEqual(
          [0, 1, 2].map((i) => positions[`shardId-00000000000${i}`]),
          [SHARD_END, SHARD_END, SHARD_END],
        );
        assert.equal(
          positions["shardId-000000000003"],
          read.filter((r) => r.shardId === "shardId-000000000003").at(-1)
            ?.sequenceNumber,
        );
        await log.deleteStream(stream);
      } finally {
        aborted = true;
        await Promise.allSettled([producer, consumer]);
        await log.close();
      }
    }),
});
