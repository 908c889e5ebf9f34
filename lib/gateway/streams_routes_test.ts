import assert from "node:assert/strict";
import { createGateway } from "./gateway.ts";
import { openTempLog } from "./test_support.ts";

const MAX_HASH = "340282366920938463463374607431768211455";
const HALF = "170141183460469231731687303715884105728";
const seq = (n: number) => String(n).padStart(21, "0");
const text = (b: Uint8Array) => new TextDecoder().decode(b);

async function setup() {
  const { log, cleanup } = await openTempLog("gateway_streams_");
  try {
    await log.streams.createStream("streaming-pinterest-pin");
    const gw = createGateway({ topics: log.topics, streams: log.streams });
    return { log, gw, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function req(method: string, path: string, body?: unknown): Request {
  return new Request(`http://gw${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

Deno.test("GET /streams answers ListStreams", async () => {
  const { gw, cleanup } = await setup();
  try {
    const res = await gw.handler(req("GET", "/streams"));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json");
    assert.equal(
      await res.text(),
      '{"StreamNames":["streaming-pinterest-pin"],"HasMoreStreams":false}',
    );
  } finally {
    await cleanup();
  }
});

Deno.test("POST then GET /streams/{stream} creates and describes a 2-shard stream", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    const created = await gw.handler(
      req("POST", "/streams/s2", { ShardCount: 2 }),
    );
    assert.equal(created.status, 200);
    assert.equal(await created.text(), "{}");
    const res = await gw.handler(req("GET", "/streams/s2"));
    assert.equal(res.status, 200);
    const createdAt = (await log.streams.describeStream("s2")).createdAt;
    assert.deepEqual(await res.json(), {
      StreamDescription: {
        StreamName: "s2",
        StreamStatus: "ACTIVE",
        Shards: [
          {
            ShardId: "shardId-000000000000",
            HashKeyRange: {
              StartingHashKey: "0",
              EndingHashKey: String(BigInt(HALF) - 1n),
            },
            SequenceNumberRange: { StartingSequenceNumber: seq(0) },
          },
          {
            ShardId: "shardId-000000000001",
            HashKeyRange: { StartingHashKey: HALF, EndingHashKey: MAX_HASH },
            SequenceNumberRange: { StartingSequenceNumber: seq(0) },
          },
        ],
        StreamCreationTimestamp: createdAt / 1000,
        RetentionPeriodHours: 8760,
        HasMoreShards: false,
      },
    });
  } finally {
    await cleanup();
  }
});

Deno.test("POST /streams/{stream} without a body creates one shard", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    const res = await gw.handler(req("POST", "/streams/s1"));
    assert.equal(res.status, 200);
    const d = await log.streams.describeStream("s1");
    assert.deepEqual(d.shards.map((s) => s.hashKeyRange), [{
      start: "0",
      end: MAX_HASH,
    }]);
  } finally {
    await cleanup();
  }
});

Deno.test("DELETE /streams/{stream} deletes it", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    const res = await gw.handler(
      req("DELETE", "/streams/streaming-pinterest-pin"),
    );
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "{}");
    assert.deepEqual(await log.streams.listStreams(), []);
  } finally {
    await cleanup();
  }
});

Deno.test("PUT /streams/{stream}/record stores Data's JSON text (a string as is)", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    const data = {
      ind: 7528,
      timestamp: "2020-08-28 03:52:47",
      latitude: -89.9787,
    };
    const stream = "streaming-pinterest-pin";
    const first = await gw.handler(req("PUT", `/streams/${stream}/record`, {
      StreamName: stream,
      Data: data,
      PartitionKey: "partition-1",
    }));
    assert.equal(first.status, 200);
    assert.equal(
      await first.text(),
      `{"ShardId":"shardId-000000000000","SequenceNumber":"${seq(0)}"}`,
    );
    const second = await gw.handler(req("PUT", `/streams/${stream}/record`, {
      Data: "already text",
      PartitionKey: "p2",
    }));
    assert.deepEqual(await second.json(), {
      ShardId: "shardId-000000000000",
      SequenceNumber: seq(1),
    });
    const page = await log.streams.readShard(stream, "shardId-000000000000");
    assert.deepEqual(
      page.records.map((r) => [r.sequenceNumber, r.partitionKey, text(r.data)]),
      [
        [seq(0), "partition-1", JSON.stringify(data)],
        [seq(1), "p2", "already text"],
      ],
    );
  } finally {
    await cleanup();
  }
});

Deno.test("PUT /streams/{stream}/records answers the PutRecords shape", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    await log.streams.createStream("s2", { shardCount: 2 });
    // md5("a") starts with 0x0c (shard 0), md5("b") with 0x92 (shard 1).
    const res = await gw.handler(req("PUT", "/streams/s2/records", {
      StreamName: "s2",
      Records: [
        { Data: { n: 1 }, PartitionKey: "a" },
        { Data: { n: 2 }, PartitionKey: "b" },
        { Data: [3], PartitionKey: "a" },
      ],
    }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      FailedRecordCount: 0,
      Records: [
        { ShardId: "shardId-000000000000", SequenceNumber: seq(0) },
        { ShardId: "shardId-000000000001", SequenceNumber: seq(1) },
        { ShardId: "shardId-000000000000", SequenceNumber: seq(2) },
      ],
    });
    const shard0 = await log.streams.readShard("s2", "shardId-000000000000");
    const shard1 = await log.streams.readShard("s2", "shardId-000000000001");
    assert.deepEqual(shard0.records.map((r) => text(r.data)), [
      '{"n":1}',
      "[3]",
    ]);
    assert.deepEqual(shard1.records.map((r) => text(r.data)), ['{"n":2}']);
  } finally {
    await cleanup();
  }
});

Deno.test("PUT /streams/{stream}/record on a name no stream can have: 422, as Kinesis' ValidationException", async () => {
  const { gw, cleanup } = await setup();
  try {
    const res = await gw.handler(req("PUT", "/streams/bad%20name/record", {
      Data: 1,
      PartitionKey: "k",
    }));
    assert.equal(res.status, 422);
    assert.deepEqual(await res.json(), {
      error_code: 42202,
      message:
        'Invalid stream name "bad name": use 1 to 128 characters among a-z A-Z 0-9 _ . -',
    });
    const missing = await gw.handler(req("PUT", "/streams/absent/record", {
      Data: 1,
      PartitionKey: "k",
    }));
    assert.equal(missing.status, 404);
  } finally {
    await cleanup();
  }
});
