import assert from "node:assert/strict";
import type { TopicRecord } from "../log/types.ts";
import { createGateway } from "./gateway.ts";
import { type Log, openTempLog } from "./test_support.ts";

const KAFKA_JSON = "application/vnd.kafka.json.v2+json";

async function setup() {
  const { log, cleanup } = await openTempLog("gateway_topics_");
  try {
    await log.topics.createTopic("pinterest.pin");
    await log.topics.createTopic("pinterest.geo", { partitions: 3 });
    const gw = createGateway({ topics: log.topics, streams: log.streams });
    return { log, gw, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

function post(path: string, body: unknown, contentType = KAFKA_JSON): Request {
  return new Request(`http://gw${path}`, {
    method: "POST",
    headers: { "content-type": contentType },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function readAll(
  log: Log,
  topic: string,
): Promise<TopicRecord[]> {
  const consumer = await log.topics.consumer(`check-${crypto.randomUUID()}`, [
    topic,
  ]);
  const out: TopicRecord[] = [];
  for (let i = 0; i < 5; i++) {
    const batch = await consumer.poll({ maxRecords: 1000, timeoutMs: 20 });
    if (batch.length === 0) break;
    out.push(...batch);
  }
  await consumer.close();
  return out;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("GET /topics lists topic names as a JSON array (REST Proxy v2)", async () => {
  const { gw, cleanup } = await setup();
  try {
    const res = await gw.handler(new Request("http://gw/topics"));
    assert.equal(res.status, 200);
    assert.equal(
      res.headers.get("content-type"),
      "application/vnd.kafka.v2+json",
    );
    assert.equal(await res.text(), '["pinterest.geo","pinterest.pin"]');
    const withQuery = await gw.handler(
      new Request("http://gw:8080/topics/?a=/b#c"),
    );
    assert.equal(await withQuery.text(), '["pinterest.geo","pinterest.pin"]');
  } finally {
    await cleanup();
  }
});

Deno.test("GET /topics/{topic} describes partitions in the REST Proxy v2 shape", async () => {
  const { gw, cleanup } = await setup();
  try {
    const res = await gw.handler(new Request("http://gw/topics/pinterest.geo"));
    assert.equal(res.status, 200);
    const replicas = [{ broker: 1, leader: true, in_sync: true }];
    assert.deepEqual(await res.json(), {
      name: "pinterest.geo",
      configs: {},
      partitions: [0, 1, 2].map((partition) => ({
        partition,
        leader: 1,
        replicas,
      })),
    });
  } finally {
    await cleanup();
  }
});

Deno.test("POST /topics/{topic} appends the values' JSON text and answers offsets", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    const value = {
      index: 7528,
      title: "Ideas ✨",
      follower_count: "12k",
      tags: ["a", "b"],
    };
    const first = await gw.handler(
      post("/topics/pinterest.pin", { records: [{ value }] }),
    );
    assert.equal(first.status, 200);
    assert.equal(
      first.headers.get("content-type"),
      "application/vnd.kafka.v2+json",
    );
    assert.equal(
      await first.text(),
      '{"offsets":[{"partition":0,"offset":0,"error_code":null,"error":null}],' +
        '"key_schema_id":null,"value_schema_id":null}',
    );
    const second = await gw.handler(post("/topics/pinterest.pin", {
      records: [{ value: { n: 1 } }, { key: "user-1", value: "plain" }, {
        key: 42,
        value: [1],
      }],
    }));
    assert.deepEqual(
      (await second.json()).offsets.map((o: { offset: number }) => o.offset),
      [
        1,
        2,
        3,
      ],
    );
    const stored = await readAll(log, "pinterest.pin");
    assert.deepEqual(stored.map((r) => [r.offset, r.key, text(r.value)]), [
      [0, null, JSON.stringify(value)],
      [1, null, '{"n":1}'],
      [2, "user-1", '"plain"'],
      [3, "42", "[1]"],
    ]);
  } finally {
    await cleanup();
  }
});

Deno.test("POST /topics/{topic} keeps a json.dumps body's numbers as written, whitespace dropped", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    // As the course's script sends it (Python's json.dumps, ", " and ": ").
    const body =
      '{"records": [{"value": {"index": 12345678901234567890, "lat": -89.0, "title": "a b"}}]}';
    const res = await gw.handler(post("/topics/pinterest.pin", body));
    assert.equal(res.status, 200);
    const stored = await readAll(log, "pinterest.pin");
    assert.deepEqual(stored.map((r) => text(r.value)), [
      '{"index":12345678901234567890,"lat":-89.0,"title":"a b"}',
    ]);
  } finally {
    await cleanup();
  }
});

Deno.test("POST /topics/{topic} accepts application/json and ignores charset", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    for (
      const ct of [
        "application/json",
        "application/vnd.kafka.json.v2+json; charset=utf-8",
        "Application/JSON;charset=UTF-8",
      ]
    ) {
      const res = await gw.handler(
        post("/topics/pinterest.pin", { records: [{ value: ct }] }, ct),
      );
      assert.equal(res.status, 200, ct);
    }
    assert.equal((await readAll(log, "pinterest.pin")).length, 3);
  } finally {
    await cleanup();
  }
});

Deno.test("POST /topics/{topic} honours an explicit partition", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    const res = await gw.handler(post("/topics/pinterest.geo", {
      records: [{ value: { a: 1 }, partition: 2 }, {
        value: { a: 2 },
        partition: 2,
      }, {
        value: { a: 3 },
        partition: 0,
      }],
    }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      offsets: [
        { partition: 2, offset: 0, error_code: null, error: null },
        { partition: 2, offset: 1, error_code: null, error: null },
        { partition: 0, offset: 0, error_code: null, error: null },
      ],
      key_schema_id: null,
      value_schema_id: null,
    });
    const stored = await readAll(log, "pinterest.geo");
    assert.deepEqual(
      stored.map((r) => [r.partition, r.offset, text(r.value)]).sort(),
      [[0, 0, '{"a":3}'], [2, 0, '{"a":1}'], [2, 1, '{"a":2}']],
    );
  } finally {
    await cleanup();
  }
});

Deno.test("POST /topics/{topic}: 100 concurrent requests get 100 distinct offsets", async () => {
  const { log, gw, cleanup } = await setup();
  try {
    const responses = await Promise.all(
      Array.from(
        { length: 100 },
        (_, i) =>
          gw.handler(
            post("/topics/pinterest.pin", { records: [{ value: { i } }] }),
          ),
      ),
    );
    const offsets = await Promise.all(responses.map(async (r) => {
      assert.equal(r.status, 200);
      return (await r.json()).offsets[0].offset as number;
    }));
    assert.deepEqual([...offsets].sort((a, b) => a - b), [
      ...Array(100).keys(),
    ]);
    const stored = await readAll(log, "pinterest.pin");
    assert.equal(stored.length, 100);
    // Each acknowledged offset holds the value of the request that got it.
    offsets.forEach((offset, i) =>
      assert.equal(text(stored[offset].value), `{"i":${i}}`)
    );
  } finally {
    await cleanup();
  }
});
