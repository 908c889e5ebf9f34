/**
 * The course's streaming path on the local stack: HTTP client -> API Gateway stand-in ->
 * Kinesis (kinesis-mock through the @aws-sdk/client-kinesis adapter) -> the shard reader.
 * Every record acknowledged by the gateway is read back exactly once, with the shard and
 * sequence number the gateway answered, and a reader resumed from its checkpoint reads only
 * what came after.
 */
import assert from "node:assert/strict";
import { openKinesisLog } from "../../lib/adapters/kinesis/mod.ts";
import {
  kinesisTestTarget,
  uniqueStream,
  withKinesis,
} from "../../lib/adapters/kinesis/test_target.ts";
import { serveGateway } from "../../lib/gateway/mod.ts";
import { makeTestDir } from "../../lib/test_temp_dir.ts";
import {
  CREATED_AT_KEY,
  createShardReader,
  openEmbeddedLog,
  type ShardReader,
  type StreamRecord,
} from "../../lib/log/mod.ts";

const target = await kinesisTestTarget();
const dec = new TextDecoder();

async function readUntil(reader: ShardReader, count: number) {
  const out: StreamRecord[] = [];
  const deadline = Date.now() + 60_000;
  while (out.length < count && Date.now() < deadline) {
    out.push(...await reader.poll());
  }
  return out;
}

function pin(i: number) {
  return {
    index: i,
    unique_id: `u-${i}`,
    title: `Pin ${i} – “quoted” ✓`,
    follower_count: `${i}k`,
    downloaded: i % 2,
  };
}

interface Acked {
  data: string;
  partitionKey: string;
  shardId: string;
  sequenceNumber: string;
}

Deno.test({
  name:
    "gateway -> Kinesis -> shard reader: every acknowledged record once, exact data, shard and sequence",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withKinesis(target, async (endpoint) => {
      await using tmp = await makeTestDir();
      const streams = await openKinesisLog({ endpoint });
      const embedded = await openEmbeddedLog(`${tmp.path}/log.db`);
      const server = await serveGateway({
        topics: embedded.topics,
        streams,
        apiKeys: ["k1"],
      });
      const stream = uniqueStream("gw");
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${server.url}${path}`, {
          method,
          headers: { "content-type": "application/json", "x-api-key": "k1" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      };
      try {
        assert.deepEqual(
          await call("POST", `/streams/${stream}`, { ShardCount: 2 }),
          { status: 200, body: {} },
        );
        const described = await call("GET", `/streams/${stream}`);
        assert.equal(described.body.StreamDescription.StreamStatus, "ACTIVE");
        assert.equal(described.body.StreamDescription.Shards.length, 2);

        const acked: Acked[] = [];
        for (let i = 0; i < 12; i++) {
          const key = `user-${i % 5}`;
          const res = await call("PUT", `/streams/${stream}/record`, {
            StreamName: stream,
            Data: pin(i),
            PartitionKey: key,
          });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.deepEqual(Object.keys(res.body), [
            "ShardId",
            "SequenceNumber",
          ]);
          acked.push({
            data: JSON.stringify(pin(i)),
            partitionKey: key,
            shardId: res.body.ShardId,
            sequenceNumber: res.body.SequenceNumber,
          });
        }
        const batch = Array.from({ length: 30 }, (_, j) => ({
          Data: pin(100 + j),
          PartitionKey: `user-${j % 7}`,
        }));
        const res = await call("PUT", `/streams/${stream}/records`, {
          StreamName: stream,
          Records: batch,
        });
        assert.equal(res.status, 200);
        assert.equal(res.body.FailedRecordCount, 0);
        assert.equal(res.body.Records.length, 30);
        res.body.Records.forEach(
          (r: { ShardId: string; SequenceNumber: string }, j: number) =>
            acked.push({
              data: JSON.stringify(batch[j].Data),
              partitionKey: batch[j].PartitionKey,
              shardId: r.ShardId,
              sequenceNumber: r.SequenceNumber,
            }),
        );
        const missing = await call("PUT", `/streams/${stream}-nope/record`, {
          Data: pin(0),
          PartitionKey: "p",
        });
        assert.equal(missing.status, 404);
        assert.equal(missing.body.error_code, 40401);

        const reader = createShardReader(streams, stream, {
          idleMs: 50,
          batchSize: 7,
        });
        const read = await readUntil(reader, acked.length);
        assert.equal(read.length, acked.length);
        const bySeq = (a: { sequenceNumber: string }, b: typeof a) =>
          BigInt(a.sequenceNumber) < BigInt(b.sequenceNumber) ? -1 : 1;
        const view = (r: Acked | StreamRecord) => ({
          data: typeof r.data === "string" ? r.data : dec.decode(r.data),
          partitionKey: r.partitionKey,
          shardId: r.shardId,
          sequenceNumber: r.sequenceNumber,
        });
        for (const shard of ["shardId-000000000000", "shardId-000000000001"]) {
          assert.deepEqual(
            read.filter((r) => r.shardId === shard).map(view),
            acked.filter((a) => a.shardId === shard).sort(bySeq).map(view),
          );
        }
        const checkpoint = reader.positions();
        const { createdAt } = await streams.describeStream(stream);
        assert.deepEqual(Object.keys(checkpoint).sort(), [
          "shardId-000000000000",
          "shardId-000000000001",
          CREATED_AT_KEY,
        ]);
        assert.equal(checkpoint[CREATED_AT_KEY], String(createdAt));
        assert.ok(createdAt > Date.UTC(2020, 0, 1), String(createdAt));
        assert.deepEqual(await reader.poll(), []);

        const late = await call("PUT", `/streams/${stream}/record`, {
          Data: pin(999),
          PartitionKey: "user-1",
        });
        const resumed = createShardReader(streams, stream, {
          positions: checkpoint,
          idleMs: 50,
        });
        const again = await readUntil(resumed, 1);
        assert.deepEqual(again.map(view), [{
          data: JSON.stringify(pin(999)),
          partitionKey: "user-1",
          shardId: late.body.ShardId,
          sequenceNumber: late.body.SequenceNumber,
        }]);
        assert.deepEqual(await resumed.poll(), []);
        assert.deepEqual(await call("DELETE", `/streams/${stream}`), {
          status: 200,
          body: {},
        });
      } finally {
        await server.shutdown();
        await streams.close();
        await embedded.close();
      }
    }),
});
