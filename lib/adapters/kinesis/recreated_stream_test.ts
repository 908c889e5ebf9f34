/**
 * A stream deleted and created again under its name (by another client) between two reads
 * of one shard: kinesis-mock does not bind a shard iterator, nor a sequence number, to the
 * stream it came from, so the adapter checks `streamCreatedAt` itself.
 */
import assert from "node:assert/strict";
import { ShardNotFoundError } from "../../log/errors.ts";
import {
  CREATED_AT_KEY,
  createShardReader,
  type StreamRecreated,
} from "../../log/mod.ts";
import type { StreamRecord } from "../../log/types.ts";
import { createKinesisClient, type KinesisLog, openKinesisLog } from "./mod.ts";
import { DeleteStreamCommand } from "./sdk.ts";
import { kinesisTestTarget, uniqueStream, withKinesis } from "./test_target.ts";

const target = await kinesisTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();
const SHARD = "shardId-000000000000";

const values = (records: StreamRecord[]) =>
  records.map((r) => dec.decode(r.data));

async function put(log: KinesisLog, stream: string, data: string[]) {
  const results = await log.putRecords(
    stream,
    data.map((d) => ({ data: enc.encode(d), partitionKey: "k" })),
  );
  assert.ok(results.every((r) => "shardId" in r), JSON.stringify(results));
}

/** Deletes `stream` and creates it again through `other`; returns its new creation time. */
async function recreate(other: KinesisLog, stream: string): Promise<number> {
  await other.deleteStream(stream);
  await other.createStream(stream);
  await put(other, stream, ["n1", "n2", "n3", "n4"]);
  return (await other.describeStream(stream)).createdAt;
}

Deno.test({
  name:
    "kinesis log: a read of a stream deleted and created again is refused (SHARD_NOT_FOUND), cached iterator or not; a shard reader then reads the new stream once from its start",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: (t) =>
    withKinesis(target, async (endpoint) => {
      const log = await openKinesisLog({ endpoint });
      const other = await openKinesisLog({ endpoint });
      const fresh = await openKinesisLog({ endpoint }); // no cached iterators
      try {
        await t.step("readShard with the old creation time", async () => {
          const stream = uniqueStream("recreated");
          await log.createStream(stream);
          await put(log, stream, ["o1", "o2", "o3"]);
          const was = (await log.describeStream(stream)).createdAt;
          const first = await log.readShard(stream, SHARD, {
            limit: 2,
            streamCreatedAt: was,
          });
          assert.deepEqual(values(first.records), ["o1", "o2"]);
          const after = first.records[1].sequenceNumber;
          const now = await recreate(other, stream);
          assert.notEqual(now, was);
          // Before: [n3, n4] when the new stream was created within the old one's second
          // (kinesis-mock's sequence numbers are then the same), else STREAM_NOT_FOUND.
          for (const reader of [log, fresh]) {
            await assert.rejects(
              reader.readShard(stream, SHARD, {
                afterSequenceNumber: after,
                streamCreatedAt: was,
              }),
              (e) =>
                e instanceof ShardNotFoundError &&
                e.context.streamCreatedAt === was &&
                e.context.createdAt === now,
            );
          }
          const page = await log.readShard(stream, SHARD, {
            streamCreatedAt: now,
          });
          assert.deepEqual(values(page.records), ["n1", "n2", "n3", "n4"]);
          await log.deleteStream(stream);
        });

        await t.step("a shard reader between two polls", async () => {
          const stream = uniqueStream("recreated-reader");
          await log.createStream(stream);
          await put(log, stream, ["o1", "o2", "o3"]);
          const told: StreamRecreated[] = [];
          // No describe of its own for a minute: the recreate falls between two.
          const reader = createShardReader(log, stream, {
            idleMs: 0,
            refreshMs: 60_000,
            onRecreated: (info) => told.push(info),
          });
          assert.deepEqual(values(await reader.poll()), ["o1", "o2", "o3"]);
          const now = await recreate(other, stream);
          const seen: string[] = [];
          for (let i = 0; i < 3; i++) seen.push(...values(await reader.poll()));
          assert.deepEqual(seen, ["n1", "n2", "n3", "n4"]);
          assert.deepEqual(told.map((r) => r.now), [now]);
          assert.equal(reader.positions()[CREATED_AT_KEY], String(now));
          await log.deleteStream(stream);
        });
      } finally {
        await Promise.all([log.close(), other.close(), fresh.close()]);
      }
    }),
});

Deno.test({
  name:
    "kinesis log: createStream of a name another client is deleting waits until it is gone, then creates it",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withKinesis(target, async (endpoint) => {
      const log = await openKinesisLog({ endpoint });
      const client = createKinesisClient({ endpoint });
      const stream = uniqueStream("create-deleting");
      try {
        await log.createStream(stream);
        const was = (await log.describeStream(stream)).createdAt;
        // DeleteStream without waiting: the stream is DELETING for a while (2 s here).
        await client.send(new DeleteStreamCommand({ StreamName: stream }));
        assert.equal((await log.describeStream(stream)).status, "DELETING");
        // Before: AlreadyExistsError, 'already exists; use it as it is or delete it first'
        // (a 409 from the gateway), though it was going away.
        await log.createStream(stream, { shardCount: 2 });
        const d = await log.describeStream(stream);
        assert.deepEqual([d.status, d.shards.length], ["ACTIVE", 2]);
        assert.ok(d.createdAt > was);
        await log.deleteStream(stream);
      } finally {
        client.destroy();
        await log.close();
      }
    }, { operationDuration: "2s" }),
});
