import assert from "node:assert/strict";
import type { LogContext } from "../logger.ts";
import { sleep } from "../sleep.ts";
import { serveGateway } from "./server.ts";
import { KAFKA_JSON, openTempLog, TOPIC } from "./test_support.ts";
import { ensureTopology } from "./topology.ts";

const encode = (s: string) => new TextEncoder().encode(s);

/** A raw client that sent the headers of a produce request and `sent` of its `body`. */
async function partialUpload(port: number, body: string, sent: number) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(encode(
    `POST /topics/${TOPIC} HTTP/1.1\r\nHost: gw\r\nContent-Type: ${KAFKA_JSON}\r\n` +
      `Content-Length: ${body.length}\r\n\r\n${body.slice(0, sent)}`,
  ));
  return { conn, rest: () => conn.write(encode(body.slice(sent))) };
}

/** The status line of the response `conn` receives. */
async function statusLine(conn: Deno.Conn): Promise<string> {
  const buf = new Uint8Array(4096);
  const n = await conn.read(buf);
  return new TextDecoder().decode(buf.subarray(0, n ?? 0)).split("\r\n")[0];
}

Deno.test("shutdown gives uploads in progress the grace period, then cuts a stalled one and resolves", async () => {
  const warnings: [string, LogContext | undefined][] = [];
  const logger = {
    info: () => {},
    warn: (m: string, c?: LogContext) => warnings.push([m, c]),
    error: (m: string, c?: LogContext) => warnings.push([m, c]),
  };
  const { log, cleanup } = await openTempLog("gateway_drain_");
  await ensureTopology(log.topics, log.streams, { prefix: "pinterest" });
  const server = await serveGateway({
    topics: log.topics,
    streams: log.streams,
    logger,
    shutdownGraceMs: 1000,
  });
  const body = (v: string) => `{"records":[{"value":"${v}"}]}`;
  const stalled = await partialUpload(server.port, body("stalled"), 12);
  const slow = await partialUpload(server.port, body("slow"), 12);
  try {
    await sleep(100); // both requests are dispatched and reading their bodies
    const started = performance.now();
    const stopped = server.shutdown().then(() => performance.now() - started);
    await sleep(300);
    await slow.rest(); // completes within the grace period
    assert.equal(await statusLine(slow.conn), "HTTP/1.1 200 OK");
    const tookMs = await Promise.race([stopped, sleep(3000).then(() => -1)]);
    assert.ok(tookMs >= 1000 && tookMs < 3000, `shutdown took ${tookMs} ms`);
    assert.equal(await statusLine(stalled.conn), "HTTP/1.1 400 Bad Request");
    assert.equal(warnings.length, 2);
    const [cut, left] = warnings;
    assert.match(
      cut[0],
      /^gateway: shutting down: cut the uploads still arriving/,
    );
    assert.equal(cut[1]?.graceMs, 1000);
    const [line] = cut[1]?.cut as string[];
    assert.match(
      line,
      /^POST \/topics\/pinterest\.pin from 127\.0\.0\.1:\d+, started 1\.\d s ago$/,
    );
    assert.match(left[0], /stay open until they go or the process exits$/);
    const consumer = await log.topics.consumer("check", [TOPIC]);
    const records = await consumer.poll({ timeoutMs: 50 });
    await consumer.close();
    assert.deepEqual(records.map((r) => new TextDecoder().decode(r.value)), [
      '"slow"',
    ]);
  } finally {
    stalled.conn.close();
    slow.conn.close();
    await server.shutdown();
    await server.finished;
    await cleanup();
  }
});

Deno.test("shutdown with nothing in flight resolves at once and logs nothing", async () => {
  const warnings: string[] = [];
  const logger = {
    info: () => {},
    warn: (m: string) => warnings.push(m),
    error: (m: string) => warnings.push(m),
  };
  const { log, cleanup } = await openTempLog("gateway_drain_idle_");
  const server = await serveGateway({
    topics: log.topics,
    streams: log.streams,
    logger,
  });
  try {
    await (await fetch(`${server.url}/healthz`)).body?.cancel();
    const started = performance.now();
    await server.shutdown();
    await server.finished;
    const tookMs = performance.now() - started;
    assert.ok(tookMs < 500, `shutdown took ${tookMs} ms`);
    assert.deepEqual(warnings, []);
  } finally {
    await cleanup();
  }
});
