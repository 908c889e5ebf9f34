import assert from "node:assert/strict";
import { openEmbeddedLog } from "../log/mod.ts";
import { createGateway, type GatewayOptions } from "./gateway.ts";

const TOPIC = "pinterest.pin";
const STREAM = "streaming-pinterest-pin";
const KAFKA_JSON = "application/vnd.kafka.json.v2+json";

type Log = Awaited<ReturnType<typeof openEmbeddedLog>>;

async function withGateway(
  fn: (gw: ReturnType<typeof createGateway>, log: Log) => Promise<void>,
  options: Partial<GatewayOptions> = {},
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "gateway_errors_" });
  const log = await openEmbeddedLog(`${dir}/log.db`);
  try {
    await log.topics.createTopic(TOPIC, { partitions: 2 });
    await log.streams.createStream(STREAM);
    const gw = createGateway({
      topics: log.topics,
      streams: log.streams,
      ...options,
    });
    await fn(gw, log);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Counts every record in the test topic and stream. */
async function stored(log: Log): Promise<{ topic: number; stream: number }> {
  const consumer = await log.topics.consumer(`check-${crypto.randomUUID()}`, [
    TOPIC,
  ]);
  const records = await consumer.poll({ maxRecords: 1000, timeoutMs: 10 });
  await consumer.close();
  const page = await log.streams.readShard(STREAM, "shardId-000000000000");
  return { topic: records.length, stream: page.records.length };
}

async function expectError(
  res: Response,
  status: number,
  errorCode: number,
): Promise<string> {
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(body.error_code, errorCode);
  assert.equal(typeof body.message, "string");
  return body.message;
}

function post(
  path: string,
  body: string | unknown,
  contentType: string | null = KAFKA_JSON,
) {
  return new Request(`http://gw${path}`, {
    method: "POST",
    headers: contentType === null ? {} : { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function put(
  path: string,
  body: string | unknown,
  contentType = "application/json",
) {
  return new Request(`http://gw${path}`, {
    method: "PUT",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const GOOD_TOPIC_BODY = { records: [{ value: { a: 1 } }] };
const GOOD_STREAM_BODY = {
  StreamName: STREAM,
  Data: { a: 1 },
  PartitionKey: "p",
};

Deno.test("unknown topic: 404 40401, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const res = await gw.handler(post("/topics/nope.pin", GOOD_TOPIC_BODY));
    assert.equal(
      res.headers.get("content-type"),
      "application/vnd.kafka.v2+json",
    );
    assert.match(
      await expectError(res, 404, 40401),
      /Topic "nope.pin" does not exist/,
    );
    await expectError(
      await gw.handler(new Request("http://gw/topics/nope.pin")),
      404,
      40401,
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    assert.deepEqual((await log.topics.listTopics()).map((t) => t.name), [
      TOPIC,
    ]);
  });
});

Deno.test("unknown stream: 404 40401 on every stream route, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    await expectError(
      await gw.handler(put("/streams/nope/record", GOOD_STREAM_BODY)),
      404,
      40401,
    );
    const batch = { Records: [{ Data: "x", PartitionKey: "p" }] };
    await expectError(
      await gw.handler(put("/streams/nope/records", batch)),
      404,
      40401,
    );
    await expectError(
      await gw.handler(new Request("http://gw/streams/nope")),
      404,
      40401,
    );
    const del = new Request("http://gw/streams/nope", { method: "DELETE" });
    await expectError(await gw.handler(del), 404, 40401);
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    assert.deepEqual(await log.streams.listStreams(), [STREAM]);
  });
});

Deno.test("partition not found: 404 40402, the valid records are not appended either", async () => {
  await withGateway(async (gw, log) => {
    const body = {
      records: [{ value: 1, partition: 0 }, { value: 2, partition: 2 }],
    };
    const msg = await expectError(
      await gw.handler(post(`/topics/${TOPIC}`, body)),
      404,
      40402,
    );
    assert.match(msg, /Partition 2 not found/);
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("unsupported content type: 415 41501, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const body = JSON.stringify(GOOD_TOPIC_BODY);
    for (
      const ct of ["text/plain", "application/vnd.kafka.avro.v2+json", null]
    ) {
      await expectError(
        await gw.handler(post(`/topics/${TOPIC}`, body, ct)),
        415,
        41501,
      );
    }
    const streamReq = put(
      `/streams/${STREAM}/record`,
      GOOD_STREAM_BODY,
      "text/plain",
    );
    await expectError(await gw.handler(streamReq), 415, 41501);
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("malformed JSON: 422 42201, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const bad = '{"records":[{"value":{"a":1}}]';
    await expectError(
      await gw.handler(post(`/topics/${TOPIC}`, bad)),
      422,
      42201,
    );
    await expectError(
      await gw.handler(put(`/streams/${STREAM}/record`, bad)),
      422,
      42201,
    );
    const badUtf8 = new Request(`http://gw/topics/${TOPIC}`, {
      method: "POST",
      headers: { "content-type": KAFKA_JSON },
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
    });
    await expectError(await gw.handler(badUtf8), 422, 42201);
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("invalid produce body: 422 42202 for each shape error, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const cases: [unknown, RegExp][] = [
      [{ value: 1 }, /"records" array/],
      [[GOOD_TOPIC_BODY], /"records" array/],
      [{ records: [] }, /at least one record/],
      [
        { records: [{ value: 1 }, { key: "k" }] },
        /records\[1\] has no "value"/,
      ],
      [{ records: [{ value: null }] }, /records\[0\] has no "value"/],
      [{ records: [{ value: 1 }, 5] }, /records\[1\] must be an object/],
      [
        { records: [{ value: 1, partition: "1" }] },
        /partition must be a non-negative integer/,
      ],
      [
        { records: [{ value: 1, partition: -1 }] },
        /partition must be a non-negative integer/,
      ],
      [
        { records: [{ value: 1, partition: 0.5 }] },
        /partition must be a non-negative integer/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await gw.handler(post(`/topics/${TOPIC}`, body));
      assert.match(await expectError(res, 422, 42202), message);
    }
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("invalid stream bodies: 422 42202 for each shape error, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const record: [unknown, RegExp][] = [
      [
        { StreamName: STREAM, Data: { a: 1 } },
        /non-empty string "PartitionKey"/,
      ],
      [{ Data: { a: 1 }, PartitionKey: "" }, /non-empty string "PartitionKey"/],
      [{ Data: { a: 1 }, PartitionKey: 7 }, /non-empty string "PartitionKey"/],
      [{ Data: 1, PartitionKey: "x".repeat(257) }, /longer than 256/],
      [{ StreamName: STREAM, PartitionKey: "p" }, /has no "Data"/],
      [[GOOD_STREAM_BODY], /must be an object/],
    ];
    for (const [body, message] of record) {
      const res = await gw.handler(put(`/streams/${STREAM}/record`, body));
      assert.match(await expectError(res, 422, 42202), message);
    }
    const ok = { Data: "x", PartitionKey: "p" };
    const records: [unknown, RegExp][] = [
      [{ StreamName: STREAM }, /"Records" array/],
      [{ Records: [] }, /1 to 500 records, got 0/],
      [{ Records: Array(501).fill(ok) }, /1 to 500 records, got 501/],
      [
        { Records: [ok, ok, { Data: "x" }] },
        /Records\[2\] needs a non-empty string/,
      ],
    ];
    for (const [body, message] of records) {
      const res = await gw.handler(put(`/streams/${STREAM}/records`, body));
      assert.match(await expectError(res, 422, 42202), message);
    }
    const shards = { ShardCount: 0 };
    await expectError(
      await gw.handler(post("/streams/new", shards, "application/json")),
      422,
      42202,
    );
    await expectError(
      await gw.handler(post("/streams/bad%20name", {}, "application/json")),
      422,
      42202,
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    assert.deepEqual(await log.streams.listStreams(), [STREAM]);
  });
});

Deno.test("existing stream: 409 40901 and the stream is untouched", async () => {
  await withGateway(async (gw, log) => {
    await log.streams.putRecords(STREAM, [{
      data: new Uint8Array([49]),
      partitionKey: "p",
    }]);
    const res = await gw.handler(
      post(`/streams/${STREAM}`, { ShardCount: 3 }, "application/json"),
    );
    await expectError(res, 409, 40901);
    assert.equal((await log.streams.describeStream(STREAM)).shards.length, 1);
    assert.deepEqual(await stored(log), { topic: 0, stream: 1 });
  });
});

Deno.test("body over the limit: 413 41301 one byte over, 200 at exactly the limit", async () => {
  await withGateway(async (gw, log) => {
    const sized = (n: number) => {
      const head = '{"records":[{"value":"';
      const tail = '"}]}';
      return head + "x".repeat(n - head.length - tail.length) + tail;
    };
    assert.equal(new TextEncoder().encode(sized(1025)).length, 1025);
    await expectError(
      await gw.handler(post(`/topics/${TOPIC}`, sized(1025))),
      413,
      41301,
    );
    const streamBody = JSON.stringify({
      Data: "y".repeat(1100),
      PartitionKey: "p",
    });
    await expectError(
      await gw.handler(put(`/streams/${STREAM}/record`, streamBody)),
      413,
      41301,
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    const ok = await gw.handler(post(`/topics/${TOPIC}`, sized(1024)));
    assert.equal(ok.status, 200);
    assert.deepEqual(await stored(log), { topic: 1, stream: 0 });
  }, { maxBodyBytes: 1024 });
});

Deno.test("API keys: 403 40301 without or with a wrong x-api-key, 200 with a right one", async () => {
  await withGateway(async (gw, log) => {
    const withKey = (key?: string) => {
      const req = post(`/topics/${TOPIC}`, GOOD_TOPIC_BODY);
      if (key !== undefined) req.headers.set("x-api-key", key);
      return req;
    };
    await expectError(await gw.handler(withKey()), 403, 40301);
    await expectError(await gw.handler(withKey("k3")), 403, 40301);
    await expectError(await gw.handler(withKey("K1")), 403, 40301);
    await expectError(
      await gw.handler(new Request("http://gw/streams")),
      403,
      40301,
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    assert.equal((await gw.handler(withKey("k2"))).status, 200);
    assert.equal(
      (await gw.handler(new Request("http://gw/healthz"))).status,
      200,
    );
    assert.deepEqual(await stored(log), { topic: 1, stream: 0 });
  }, { apiKeys: ["k1", "k2"] });
});

Deno.test("unknown route: 404 404; wrong method: 405 405 with Allow", async () => {
  await withGateway(async (gw, log) => {
    await expectError(
      await gw.handler(new Request("http://gw/nothing/here")),
      404,
      404,
    );
    await expectError(
      await gw.handler(post("/topics/a/b/c", GOOD_TOPIC_BODY)),
      404,
      404,
    );
    const res = await gw.handler(put(`/topics/${TOPIC}`, GOOD_TOPIC_BODY));
    assert.equal(res.headers.get("allow"), "GET, POST");
    await expectError(res, 405, 405);
    const get = new Request(`http://gw/streams/${STREAM}/record`);
    await expectError(await gw.handler(get), 405, 405);
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});
