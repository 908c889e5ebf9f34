/**
 * The Kafka REST Proxy v2 routes: `GET /topics`, `GET /topics/{topic}` and
 * `POST /topics/{topic}` (produce, JSON embedded format).
 *
 * @module
 */

import type { TopicLog } from "../log/types.ts";
import {
  checkContentType,
  parseJsonBytes,
  readBodyBytes,
  TOPIC_CONTENT_TYPES,
} from "./body.ts";
import { scanTopicRecords } from "./produce_bytes.ts";
import { GatewayError } from "./errors.ts";
import {
  defineRoute,
  jsonResponse,
  KAFKA_V2_JSON,
  type Route,
  type RouteContext,
} from "./router.ts";
import { parseTopicRecords } from "./validate.ts";

const KAFKA = { contentType: KAFKA_V2_JSON };

/**
 * The REST Proxy v2 answer of a produce request.
 *
 * @example
 * ```ts
 * import type { ProduceResponse } from "./topics_routes.ts";
 * import { createGateway } from "./gateway.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("demo.pin");
 * const body = JSON.stringify({ records: [{ value: { ind: 1 } }] });
 * const headers = { "content-type": "application/vnd.kafka.json.v2+json" };
 * const res = await createGateway({ topics: log.topics, streams: log.streams })
 *   .handler(new Request("http://gw/topics/demo.pin", { method: "POST", headers, body }));
 * const answer: ProduceResponse = await res.json();
 * console.log(answer.offsets); // [{ partition: 0, offset: 0, error_code: null, error: null }]
 * await log.close();
 * ```
 */
export interface ProduceResponse {
  offsets: {
    partition: number;
    offset: number;
    error_code: null;
    error: null;
  }[];
  key_schema_id: null;
  value_schema_id: null;
}

async function listTopics(ctx: RouteContext): Promise<Response> {
  const topics = await ctx.topics.listTopics();
  return jsonResponse(topics.map((t) => t.name), KAFKA);
}

async function describeTopic(ctx: RouteContext): Promise<Response> {
  const info = await ctx.topics.describeTopic(ctx.params.topic);
  const partitions = Array.from({ length: info.partitions }, (_, p) => ({
    partition: p,
    leader: 1,
    replicas: [{ broker: 1, leader: true, in_sync: true }],
  }));
  return jsonResponse({ name: info.name, configs: {}, partitions }, KAFKA);
}

/** Throws 40402 when one of `wanted.partitions` is not a partition of `wanted.topic`. */
async function checkPartitions(
  topics: TopicLog,
  wanted: { topic: string; partitions: number[] },
): Promise<void> {
  const topic = wanted.topic;
  const { partitions } = await topics.describeTopic(topic);
  const bad = wanted.partitions.find((p) => p >= partitions);
  if (bad !== undefined) {
    throw new GatewayError(
      `Partition ${bad} not found in topic "${topic}" (it has ${partitions}); use 0 to ${
        partitions - 1
      } or omit "partition".`,
      {
        status: 404,
        errorCode: 40402,
        context: { topic, partition: bad, partitions },
      },
    );
  }
}

async function produce(ctx: RouteContext): Promise<Response> {
  checkContentType(ctx.req, TOPIC_CONTENT_TYPES);
  const bytes = await readBodyBytes(ctx.req, ctx.maxBodyBytes);
  // The common shape straight from the bytes; anything else parsed in full.
  const records = scanTopicRecords(bytes) ??
    parseTopicRecords(parseJsonBytes(bytes));
  const topic = ctx.params.topic;
  const explicit = records.flatMap((r) =>
    r.partition === undefined ? [] : [r.partition]
  );
  if (explicit.length > 0) {
    await checkPartitions(ctx.topics, { topic, partitions: explicit });
  }
  const results = await ctx.topics.append(topic, records);
  ctx.metrics.addRecords({ kind: "topic", name: topic }, results.length);
  const answer: ProduceResponse = {
    offsets: results.map((r) => ({
      partition: r.partition,
      offset: r.offset,
      error_code: null,
      error: null,
    })),
    key_schema_id: null,
    value_schema_id: null,
  };
  return jsonResponse(answer, KAFKA);
}

/**
 * The topic routes, to register with the gateway's router.
 *
 * @example
 * ```ts
 * import { topicRoutes } from "./topics_routes.ts";
 * console.log(topicRoutes().map((r) => r.template)); // ["/topics", "/topics/{topic}"]
 * ```
 */
export function topicRoutes(): Route[] {
  return [
    defineRoute("/topics", { GET: listTopics }, KAFKA),
    defineRoute(
      "/topics/{topic}",
      { GET: describeTopic, POST: produce },
      KAFKA,
    ),
  ];
}
