import assert from "node:assert/strict";
import type { Logger } from "../logger.ts";
import { serveGateway } from "./server.ts";
import { openTempLog } from "./test_support.ts";
import { ensureTopology, pipelineNames } from "./topology.ts";

async function setup(
  options: { maxBodyBytes?: number; logger?: Logger } = {},
) {
  const temp = await openTempLog("gateway_server_");
  const { log } = temp;
  try {
    await ensureTopology(log.topics, log.streams, { prefix: "pinterest" });
    const server = await serveGateway({
      topics: log.topics,
      streams: log.streams,
      ...options,
    });
    const cleanup = async () => {
      await server.shutdown();
      await temp.cleanup();
    };
    return { log, server, cleanup };
  } catch (err) {
    await temp.cleanup();
    throw err;
  }
}

const KAFKA_JSON = { "content-type": "application/vnd.kafka.json.v2+json" };

Deno.test("serveGateway listens on 127.0.0.1 on an ephemeral port", async () => {
  const { server, cleanup } = await setup();
  try {
    assert.equal(server.hostname, "127.0.0.1");
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
    const res = await fetch(`${server.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
    const topics = await fetch(`${server.url}/topics`);
    assert.deepEqual(await topics.json(), [
      "pinterest.geo",
      "pinterest.pin",
      "pinterest.user",
    ]);
  } finally {
    await cleanup();
  }
});

Deno.test("HEAD on a GET route answers GET's status and headers without a body", async () => {
  const { server, cleanup } = await setup();
  try {
    const cases: [string, string][] = [
      ["/healthz", "application/json"],
      ["/topics/pinterest.pin", "application/vnd.kafka.v2+json"],
      ["/streams/streaming-pinterest-pin", "application/json"],
    ];
    for (const [path, contentType] of cases) {
      const res = await fetch(`${server.url}${path}`, { method: "HEAD" });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("content-type"), contentType, path);
      assert.equal(await res.text(), "", path);
    }
    const record = `${server.url}/streams/streaming-pinterest-pin/record`;
    const put = await fetch(record, { method: "HEAD" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "PUT");
    await put.body?.cancel();
  } finally {
    await cleanup();
  }
});

Deno.test("a client that hangs up mid-body is not logged as a failing log (no 50002, no error line)", async () => {
  const lines: string[] = [];
  const logger = {
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
  const { log, server, cleanup } = await setup({ logger });
  try {
    const conn = await Deno.connect({
      hostname: "127.0.0.1",
      port: server.port,
    });
    await conn.write(new TextEncoder().encode(
      "POST /topics/pinterest.pin HTTP/1.1\r\nHost: gw\r\n" +
        "Content-Type: application/vnd.kafka.json.v2+json\r\n" +
        'Content-Length: 100\r\n\r\n{"records":[{"value":',
    ));
    // The request is dispatched on its headers; its body read fails when the client goes.
    await new Promise((r) => setTimeout(r, 50));
    conn.close();
    let metrics = "";
    for (
      let i = 0;
      i < 200 && !metrics.includes("gateway_errors_total{");
      i++
    ) {
      await new Promise((r) => setTimeout(r, 10));
      metrics = server.gateway.metrics.render();
    }
    assert.deepEqual(lines, []);
    assert.match(metrics, /gateway_errors_total\{error_code="400"\} 1\n/);
    assert.doesNotMatch(metrics, /error_code="50002"/);
    const consumer = await log.topics.consumer("check", ["pinterest.pin"]);
    assert.deepEqual(await consumer.poll({ timeoutMs: 50 }), []);
    await consumer.close();
  } finally {
    await cleanup();
  }
});

Deno.test("the server keeps serving after every kind of error", async () => {
  const { log, server, cleanup } = await setup({ maxBodyBytes: 4096 });
  try {
    const url = server.url;
    const bad: [string, RequestInit, number][] = [
      ["/topics/nope", {
        method: "POST",
        headers: KAFKA_JSON,
        body: '{"records":[{"value":1}]}',
      }, 404],
      ["/topics/pinterest.pin", {
        method: "POST",
        headers: KAFKA_JSON,
        body: "{oops",
      }, 422],
      ["/topics/pinterest.pin", { method: "POST", body: "x" }, 415],
      ["/topics/pinterest.pin", {
        method: "POST",
        headers: KAFKA_JSON,
        body: "x".repeat(1 << 20),
      }, 413],
      [
        "/streams/streaming-pinterest-pin/record",
        { method: "PUT", body: "{}" },
        415,
      ],
      ["/nowhere", { method: "GET" }, 404],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [path, init, status] of bad) {
        const res = await fetch(`${url}${path}`, init);
        assert.equal(res.status, status, `${path} round ${round}`);
        await res.body?.cancel();
      }
      const ok = await fetch(`${url}/topics/pinterest.pin`, {
        method: "POST",
        headers: KAFKA_JSON,
        body: JSON.stringify({ records: [{ value: { round } }] }),
      });
      assert.equal(ok.status, 200);
      assert.equal((await ok.json()).offsets[0].offset, round);
    }
    const consumer = await log.topics.consumer("check", ["pinterest.pin"]);
    const records = await consumer.poll({ timeoutMs: 50 });
    await consumer.close();
    const values = records.map((r) => new TextDecoder().decode(r.value));
    assert.deepEqual(values, ['{"round":0}', '{"round":1}', '{"round":2}']);
  } finally {
    await cleanup();
  }
});

Deno.test("64 concurrent HTTP clients: every acknowledged record is stored once", async () => {
  const { log, server, cleanup } = await setup();
  try {
    const [stream] = pipelineNames("pinterest").streams;
    const answers = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => {
        const res = await fetch(`${server.url}/streams/${stream}/record`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            StreamName: stream,
            Data: { i },
            PartitionKey: `k${i}`,
          }),
        });
        assert.equal(res.status, 200);
        return [i, (await res.json()).SequenceNumber as string] as const;
      }),
    );
    const page = await log.streams.readShard(stream, "shardId-000000000000");
    const bySeq = new Map(page.records.map((r) => [r.sequenceNumber, r]));
    assert.equal(bySeq.size, 64);
    for (const [i, sequenceNumber] of answers) {
      const rec = bySeq.get(sequenceNumber)!;
      assert.equal(new TextDecoder().decode(rec.data), `{"i":${i}}`);
      assert.equal(rec.partitionKey, `k${i}`);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("shutdown stops the server: later connections are refused", async () => {
  const { server, cleanup } = await setup();
  const res = await fetch(`${server.url}/topics/pinterest.user`, {
    method: "POST",
    headers: KAFKA_JSON,
    body: JSON.stringify({ records: [{ value: "last" }] }),
  });
  assert.equal(res.status, 200);
  await res.body?.cancel();
  await server.shutdown();
  await server.finished;
  await assert.rejects(fetch(`${server.url}/healthz`), TypeError);
  await cleanup();
});

Deno.test("ensureTopology creates the prefix's topics and streams once", async () => {
  const { log, cleanup } = await openTempLog("gateway_topology_");
  try {
    await log.topics.createTopic("demo.pin", { partitions: 4 });
    const names = await ensureTopology(log.topics, log.streams, {
      prefix: "demo",
    });
    assert.deepEqual(names, {
      topics: ["demo.pin", "demo.geo", "demo.user"],
      streams: [
        "streaming-demo-pin",
        "streaming-demo-geo",
        "streaming-demo-user",
      ],
    });
    await ensureTopology(log.topics, log.streams, { prefix: "demo" });
    assert.deepEqual(await log.topics.listTopics(), [
      { name: "demo.geo", partitions: 1 },
      { name: "demo.pin", partitions: 4 },
      { name: "demo.user", partitions: 1 },
    ]);
    assert.deepEqual(await log.streams.listStreams(), [
      "streaming-demo-geo",
      "streaming-demo-pin",
      "streaming-demo-user",
    ]);
  } finally {
    await cleanup();
  }
});
