/**
 * The servers the Kafka integration tests run on: the shared local stack of
 * `deno task services up` — Kafka at `KAFKA_BROKERS` (default 127.0.0.1:9092) and s3rver
 * at `S3_ENDPOINT` (default http://127.0.0.1:4569, bucket `S3_BUCKET`, default
 * `pinterest-lake`). Outside CI, a missing server skips the tests with a message naming
 * `deno task services up`; under `CI=true` the tests run and fail.
 *
 * Each test writes under its own key prefix of the bucket and its own topics, so tests
 * (and repeated runs) never see each other's data.
 *
 * @module
 */
import { parseBrokers } from "../../lib/adapters/kafka/mod.ts";
import { openS3Store } from "../../lib/adapters/s3/mod.ts";
import type { ObjectStore } from "../../lib/lake/types.ts";

/** Where the stack is and whether to skip. */
export interface KafkaStack {
  brokers: string[];
  s3Endpoint: string;
  s3Bucket: string;
  /** True when a server is missing and not under CI. */
  ignore: boolean;
}

async function reachable(host: string, port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: host, port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Probes the Kafka broker and the S3 server once.
 *
 * @example
 * ```ts
 * import { kafkaStack } from "./kafka_stack.ts";
 * const stack = await kafkaStack();
 * Deno.test({ name: "uses the stack", ignore: stack.ignore, fn: () => {} });
 * ```
 */
export async function kafkaStack(): Promise<KafkaStack> {
  const brokers = parseBrokers(
    Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092",
  );
  const s3Endpoint = Deno.env.get("S3_ENDPOINT") ?? "http://127.0.0.1:4569";
  const s3Bucket = Deno.env.get("S3_BUCKET") ?? "pinterest-lake";
  const [host, port] = brokers[0].split(":");
  const s3 = new URL(s3Endpoint);
  const missing: string[] = [];
  if (!(await reachable(host, Number(port)))) {
    missing.push(`Kafka at ${brokers[0]}`);
  }
  if (!(await reachable(s3.hostname, Number(s3.port || 80)))) {
    missing.push(`S3 at ${s3Endpoint}`);
  }
  const ci = Deno.env.get("CI") === "true";
  if (missing.length > 0 && !ci) {
    console.warn(
      `Kafka + S3 integration tests skipped: no ${missing.join(", no ")}. ` +
        "Start the local stack with `deno task services up`.",
    );
  }
  return { brokers, s3Endpoint, s3Bucket, ignore: missing.length > 0 && !ci };
}

/**
 * The lake of one test: the stack's bucket under a fresh key prefix.
 *
 * @example
 * ```ts
 * import { kafkaStack, openTestLake } from "./kafka_stack.ts";
 * const lake = await openTestLake(await kafkaStack(), "demo");
 * console.log(lake.location); // s3://pinterest-lake/itest-demo-xxxxxxxx/
 * ```
 */
export async function openTestLake(
  stack: KafkaStack,
  label: string,
): Promise<ObjectStore> {
  return await openS3Store({
    endpoint: stack.s3Endpoint,
    bucket: stack.s3Bucket,
    prefix: `itest-${label}-${crypto.randomUUID().slice(0, 8)}/`,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    createBucket: true,
  });
}

/** One stored object: its key's parts and its NDJSON lines parsed. */
export interface LakeObject {
  key: string;
  topic: string;
  partition: number;
  startOffset: number;
  lines: unknown[];
}

const KEY = /^topics\/([^/]+)\/partition=(\d+)\/\1\+\2\+(\d{10})\.json$/;

/**
 * Every object of the lake, checked against the Confluent S3 sink layout
 * (`topics/{topic}/partition={p}/{topic}+{p}+{offset:10}.json`); throws on a key that
 * does not follow it.
 *
 * @example
 * ```ts
 * import { kafkaStack, openTestLake, readLake } from "./kafka_stack.ts";
 * const objects = await readLake(await openTestLake(await kafkaStack(), "demo"));
 * console.log(objects.length); // 0
 * ```
 */
export async function readLake(lake: ObjectStore): Promise<LakeObject[]> {
  const out: LakeObject[] = [];
  for (const { key } of await lake.list("")) {
    const m = key.match(KEY);
    if (!m) throw new Error(`object key outside the sink layout: ${key}`);
    const text = new TextDecoder().decode(await lake.get(key));
    if (!text.endsWith("\n")) {
      throw new Error(`object ${key} does not end with a newline`);
    }
    const lines = text.slice(0, -1).split("\n").map((l) => JSON.parse(l));
    out.push({
      key,
      topic: m[1],
      partition: Number(m[2]),
      startOffset: Number(m[3]),
      lines,
    });
  }
  return out;
}

/**
 * The lake as `topic/partition/offset -> value`, failing on an offset stored twice.
 *
 * @example
 * ```ts
 * import { byOffset } from "./kafka_stack.ts";
 * const map = byOffset([{ key: "k", topic: "t", partition: 0, startOffset: 5, lines: [{ a: 1 }] }]);
 * console.log(map.get("t/0/5")); // { a: 1 }
 * ```
 */
export function byOffset(objects: LakeObject[]): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const o of objects) {
    o.lines.forEach((line, i) => {
      const id = `${o.topic}/${o.partition}/${o.startOffset + i}`;
      if (map.has(id)) {
        throw new Error(`offset ${id} stored twice (in ${o.key})`);
      }
      map.set(id, line);
    });
  }
  return map;
}
