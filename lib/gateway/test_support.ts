/**
 * Shared helpers of the gateway's error and validation tests: a gateway over a fresh
 * embedded log in a temp dir, request builders, and a count of what was stored.
 *
 * @module
 */

import assert from "node:assert/strict";
import { openEmbeddedLog } from "../log/mod.ts";
import { createGateway, type GatewayOptions } from "./gateway.ts";

/**
 * The test topic (2 partitions).
 *
 * @example
 * ```ts
 * import { TOPIC, withGateway } from "./test_support.ts";
 * await withGateway(async (_gw, log) => console.log((await log.topics.describeTopic(TOPIC)).partitions)); // 2
 * ```
 */
export const TOPIC = "pinterest.pin";

/**
 * The test stream (1 shard).
 *
 * @example
 * ```ts
 * import { STREAM, withGateway } from "./test_support.ts";
 * await withGateway(async (_gw, log) => console.log((await log.streams.describeStream(STREAM)).shards.length)); // 1
 * ```
 */
export const STREAM = "streaming-pinterest-pin";

/**
 * The REST Proxy v2 JSON request content type.
 *
 * @example
 * ```ts
 * import { KAFKA_JSON, post } from "./test_support.ts";
 * console.log(post("/topics/t", {}).headers.get("content-type") === KAFKA_JSON); // true
 * ```
 */
export const KAFKA_JSON = "application/vnd.kafka.json.v2+json";

/**
 * The embedded log type.
 *
 * @example
 * ```ts
 * import { type Log, openTempLog } from "./test_support.ts";
 * const temp = await openTempLog("demo_");
 * const log: Log = temp.log;
 * console.log(await log.streams.listStreams()); // []
 * await temp.cleanup();
 * ```
 */
export type Log = Awaited<ReturnType<typeof openEmbeddedLog>>;

/**
 * A log in a fresh temp dir and how to close and remove it.
 *
 * @example
 * ```ts
 * import { openTempLog, type TempLog } from "./test_support.ts";
 * const temp: TempLog = await openTempLog("demo_");
 * await temp.cleanup();
 * console.log(await Deno.stat(temp.dir).catch(() => "removed")); // removed
 * ```
 */
export interface TempLog {
  log: Log;
  dir: string;
  /** Closes the log and removes the dir. */
  cleanup(): Promise<void>;
}

/**
 * Opens an embedded log in a fresh temp dir; the dir is removed again if opening fails.
 *
 * @example
 * ```ts
 * import { openTempLog } from "./test_support.ts";
 * const { log, cleanup } = await openTempLog("demo_");
 * console.log(await log.topics.listTopics()); // []
 * await cleanup();
 * ```
 */
export async function openTempLog(prefix: string): Promise<TempLog> {
  const dir = await Deno.makeTempDir({ prefix });
  let log: Log;
  try {
    log = await openEmbeddedLog(`${dir}/log.db`);
  } catch (err) {
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
  return {
    log,
    dir,
    async cleanup() {
      await log.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * Runs `fn` with a gateway over a fresh embedded log holding topic {@linkcode TOPIC}
 * (2 partitions) and stream {@linkcode STREAM} (1 shard); removes the log afterwards.
 *
 * @example
 * ```ts
 * import { withGateway } from "./test_support.ts";
 * await withGateway(async (gw) => {
 *   console.log((await gw.handler(new Request("http://gw/healthz"))).status); // 200
 * });
 * ```
 */
export async function withGateway(
  fn: (gw: ReturnType<typeof createGateway>, log: Log) => Promise<void>,
  options: Partial<GatewayOptions> = {},
): Promise<void> {
  const { log, cleanup } = await openTempLog("gateway_errors_");
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
    await cleanup();
  }
}

/**
 * Counts every record in the test topic and stream.
 *
 * @example
 * ```ts
 * import { stored, withGateway } from "./test_support.ts";
 * await withGateway(async (_gw, log) => console.log(await stored(log))); // { topic: 0, stream: 0 }
 * ```
 */
export async function stored(
  log: Log,
): Promise<{ topic: number; stream: number }> {
  const consumer = await log.topics.consumer(`check-${crypto.randomUUID()}`, [
    TOPIC,
  ]);
  const records = await consumer.poll({ maxRecords: 1000, timeoutMs: 10 });
  await consumer.close();
  const page = await log.streams.readShard(STREAM, "shardId-000000000000");
  return { topic: records.length, stream: page.records.length };
}

/**
 * Asserts an error answer's status and `error_code`; resolves to its message.
 *
 * @example
 * ```ts
 * import { expectError } from "./test_support.ts";
 * const res = Response.json({ error_code: 404, message: "no" }, { status: 404 });
 * console.log(await expectError(res, { status: 404, errorCode: 404 })); // no
 * ```
 */
export async function expectError(
  res: Response,
  expected: { status: number; errorCode: number },
): Promise<string> {
  const { status, errorCode } = expected;
  const body = await res.json();
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(body.error_code, errorCode);
  assert.equal(typeof body.message, "string");
  return body.message;
}

/**
 * Options of {@linkcode post} and {@linkcode put}.
 *
 * @example
 * ```ts
 * import { put, type TestRequestOptions } from "./test_support.ts";
 * const options: TestRequestOptions = { contentType: "text/plain" };
 * console.log(put("/streams/s/record", {}, options).headers.get("content-type")); // text/plain
 * console.log(put("/streams/s/record", {}, { contentType: null }).headers.get("content-type")); // null
 * ```
 */
export interface TestRequestOptions {
  /** The `content-type` header; `null`: none. Default: REST Proxy's (post), JSON (put). */
  contentType?: string | null;
}

/**
 * The body as sent: bytes when there is no content type, since a string body makes
 * `Request` add `text/plain;charset=UTF-8`.
 */
function requestBody(body: string | unknown, contentType: string | null) {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return contentType === null ? new TextEncoder().encode(text) : text;
}

/**
 * A POST request to the gateway (REST Proxy content type unless given; `null`: none).
 *
 * @example
 * ```ts
 * import { post } from "./test_support.ts";
 * console.log(post("/topics/t", { records: [] }).method); // POST
 * ```
 */
export function post(
  path: string,
  body: string | unknown,
  options: TestRequestOptions = {},
) {
  const contentType = options.contentType === undefined
    ? KAFKA_JSON
    : options.contentType;
  return new Request(`http://gw${path}`, {
    method: "POST",
    headers: contentType === null ? {} : { "content-type": contentType },
    body: requestBody(body, contentType),
  });
}

/**
 * A PUT request to the gateway with a JSON body.
 *
 * @example
 * ```ts
 * import { put } from "./test_support.ts";
 * console.log(put("/streams/s/record", {}).method); // PUT
 * ```
 */
export function put(
  path: string,
  body: string | unknown,
  options: TestRequestOptions = {},
) {
  const contentType = options.contentType === undefined
    ? "application/json"
    : options.contentType;
  return new Request(`http://gw${path}`, {
    method: "PUT",
    headers: contentType === null ? {} : { "content-type": contentType },
    body: requestBody(body, contentType),
  });
}

/**
 * A valid produce body.
 *
 * @example
 * ```ts
 * import { GOOD_TOPIC_BODY, post, TOPIC, withGateway } from "./test_support.ts";
 * await withGateway(async (gw) => console.log((await gw.handler(post(`/topics/${TOPIC}`, GOOD_TOPIC_BODY))).status)); // 200
 * ```
 */
export const GOOD_TOPIC_BODY = { records: [{ value: { a: 1 } }] };

/**
 * A valid PutRecord body for {@linkcode STREAM}.
 *
 * @example
 * ```ts
 * import { GOOD_STREAM_BODY, put, STREAM, withGateway } from "./test_support.ts";
 * await withGateway(async (gw) => console.log((await gw.handler(put(`/streams/${STREAM}/record`, GOOD_STREAM_BODY))).status)); // 200
 * ```
 */
export const GOOD_STREAM_BODY = {
  StreamName: STREAM,
  Data: { a: 1 },
  PartitionKey: "p",
};
