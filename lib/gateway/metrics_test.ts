import assert from "node:assert/strict";
import { createGateway } from "./gateway.ts";
import { GatewayMetrics } from "./metrics.ts";
import { openTempLog } from "./test_support.ts";

Deno.test("GatewayMetrics renders counters and a cumulative histogram", () => {
  const m = new GatewayMetrics();
  m.observeRequest({
    route: "/topics",
    method: "GET",
    status: 200,
    durationSeconds: 0.0005,
  });
  m.observeRequest({
    route: "/topics",
    method: "GET",
    status: 200,
    durationSeconds: 0.003,
  });
  m.observeRequest({
    route: "unmatched",
    method: "GET",
    status: 404,
    durationSeconds: 20,
  });
  m.addRecords({ kind: "stream", name: 'we"ird\\name' }, 2);
  m.addError(404);
  const lines = m.render().split("\n");
  for (
    const line of [
      "# TYPE gateway_requests_total counter",
      'gateway_requests_total{route="/topics",method="GET",status="200"} 2',
      'gateway_requests_total{route="unmatched",method="GET",status="404"} 1',
      'gateway_records_total{kind="stream",name="we\\"ird\\\\name"} 2',
      'gateway_errors_total{error_code="404"} 1',
      "# TYPE gateway_request_duration_seconds histogram",
      'gateway_request_duration_seconds_bucket{le="0.001"} 1',
      'gateway_request_duration_seconds_bucket{le="0.0025"} 1',
      'gateway_request_duration_seconds_bucket{le="0.005"} 2',
      'gateway_request_duration_seconds_bucket{le="10"} 2',
      'gateway_request_duration_seconds_bucket{le="+Inf"} 3',
      "gateway_request_duration_seconds_sum 20.0035",
      "gateway_request_duration_seconds_count 3",
    ]
  ) {
    assert.ok(lines.includes(line), `missing line: ${line}`);
  }
});

Deno.test("GET /metrics counts requests, records and errors exactly", async () => {
  const { log, cleanup } = await openTempLog("gateway_metrics_");
  try {
    await log.topics.createTopic("pinterest.pin");
    await log.streams.createStream("streaming-pinterest-pin");
    const gw = createGateway({ topics: log.topics, streams: log.streams });
    const send = async (
      method: string,
      path: string,
      body?: unknown,
      ct = "application/json",
    ) => {
      const res = await gw.handler(
        new Request(`http://gw${path}`, {
          method,
          headers: { "content-type": ct },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      await res.body?.cancel();
      return res.status;
    };
    const records = { records: [{ value: 1 }, { value: 2 }, { value: 3 }] };
    assert.equal(await send("POST", "/topics/pinterest.pin", records), 200);
    assert.equal(
      await send("POST", "/topics/pinterest.pin", { records: [{ value: 4 }] }),
      200,
    );
    assert.equal(await send("POST", "/topics/nope", records), 404);
    assert.equal(await send("POST", "/topics/pinterest.pin", {}), 422);
    assert.equal(
      await send("POST", "/topics/pinterest.pin", records, "text/plain"),
      415,
    );
    const rec = { Data: { a: 1 }, PartitionKey: "p" };
    assert.equal(
      await send("PUT", "/streams/streaming-pinterest-pin/record", rec),
      200,
    );
    const batch = { Records: [rec, rec] };
    assert.equal(
      await send("PUT", "/streams/streaming-pinterest-pin/records", batch),
      200,
    );
    assert.equal(await send("GET", "/healthz"), 200);
    assert.equal(await send("PATCH", "/healthz"), 405);
    assert.equal(await send("GET", "/elsewhere"), 404);

    const res = await gw.handler(new Request("http://gw/metrics"));
    assert.equal(
      res.headers.get("content-type"),
      "text/plain; version=0.0.4; charset=utf-8",
    );
    const text = await res.text();
    const series = text.split("\n").filter((l) =>
      l !== "" && !l.startsWith("#")
    );
    assert.deepEqual(
      series.filter((l) => !l.startsWith("gateway_request_duration")),
      [
        'gateway_requests_total{route="/healthz",method="GET",status="200"} 1',
        'gateway_requests_total{route="/healthz",method="PATCH",status="405"} 1',
        'gateway_requests_total{route="/streams/{stream}/record",method="PUT",status="200"} 1',
        'gateway_requests_total{route="/streams/{stream}/records",method="PUT",status="200"} 1',
        'gateway_requests_total{route="/topics/{topic}",method="POST",status="200"} 2',
        'gateway_requests_total{route="/topics/{topic}",method="POST",status="404"} 1',
        'gateway_requests_total{route="/topics/{topic}",method="POST",status="415"} 1',
        'gateway_requests_total{route="/topics/{topic}",method="POST",status="422"} 1',
        'gateway_requests_total{route="unmatched",method="GET",status="404"} 1',
        'gateway_records_total{kind="stream",name="streaming-pinterest-pin"} 3',
        'gateway_records_total{kind="topic",name="pinterest.pin"} 4',
        'gateway_errors_total{error_code="404"} 1',
        'gateway_errors_total{error_code="40401"} 1',
        'gateway_errors_total{error_code="405"} 1',
        'gateway_errors_total{error_code="41501"} 1',
        'gateway_errors_total{error_code="42202"} 1',
      ],
    );
    assert.ok(
      series.includes('gateway_request_duration_seconds_bucket{le="+Inf"} 10'),
    );
    assert.ok(series.includes("gateway_request_duration_seconds_count 10"));
  } finally {
    await cleanup();
  }
});
