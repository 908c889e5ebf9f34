import assert from "node:assert/strict";
import { AlreadyExistsError, StreamNotFoundError } from "../../errors.ts";
import { InvalidArgumentError, ShardNotFoundError } from "../../log/errors.ts";
import { hashKeyOf, MAX_HASH_KEY } from "../../log/hash_key.ts";
import type { ShardInfo, StreamRecordInput } from "../../log/types.ts";
import { createKinesisClient, openKinesisLog } from "./mod.ts";
import { DeleteStreamCommand } from "./sdk.ts";
import { kinesisTestTarget, uniqueStream, withKinesis } from "./test_target.ts";

const target = await kinesisTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();

function shardFor(shards: ShardInfo[], key: string): string {
  const h = hashKeyOf(key);
  return shards.find((s) =>
    !s.endingSequenceNumber && BigInt(s.hashKeyRange.start) <= h &&
    h <= BigInt(s.hashKeyRange.end)
  )!.shardId;
}

Deno.test({
  name: "kinesis log against kinesis-mock",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: (t) =>
    withKinesis(target, async (endpoint) => {
      const log = await openKinesisLog({ endpoint });
      try {
        await t.step(
          "create, describe, list and delete with exact values",
          async () => {
            const [a, b] = [uniqueStream("a"), uniqueStream("b")].sort();
            const before = Date.now();
            await log.createStream(b, { shardCount: 3 });
            await log.createStream(a);
            const d = await log.describeStream(b);
            assert.equal(d.name, b);
            assert.equal(d.status, "ACTIVE");
            assert.equal(d.retentionHours, 24);
            assert.ok(Math.abs(d.createdAt - before) < 60_000);
            assert.deepEqual(d.shards.map((s) => s.shardId), [
              "shardId-000000000000",
              "shardId-000000000001",
              "shardId-000000000002",
            ]);
            assert.equal(d.shards[0].hashKeyRange.start, "0");
            assert.equal(d.shards[2].hashKeyRange.end, String(MAX_HASH_KEY));
            for (let i = 1; i < 3; i++) {
              assert.equal(
                BigInt(d.shards[i].hashKeyRange.start),
                BigInt(d.shards[i - 1].hashKeyRange.end) + 1n,
              );
            }
            for (const s of d.shards) {
              assert.equal(s.parentShardId, undefined);
              assert.equal(s.endingSequenceNumber, undefined);
              assert.match(s.startingSequenceNumber, /^\d+$/);
            }
            assert.equal((await log.describeStream(a)).shards.length, 1);
            const names = await log.listStreams();
            assert.deepEqual(names.filter((n) => n === a || n === b), [a, b]);
            assert.deepEqual(names, [...names].sort());
            await assert.rejects(log.createStream(a), AlreadyExistsError);
            await log.deleteStream(a);
            await log.deleteStream(b);
            const after = await log.listStreams();
            assert.equal(after.includes(a) || after.includes(b), false);
            await assert.rejects(log.describeStream(a), StreamNotFoundError);
          },
        );

        await t.step(
          "putRecords lands each key on its hash range; readShard reads in order",
          async () => {
            const stream = uniqueStream("put");
            await log.createStream(stream, { shardCount: 2 });
            const { shards } = await log.describeStream(stream);
            const records: StreamRecordInput[] = Array.from(
              { length: 40 },
              (_, i) => ({
                data: enc.encode(`{"i":${i}}`),
                partitionKey: `key-${i % 7}`,
              }),
            );
            const results = await log.putRecords(stream, records);
            assert.equal(results.length, 40);
            const placed = results.map((r, i) => {
              assert.ok("shardId" in r, JSON.stringify(r));
              assert.equal(
                r.shardId,
                shardFor(shards, records[i].partitionKey),
              );
              return { ...r, i };
            });
            for (const s of shards) {
              const mine = placed.filter((p) => p.shardId === s.shardId);
              const seqs = mine.map((p) => BigInt(p.sequenceNumber));
              assert.deepEqual(
                seqs,
                [...seqs].sort((x, y) => (x < y ? -1 : 1)),
              );
              const read = [];
              let after: string | undefined;
              for (let page = 0; page < 50; page++) {
                const got = await log.readShard(stream, s.shardId, {
                  afterSequenceNumber: after,
                  limit: 3,
                });
                assert.equal(got.shardEnded, false);
                assert.ok(got.records.length <= 3);
                if (got.records.length === 0) break;
                read.push(...got.records);
                after = got.records.at(-1)!.sequenceNumber;
              }
              assert.deepEqual(
                read.map((
                  r,
                ) => [r.sequenceNumber, r.partitionKey, dec.decode(r.data)]),
                mine.map((p) => [
                  p.sequenceNumber,
                  records[p.i].partitionKey,
                  `{"i":${p.i}}`,
                ]),
              );
              for (const r of read) {
                assert.equal(r.stream, stream);
                assert.equal(r.shardId, s.shardId);
                assert.equal(
                  Object.getPrototypeOf(r.data),
                  Uint8Array.prototype,
                );
                assert.ok(Math.abs(r.arrivalTimestamp - Date.now()) < 60_000);
              }
            }
            await log.deleteStream(stream);
          },
        );

        await t.step(
          "a split closes the parent: readShard ends it, children take new records",
          async () => {
            const stream = uniqueStream("split");
            await log.createStream(stream);
            const [r1] = await log.putRecords(stream, [{
              data: enc.encode("1"),
              partitionKey: "a",
            }]);
            assert.ok("shardId" in r1);
            await log.splitShard(stream, {
              shardId: r1.shardId,
              newStartingHashKey: String(1n << 127n),
            });
            const d = await log.describeStream(stream);
            assert.deepEqual(
              d.shards.map((
                s,
              ) => [s.shardId, s.parentShardId ?? null, s.hashKeyRange]),
              [
                ["shardId-000000000000", null, {
                  start: "0",
                  end: String(MAX_HASH_KEY),
                }],
                ["shardId-000000000001", "shardId-000000000000", {
                  start: "0",
                  end: String((1n << 127n) - 1n),
                }],
                ["shardId-000000000002", "shardId-000000000000", {
                  start: String(1n << 127n),
                  end: String(MAX_HASH_KEY),
                }],
              ],
            );
            assert.match(d.shards[0].endingSequenceNumber ?? "", /^\d+$/);
            const page = await log.readShard(stream, "shardId-000000000000");
            assert.deepEqual(page.records.map((r) => dec.decode(r.data)), [
              "1",
            ]);
            assert.equal(page.shardEnded, true);
            const [r2] = await log.putRecords(stream, [{
              data: enc.encode("2"),
              partitionKey: "a",
            }]);
            assert.ok("shardId" in r2);
            assert.equal(r2.shardId, shardFor(d.shards, "a"));
            assert.ok(BigInt(r2.sequenceNumber) > BigInt(r1.sequenceNumber));
            await log.mergeShards(stream, {
              shardId: "shardId-000000000001",
              adjacentShardId: "shardId-000000000002",
            });
            const merged = (await log.describeStream(stream)).shards.at(-1)!;
            assert.deepEqual(
              [
                merged.shardId,
                merged.parentShardId,
                merged.adjacentParentShardId,
              ],
              [
                "shardId-000000000003",
                "shardId-000000000001",
                "shardId-000000000002",
              ],
            );
            await log.deleteStream(stream);
          },
        );

        await t.step(
          "typed errors: unknown stream, unknown shard, bad position",
          async () => {
            const stream = uniqueStream("err");
            const rec = { data: enc.encode("x"), partitionKey: "k" };
            await assert.rejects(
              log.putRecords(stream, [rec]),
              StreamNotFoundError,
            );
            await assert.rejects(
              log.describeStream(stream),
              StreamNotFoundError,
            );
            await assert.rejects(log.deleteStream(stream), StreamNotFoundError);
            await assert.rejects(
              log.readShard(stream, "shardId-000000000000"),
              StreamNotFoundError,
            );
            await log.createStream(stream);
            await assert.rejects(
              log.readShard(stream, "shardId-000000000007"),
              (e) =>
                e instanceof ShardNotFoundError && e.code === "SHARD_NOT_FOUND",
            );
            await assert.rejects(
              log.readShard(stream, "shardId-000000000000", {
                afterSequenceNumber: "x1",
              }),
              InvalidArgumentError,
            );
            await assert.rejects(
              log.readShard(stream, "shardId-000000000000", { limit: 0 }),
              InvalidArgumentError,
            );
            await log.deleteStream(stream);
          },
        );
      } finally {
        await log.close();
      }
      await assert.rejects(log.listStreams(), /after close\(\)/);
    }),
});

Deno.test({
  name:
    "kinesis log: a stream being deleted reads (and deletes) as not found (a reader waits for it rather than fail)",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withKinesis(target, async (endpoint) => {
      const log = await openKinesisLog({ endpoint });
      const client = createKinesisClient({ endpoint });
      try {
        const stream = uniqueStream("deleting");
        await log.createStream(stream);
        // DeleteStream without waiting: the stream is DELETING for a while (2 s here).
        await client.send(new DeleteStreamCommand({ StreamName: stream }));
        assert.equal((await log.describeStream(stream)).status, "DELETING");
        // Before: a BackendError, 'ResourceInUseException ...; check KINESIS_ENDPOINT'.
        await assert.rejects(
          log.readShard(stream, "shardId-000000000000"),
          (e) =>
            e instanceof StreamNotFoundError && e.context.stream === stream &&
            e.context.awsError === "ResourceInUseException",
        );
        // Before: a BackendError, 'ResourceInUseException: Stream ... is not currently
        // ACTIVE.', answered 500 by the gateway to a second DELETE.
        await assert.rejects(
          log.deleteStream(stream),
          (e) =>
            e instanceof StreamNotFoundError && e.context.stream === stream &&
            e.context.status === "DELETING",
        );
      } finally {
        client.destroy();
        await log.close();
      }
    }, { operationDuration: "2s" }),
});
