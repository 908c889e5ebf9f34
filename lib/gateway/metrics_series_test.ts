import assert from "node:assert/strict";
import { createGateway } from "./gateway.ts";
import { GatewayMetrics } from "./metrics.ts";
import { openTempLog } from "./test_support.ts";

function req(method: string, path: string, body?: unknown): Request {
  return new Request(`http://gw${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const recordLines = (text: string) =>
  text.split("\n").filter((l) => l.startsWith("gateway_records_total{"));

Deno.test("a deleted stream's records series goes: create/put/delete cycles add no series", async () => {
  const { log, cleanup } = await openTempLog("gateway_series_");
  try {
    await log.streams.createStream("streaming-pinterest-pin");
    const gw = createGateway({ topics: log.topics, streams: log.streams });
    const send = async (method: string, path: string, body?: unknown) => {
      const res = await gw.handler(req(method, path, body));
      await res.body?.cancel();
      return res.status;
    };
    const rec = { Data: { a: 1 }, PartitionKey: "p" };
    assert.equal(
      await send("PUT", "/streams/streaming-pinterest-pin/record", rec),
      200,
    );
    for (let i = 0; i < 50; i++) {
      const s = `tmp-${i}`;
      assert.equal(await send("POST", `/streams/${s}`, { ShardCount: 1 }), 200);
      assert.equal(await send("PUT", `/streams/${s}/record`, rec), 200);
      assert.equal(
        await send("PUT", `/streams/${s}/records`, { Records: [rec, rec] }),
        200,
      );
      assert.equal(await send("DELETE", `/streams/${s}`), 200);
    }
    // One left: its series stays, with what it was sent.
    assert.equal(await send("POST", "/streams/kept", { ShardCount: 1 }), 200);
    assert.equal(await send("PUT", "/streams/kept/record", rec), 200);
    assert.deepEqual(recordLines(gw.metrics.render()), [
      'gateway_records_total{kind="stream",name="kept"} 1',
      'gateway_records_total{kind="stream",name="streaming-pinterest-pin"} 1',
    ]);
  } finally {
    await cleanup();
  }
});

Deno.test("GatewayMetrics.forgetRecords drops one target's series only", () => {
  const m = new GatewayMetrics();
  m.addRecords({ kind: "stream", name: "a" }, 2);
  m.addRecords({ kind: "topic", name: "a" }, 3);
  m.addRecords({ kind: "stream", name: "b" }, 4);
  m.forgetRecords({ kind: "stream", name: "a" });
  m.forgetRecords({ kind: "stream", name: "never" });
  assert.deepEqual(recordLines(m.render()), [
    'gateway_records_total{kind="stream",name="b"} 4',
    'gateway_records_total{kind="topic",name="a"} 3',
  ]);
  // Created again and sent to: counted from 0, as a new series.
  m.addRecords({ kind: "stream", name: "a" }, 1);
  assert.deepEqual(recordLines(m.render()), [
    'gateway_records_total{kind="stream",name="a"} 1',
    'gateway_records_total{kind="stream",name="b"} 4',
    'gateway_records_total{kind="topic",name="a"} 3',
  ]);
});
