/**
 * Opens the Kafka tier's `TopicLog`: connects an admin client first, so a missing broker
 * fails here with a `BackendError` that says how to start one.
 *
 * @module
 */
import type { KafkaClientOptions } from "./kafkajs.ts";
import { createKafkaClient } from "./kafkajs.ts";
import { mapKafkaErrors } from "./errors.ts";
import { KafkaTopicLog, type KafkaTopicLogOptions } from "./topic_log.ts";

/** Options of {@linkcode openKafkaLog}: where the brokers are, and tuning. */
export interface KafkaLogOptions
  extends KafkaClientOptions, KafkaTopicLogOptions {}

/**
 * Connects to the brokers and returns a `TopicLog` on them.
 *
 * @example
 * ```ts
 * import { openKafkaLog } from "./open.ts";
 * const log = await openKafkaLog({ brokers: (Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092").split(",") });
 * console.log(await log.listTopics());
 * await log.close();
 * ```
 */
export async function openKafkaLog(
  options: KafkaLogOptions,
): Promise<KafkaTopicLog> {
  const kafka = createKafkaClient(options);
  const admin = kafka.admin();
  await mapKafkaErrors(
    { op: "connect", brokers: options.brokers },
    () => admin.connect(),
  );
  return new KafkaTopicLog(kafka, admin, options.brokers, options);
}

/**
 * Splits a `KAFKA_BROKERS` value (`host:port,host:port`) into a broker list.
 *
 * @example
 * ```ts
 * import { parseBrokers } from "./open.ts";
 * console.log(parseBrokers(" 127.0.0.1:9092, 127.0.0.1:9094 ")); // ["127.0.0.1:9092", "127.0.0.1:9094"]
 * ```
 */
export function parseBrokers(value: string): string[] {
  return value.split(",").map((b) => b.trim()).filter((b) => b.length > 0);
}
