import assert from "node:assert/strict";
import {
  expectError,
  GOOD_STREAM_BODY,
  GOOD_TOPIC_BODY,
  KAFKA_JSON,
  post,
  put,
  stored,
  STREAM,
  TOPIC,
  withGateway,
} from "./test_support.ts";

Deno.test("unsupported content type: 415 41501, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const body = JSON.stringify(GOOD_TOPIC_BODY);
    for (
      const ct of ["text/plain", "application/vnd.kafka.avro.v2+json", null]
    ) {
      await expectError(
        await gw.handler(post(`/topics/${TOPIC}`, body, { contentType: ct })),
        {
          status: 415,
          errorCode: 41501,
        },
      );
    }
    const streamReq = put(`/streams/${STREAM}/record`, GOOD_STREAM_BODY, {
      contentType: "text/plain",
    });
    await expectError(await gw.handler(streamReq), {
      status: 415,
      errorCode: 41501,
    });
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("malformed JSON: 422 42201, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const bad = '{"records":[{"value":{"a":1}}]';
    await expectError(await gw.handler(post(`/topics/${TOPIC}`, bad)), {
      status: 422,
      errorCode: 42201,
    });
    await expectError(await gw.handler(put(`/streams/${STREAM}/record`, bad)), {
      status: 422,
      errorCode: 42201,
    });
    const badUtf8 = new Request(`http://gw/topics/${TOPIC}`, {
      method: "POST",
      headers: { "content-type": KAFKA_JSON },
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
    });
    await expectError(await gw.handler(badUtf8), {
      status: 422,
      errorCode: 42201,
    });
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("invalid produce body: 422 42202 for each shape error, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const cases: [unknown, string][] = [
      [
        { value: 1 },
        'Body must be a JSON object with a "records" array: {"records":[{"value":{...}}]}.',
      ],
      [
        [GOOD_TOPIC_BODY],
        'Body must be a JSON object with a "records" array: {"records":[{"value":{...}}]}.',
      ],
      [{ records: [] }, '"records" must hold at least one record.'],
      [
        { records: [{ value: 1 }, { key: "k" }] },
        'records[1] has no "value"; every record needs a JSON value.',
      ],
      [
        { records: [{ value: null }] },
        'records[0] has no "value"; every record needs a JSON value.',
      ],
      [
        { records: [{ value: 1 }, 5] },
        'records[1] must be an object with a "value".',
      ],
      [
        { records: [{ value: 1, partition: "1" }] },
        'records[0].partition must be a non-negative integer, got "1".',
      ],
      [
        { records: [{ value: 1, partition: -1 }] },
        "records[0].partition must be a non-negative integer, got -1.",
      ],
      [
        { records: [{ value: 1, partition: 0.5 }] },
        "records[0].partition must be a non-negative integer, got 0.5.",
      ],
    ];
    for (const [body, message] of cases) {
      const res = await gw.handler(post(`/topics/${TOPIC}`, body));
      assert.equal(
        await expectError(res, { status: 422, errorCode: 42202 }),
        message,
      );
    }
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("invalid stream bodies: 422 42202 for each shape error, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const record: [unknown, string][] = [
      [
        { StreamName: STREAM, Data: { a: 1 } },
        'Body needs a non-empty string "PartitionKey".',
      ],
      [
        { Data: { a: 1 }, PartitionKey: "" },
        'Body needs a non-empty string "PartitionKey".',
      ],
      [
        { Data: { a: 1 }, PartitionKey: 7 },
        'Body needs a non-empty string "PartitionKey".',
      ],
      [
        { Data: 1, PartitionKey: "x".repeat(257) },
        "Body.PartitionKey is longer than 256 characters.",
      ],
      [{ StreamName: STREAM, PartitionKey: "p" }, 'Body has no "Data".'],
      [
        [GOOD_STREAM_BODY],
        'Body must be an object with "Data" and "PartitionKey".',
      ],
    ];
    for (const [body, message] of record) {
      const res = await gw.handler(put(`/streams/${STREAM}/record`, body));
      assert.equal(
        await expectError(res, { status: 422, errorCode: 42202 }),
        message,
      );
    }
    const ok = { Data: "x", PartitionKey: "p" };
    const records: [unknown, string][] = [
      [
        { StreamName: STREAM },
        'Body must be a JSON object with a "Records" array of {"Data","PartitionKey"}.',
      ],
      [{ Records: [] }, '"Records" must hold 1 to 500 records, got 0.'],
      [
        { Records: Array(501).fill(ok) },
        '"Records" must hold 1 to 500 records, got 501.',
      ],
      [
        { Records: [ok, ok, { Data: "x" }] },
        'Records[2] needs a non-empty string "PartitionKey".',
      ],
    ];
    for (const [body, message] of records) {
      const res = await gw.handler(put(`/streams/${STREAM}/records`, body));
      assert.equal(
        await expectError(res, { status: 422, errorCode: 42202 }),
        message,
      );
    }
    const shards = { ShardCount: 0 };
    assert.equal(
      await expectError(
        await gw.handler(
          post("/streams/new", shards, { contentType: "application/json" }),
        ),
        { status: 422, errorCode: 42202 },
      ),
      "ShardCount must be a positive integer, got 0.",
    );
    assert.equal(
      await expectError(
        await gw.handler(
          post("/streams/bad%20name", {}, { contentType: "application/json" }),
        ),
        { status: 422, errorCode: 42202 },
      ),
      'Invalid stream name "bad name": use 1 to 128 characters among a-z A-Z 0-9 _ . -',
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    assert.deepEqual(await log.streams.listStreams(), [STREAM]);
  });
});

Deno.test("values nested deeper than 1,000 levels: 422 42202 on every route, nothing appended; 1,000 levels are taken", async () => {
  await withGateway(async (gw, log) => {
    const nested = (n: number) => "[".repeat(n) + "]".repeat(n);
    const tooDeep = nested(1001);
    const bodies: [Request, string][] = [
      [
        post(`/topics/${TOPIC}`, `{"records":[{"value":${tooDeep}}]}`),
        "records[0].value is nested deeper than 1000 levels; flatten it (a Pinterest post nests one level).",
      ],
      [
        put(
          `/streams/${STREAM}/record`,
          `{"Data":${tooDeep},"PartitionKey":"p"}`,
        ),
        "Body.Data is nested deeper than 1000 levels; flatten it (a Pinterest post nests one level).",
      ],
      // A string Data is stored as it is, and the stream cleaner parses it as JSON.
      [
        put(`/streams/${STREAM}/record`, { Data: tooDeep, PartitionKey: "p" }),
        "Body.Data is nested deeper than 1000 levels; flatten it (a Pinterest post nests one level).",
      ],
      [
        put(`/streams/${STREAM}/records`, {
          Records: [{ Data: 1, PartitionKey: "p" }, {
            Data: JSON.parse(tooDeep),
            PartitionKey: "p",
          }],
        }),
        "Records[1].Data is nested deeper than 1000 levels; flatten it (a Pinterest post nests one level).",
      ],
    ];
    for (const [req, message] of bodies) {
      assert.equal(
        await expectError(await gw.handler(req), {
          status: 422,
          errorCode: 42202,
        }),
        message,
      );
    }
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    const deepest = nested(1000);
    const topic = await gw.handler(
      post(`/topics/${TOPIC}`, `{"records":[{"value":${deepest}}]}`),
    );
    assert.equal(topic.status, 200);
    await topic.body?.cancel();
    // A long string Data without brackets is stored as it is.
    const long = "x".repeat(5000);
    for (const Data of [deepest, long]) {
      const res = await gw.handler(
        put(`/streams/${STREAM}/record`, { Data, PartitionKey: "p" }),
      );
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const page = await log.streams.readShard(STREAM, "shardId-000000000000");
    assert.deepEqual(
      page.records.map((r) => new TextDecoder().decode(r.data)),
      [deepest, long],
    );
    assert.deepEqual(await stored(log), { topic: 1, stream: 2 });
  });
});

Deno.test("a topic record over 1,000,000 bytes: 422 42202 naming it, nothing of the request appended", async () => {
  await withGateway(async (gw, log) => {
    // The JSON text of this value is the string plus its two quotes: 1,000,001 bytes.
    const body = {
      records: [{ value: { a: 1 } }, { value: "x".repeat(999_999) }],
    };
    const res = await gw.handler(post(`/topics/${TOPIC}`, body));
    assert.equal(
      await expectError(res, { status: 422, errorCode: 42202 }),
      "Invalid records[1]: holds 1000001 bytes (value + key); a topic record holds at most 1000000, as a Kafka broker takes by default",
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});
