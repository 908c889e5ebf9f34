/**
 * Joins a consumer group with kafkajs and wires its push-style `eachBatch` into a
 * {@linkcode KafkaTopicConsumer}. Resolves only after the first join completed, so a
 * `seek()` right after `consumer()` applies to assigned partitions.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import { sleep } from "../../sleep.ts";
import type { TopicRecord } from "../../log/types.ts";
import { KafkaTopicConsumer } from "./consumer.ts";
import { mapKafkaErrors } from "./errors.ts";
import { type Admin, type Kafka, PartitionAssigners } from "./kafkajs.ts";
import { subscriptionRoundRobin } from "./assigner.ts";

/**
 * Consumer-group tuning shared by every consumer of a log.
 *
 * @example
 * ```ts
 * import type { KafkaGroupOptions } from "./group.ts";
 * const tuning: KafkaGroupOptions = { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3000 };
 * console.log(tuning.sessionTimeoutMs); // 30000
 * ```
 */
export interface KafkaGroupOptions {
  /**
   * Group session timeout, ms (default 10000; brokers accept 6000 to 300000 by default);
   * also the longest a consumer's `close()` waits for the broker.
   */
  sessionTimeoutMs?: number;
  /** Heartbeat interval, ms (default 1000). */
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data, ms (default 250). */
  maxWaitMs?: number;
  /** Records buffered before partitions are paused (default 10000). */
  maxQueuedRecords?: number;
  /** Bytes buffered (values plus keys' characters) before partitions are paused (default 64 MiB). */
  maxQueuedBytes?: number;
  /** How long to wait for the first group join, ms (default 60000). */
  joinTimeoutMs?: number;
  /**
   * Longest the clients keep the topics' metadata, ms (default 300000, the Java client's
   * `metadata.max.age.ms`): partitions added to a topic are taken within it (appends'
   * keys, and the group's assignment).
   */
  metadataMaxAgeMs?: number;
}

const decoder = new TextDecoder();

/**
 * Options of {@linkcode joinGroup}: the clients, the topics and the group's tuning.
 *
 * @example
 * ```ts
 * import { createKafkaClient } from "./kafkajs.ts";
 * import type { JoinGroupOptions } from "./group.ts";
 * const kafka = createKafkaClient({ brokers: ["127.0.0.1:9092"] });
 * const options: JoinGroupOptions = {
 *   kafka,
 *   admin: kafka.admin(),
 *   partitions: new Map([["demo.pin", 1]]),
 *   brokers: ["127.0.0.1:9092"],
 *   maxQueuedRecords: 5000,
 * };
 * // const consumer = await joinGroup("demo-sink", options);
 * ```
 */
export interface JoinGroupOptions extends KafkaGroupOptions {
  /** The kafkajs client the consumer is made from. */
  kafka: Kafka;
  /** Its admin client, connected. */
  admin: Admin;
  /** The topics to read, with their partition counts. */
  partitions: Map<string, number>;
  /** Bootstrap brokers, for error messages. */
  brokers: string[];
}

/**
 * Starts a kafkajs consumer in `group` on the topics of `options.partitions` (name ->
 * partition count), from the committed offsets or else the earliest, with auto-commit off.
 *
 * @example
 * ```ts
 * import { createKafkaClient } from "./kafkajs.ts";
 * import { joinGroup } from "./group.ts";
 * const kafka = createKafkaClient({ brokers: ["127.0.0.1:9092"] });
 * const admin = kafka.admin();
 * await admin.connect();
 * const c = await joinGroup("demo", {
 *   kafka,
 *   admin,
 *   partitions: new Map([["demo.pin", 1]]),
 *   brokers: ["127.0.0.1:9092"],
 * });
 * await c.close();
 * await admin.disconnect(); // else its connection keeps the program running
 * ```
 */
export async function joinGroup(
  group: string,
  options: JoinGroupOptions,
): Promise<KafkaTopicConsumer> {
  const { kafka, admin, partitions } = options;
  const ctx = { op: "join group", brokers: options.brokers, group };
  const raw = kafka.consumer({
    groupId: group,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 1000,
    maxWaitTimeInMs: options.maxWaitMs ?? 250,
    metadataMaxAge: options.metadataMaxAgeMs ?? 300_000,
    allowAutoTopicCreation: false,
    // Members reading different topics (two prefixes' sinks in one group) each get theirs;
    // kafkajs' round robin stays listed for members of older versions.
    partitionAssigners: [
      subscriptionRoundRobin(admin),
      PartitionAssigners.roundRobin,
    ],
  });
  const consumer = new KafkaTopicConsumer(raw, {
    admin,
    group,
    partitions,
    brokers: options.brokers,
    closeTimeoutMs: options.sessionTimeoutMs,
    maxQueuedRecords: options.maxQueuedRecords,
    maxQueuedBytes: options.maxQueuedBytes,
  });
  let joined: () => void = () => {};
  const firstJoin = new Promise<void>((resolve) => (joined = resolve));
  raw.on(raw.events.REBALANCING, () => consumer.rebalanceStarted());
  raw.on(raw.events.GROUP_JOIN, (e) => {
    consumer.assigned(e.payload.memberAssignment);
    joined();
  });
  raw.on(raw.events.CRASH, (e) => {
    if (!e.payload.restart) consumer.fail(e.payload.error);
  });
  await mapKafkaErrors(ctx, async () => {
    await raw.connect();
    await raw.subscribe({
      topics: [...partitions.keys()],
      fromBeginning: true,
    });
    await raw.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 1,
      eachBatch: ({ batch, isStale }) => {
        const records: TopicRecord[] = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: Number(m.offset),
          key: m.key ? decoder.decode(m.key) : null,
          value: m.value ? new Uint8Array(m.value) : new Uint8Array(0),
          timestamp: Number(m.timestamp),
        }));
        consumer.push(records, isStale());
        return Promise.resolve();
      },
    });
  });
  const timeoutMs = options.joinTimeoutMs ?? 60_000;
  const stop = new AbortController();
  const late = await Promise.race([
    firstJoin.then(() => false),
    sleep(timeoutMs, stop.signal), // true once timeoutMs passed
  ]);
  stop.abort();
  if (late) {
    await raw.disconnect().catch(() => {});
    throw new BackendError(
      "kafka",
      `consumer group "${group}" did not finish joining within ${timeoutMs} ms at ${
        options.brokers.join(",")
      }; check the broker log, or raise joinTimeoutMs`,
      { context: { group, topics: [...partitions.keys()] } },
    );
  }
  return consumer;
}
