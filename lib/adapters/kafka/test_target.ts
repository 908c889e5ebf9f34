/**
 * Where Kafka integration tests find their broker: `KAFKA_BROKERS` (default
 * `127.0.0.1:9092`, the stack of `deno task services up`). When nothing answers there,
 * tests are ignored outside CI with a message naming the command that starts the broker;
 * under `CI=true` they run and fail, as the developers' guide requires.
 *
 * @module
 */
import type { TopicConsumer, TopicRecord } from "../../log/types.ts";
import { type Admin, createKafkaClient, parseBrokers } from "./kafkajs.ts";
import { type KafkaTopicLog, openKafkaLog } from "./topic_log.ts";

/**
 * What {@linkcode kafkaTestTarget} found.
 *
 * @example
 * ```ts
 * import { kafkaTestTarget, type KafkaTestTarget } from "./test_target.ts";
 * const target: KafkaTestTarget = await kafkaTestTarget();
 * console.log(target.brokers); // ["127.0.0.1:9092"] unless KAFKA_BROKERS says otherwise
 * ```
 */
export interface KafkaTestTarget {
  /** Brokers to connect to. */
  brokers: string[];
  /** True when the tests should be ignored (no broker, not in CI). */
  ignore: boolean;
  /**
   * What every Kafka test spreads into `Deno.test`: `ignore`, and the op and resource
   * sanitizers off, since kafkajs keeps timers and sockets past a test's end.
   */
  testOptions: {
    ignore: boolean;
    sanitizeOps: false;
    sanitizeResources: false;
  };
}

/**
 * Probes `KAFKA_BROKERS` once; prints why tests are skipped when they are.
 *
 * @example
 * ```ts
 * import { kafkaTestTarget } from "./test_target.ts";
 * const target = await kafkaTestTarget();
 * Deno.test({ name: "kafka round trip", ignore: target.ignore, fn: () => {} });
 * ```
 */
export async function kafkaTestTarget(): Promise<KafkaTestTarget> {
  const brokers = parseBrokers(
    Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092",
  );
  const [host, port] = brokers[0].split(":");
  let up = false;
  try {
    const conn = await Deno.connect({ hostname: host, port: Number(port) });
    conn.close();
    up = true;
  } catch {
    up = false;
  }
  const ci = Deno.env.get("CI") === "true";
  if (!up && !ci) {
    console.warn(
      `Kafka tests skipped: no broker at ${brokers.join(",")}. ` +
        "Start one with `deno task services up` (or set KAFKA_BROKERS).",
    );
  }
  const ignore = !up && !ci;
  return {
    brokers,
    ignore,
    testOptions: { ignore, sanitizeOps: false, sanitizeResources: false },
  };
}

/**
 * A topic name no other test run uses.
 *
 * @example
 * ```ts
 * import { uniqueTopic } from "./test_target.ts";
 * console.log(uniqueTopic("demo").startsWith("test.demo.")); // true
 * ```
 */
export function uniqueTopic(label: string): string {
  return `test.${label}.${crypto.randomUUID().slice(0, 8)}`;
}

/**
 * Polls until `count` records arrived or `timeoutMs` passed; returns what arrived.
 *
 * @example
 * ```ts
 * import { pollUntil } from "./test_target.ts";
 * import type { TopicConsumer } from "../../log/types.ts";
 * async function firstTen(consumer: TopicConsumer) {
 *   return await pollUntil(consumer, 10, { timeoutMs: 10_000 });
 * }
 * ```
 */
export async function pollUntil(
  consumer: TopicConsumer,
  count: number,
  options: { timeoutMs?: number; maxRecords?: number } = {},
): Promise<TopicRecord[]> {
  const out: TopicRecord[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (out.length < count && Date.now() < deadline) {
    const batch = await consumer.poll({
      maxRecords: Math.min(options.maxRecords ?? 500, count - out.length),
      timeoutMs: 200,
    });
    out.push(...batch);
  }
  return out;
}

/**
 * Options of {@linkcode withKafkaLog}.
 *
 * @example
 * ```ts
 * import type { WithKafkaLogOptions } from "./test_target.ts";
 * const options: WithKafkaLogOptions = { metadataMaxAgeMs: 500 };
 * console.log(options.metadataMaxAgeMs); // 500
 * ```
 */
export interface WithKafkaLogOptions {
  /** The log's topic metadata age (default the log's own). */
  metadataMaxAgeMs?: number;
}

/**
 * Runs `body` with a Kafka log and a connected admin client of `target`'s brokers; both are
 * closed afterwards, whatever `body` did.
 *
 * @example
 * ```ts
 * import { kafkaTestTarget, uniqueTopic, withKafkaLog } from "./test_target.ts";
 * const target = await kafkaTestTarget();
 * Deno.test({ name: "kafka: a topic is listed", ...target.testOptions, fn: () =>
 *   withKafkaLog(target, async (log, admin) => {
 *     const topic = uniqueTopic("listed");
 *     await log.createTopic(topic);
 *     console.log((await admin.listTopics()).includes(topic)); // true
 *   }) });
 * ```
 */
export async function withKafkaLog(
  target: KafkaTestTarget,
  body: (log: KafkaTopicLog, admin: Admin) => Promise<void>,
  options: WithKafkaLogOptions = {},
): Promise<void> {
  const log = await openKafkaLog({ brokers: target.brokers, ...options });
  const admin = createKafkaClient({ brokers: target.brokers }).admin();
  try {
    await admin.connect();
    await body(log, admin);
  } finally {
    await admin.disconnect();
    await log.close();
  }
}
