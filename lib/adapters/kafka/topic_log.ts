/**
 * `TopicLog` on a real Kafka cluster through kafkajs: topic admin, an idempotent producer
 * with `acks: -1` (an append resolves once every in-sync replica has it), and consumer
 * groups with manual commits. Topics are never auto-created: an unknown topic is a
 * `TopicNotFoundError`, as on the embedded log.
 *
 * @module
 */
import {
  AlreadyExistsError,
  BackendError,
  TopicNotFoundError,
} from "../../errors.ts";
import { InvalidArgumentError } from "../../log/errors.ts";
import { partitionForKey } from "../../log/partitioner.ts";
import type {
  AppendResult,
  CreateTopicOptions,
  TopicConsumer,
  TopicInfo,
  TopicLog,
  TopicRecordInput,
} from "../../log/types.ts";
import {
  type KafkaErrorContext,
  kafkaErrorTypes,
  KafkaLogClosedError,
  mapKafkaErrors,
} from "./errors.ts";
import type { Admin, Kafka, KafkaClientOptions } from "./kafkajs.ts";
import { createKafkaClient, Partitioners } from "./kafkajs.ts";
import { joinGroup, type KafkaGroupOptions } from "./group.ts";
import { GroupProducer } from "./producer.ts";
import { checkTopicRecords } from "../../log/record_checks.ts";
import { partitionsOf, placeRecords } from "./topics.ts";
import { waitForTopicLeaders } from "./topic_leaders.ts";
import { kafkaSecurityContext } from "./security_errors.ts";

/**
 * Kafka's own topics, left out of `listTopics` (as its admin tools leave them out). Only
 * these: a topic of the user's may start with `__` too, and was created yet not found.
 */
const INTERNAL_TOPICS = new Set(["__consumer_offsets", "__transaction_state"]);

/**
 * Tuning of {@linkcode KafkaTopicLog}.
 *
 * @example
 * ```ts
 * import { openKafkaLog, type KafkaTopicLogOptions } from "./topic_log.ts";
 * // Produce requests of at most 500 kB, appends failing after 20 s, a longer session for slow sinks.
 * const tuning: KafkaTopicLogOptions = { maxRequestBytes: 500_000, appendTimeoutMs: 20_000, sessionTimeoutMs: 30_000 };
 * const log = await openKafkaLog({ brokers: ["127.0.0.1:9092"], ...tuning });
 * await log.createTopic("demo.geo");
 * const value = new Uint8Array(200_000);
 * // Two requests: two records fit in 500 kB, the third goes in the next.
 * const at = await log.append("demo.geo", [{ value }, { value }, { value }]);
 * console.log(at.map((a) => a.offset)); // [ 0, 1, 2 ]
 * await log.close();
 * ```
 */
export interface KafkaTopicLogOptions extends KafkaGroupOptions {
  /** Most record bytes in one produce request (default 900000). */
  maxRequestBytes?: number;
  /**
   * Longest an append waits for the broker's acknowledgement, retries included, ms
   * (default 30000); then it fails with `BackendError` (the records may have been written).
   */
  appendTimeoutMs?: number;
}

/**
 * A `TopicLog` over an admin client, a lazily connected idempotent producer and one
 * kafkajs consumer per `consumer()` call. Made by `openKafkaLog`.
 *
 * @example
 * ```ts
 * import { openKafkaLog } from "./mod.ts";
 * const log = await openKafkaLog({ brokers: ["127.0.0.1:9092"] });
 * await log.createTopic("demo.pin", { partitions: 3, replicationFactor: 1 });
 * const [at] = await log.append("demo.pin", [{ key: "k", value: new TextEncoder().encode("{}") }]);
 * console.log(at.partition, at.offset);
 * await log.close();
 * ```
 */
export class KafkaTopicLog implements TopicLog {
  #kafka: Kafka;
  #admin: Admin;
  #brokers: string[];
  #options: KafkaTopicLogOptions;
  #producer: GroupProducer | null = null;
  #known = new Map<string, number>();
  /** When `#known` was last read from the broker (`Date.now()`). */
  #knownAt = 0;
  /** The listing under way that refreshes `#known`, shared by the appends waiting for it. */
  #refreshing: Promise<unknown> | null = null;
  #rr = new Map<string, number>();
  #consumers = new Set<TopicConsumer>();
  #closed = false;
  /** The appends under way (settled, never failing): close() waits for them. */
  #appending = new Set<Promise<void>>();

  /** The log over `clients` (the admin connected); `options.brokers` are for messages. */
  constructor(
    clients: { kafka: Kafka; admin: Admin },
    options: KafkaTopicLogOptions & { brokers: string[] },
  ) {
    this.#kafka = clients.kafka;
    this.#admin = clients.admin;
    this.#brokers = options.brokers;
    this.#options = options;
  }

  async listTopics(): Promise<TopicInfo[]> {
    this.#assertOpen();
    return await this.#list();
  }

  /** {@linkcode listTopics}, also for the appends that close() waits for. */
  async #list(): Promise<TopicInfo[]> {
    const meta = await mapKafkaErrors(
      this.#ctx("listTopics"),
      () => this.#admin.fetchTopicMetadata(),
    );
    const topics = meta.topics
      .filter((t) => !INTERNAL_TOPICS.has(t.name))
      .map((t) => ({ name: t.name, partitions: t.partitions.length }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const known = this.#known;
    this.#known = new Map(topics.map((t) => [t.name, t.partitions]));
    this.#knownAt = Date.now();
    // A topic given partitions since: the producer's metadata does not have them yet.
    if (
      topics.some((t) => (known.get(t.name) ?? t.partitions) < t.partitions)
    ) {
      this.#producer?.renew();
    }
    return topics;
  }

  async describeTopic(name: string): Promise<TopicInfo> {
    return { name, partitions: await this.#partitions(name, true) };
  }

  async createTopic(
    name: string,
    options: CreateTopicOptions = {},
  ): Promise<void> {
    this.#assertOpen();
    const partitions = options.partitions ?? 1;
    // Unset: the cluster's default.replication.factor (3 on a three-AZ MSK cluster, whose
    // min.insync.replicas of 2 refuses every `acks: -1` append to a topic of one replica).
    const replicationFactor = options.replicationFactor;
    for (
      const [what, n] of [["partitions", partitions], [
        "replicationFactor",
        replicationFactor,
      ]] as const
    ) {
      if (n === undefined) continue;
      if (!Number.isInteger(n) || n < 1 || n > 10_000) {
        throw new InvalidArgumentError(
          what,
          "must be an integer from 1 to 10000",
          { value: n },
        );
      }
    }
    const created = await mapKafkaErrors(
      this.#ctx("createTopic", name),
      () =>
        this.#admin.createTopics({
          topics: [{
            topic: name,
            numPartitions: partitions,
            replicationFactor,
          }],
          // kafkajs' wait fails when the broker has not applied the new topic yet.
          waitForLeaders: false,
        }).catch((e) => {
          if (!kafkaErrorTypes(e).includes("INVALID_REPLICATION_FACTOR")) {
            throw e;
          }
          throw new InvalidArgumentError(
            "replicationFactor",
            `the cluster at ${this.#brokers.join(",")} has fewer brokers than ${
              replicationFactor === undefined
                ? "its default.replication.factor"
                : "that"
            } (each replica of a partition needs a broker of its own); give at ` +
              "most the number of brokers",
            { cause: e, value: replicationFactor ?? "default" },
          );
        }),
    );
    if (!created) throw new AlreadyExistsError("topic", name);
    await waitForTopicLeaders(this.#admin, name, {
      brokers: this.#brokers,
      partitions,
    });
    this.#known.set(name, partitions);
  }

  append(
    topic: string,
    records: TopicRecordInput[],
  ): Promise<AppendResult[]> {
    if (this.#closed) {
      return Promise.reject(new KafkaLogClosedError(this.#brokers));
    }
    const appended = this.#append(topic, records);
    const settled = appended.then(() => {}, () => {});
    this.#appending.add(settled);
    settled.then(() => this.#appending.delete(settled));
    return appended;
  }

  async #append(
    topic: string,
    records: TopicRecordInput[],
  ): Promise<AppendResult[]> {
    checkTopicRecords(records);
    let partitions = await this.#partitions(topic, false);
    if (
      records.some((r) =>
        Number.isInteger(r.partition) && r.partition! >= partitions
      )
    ) {
      partitions = await this.#partitions(topic, true); // added since it was cached?
    }
    const placed = placeRecords(topic, records, {
      partitions,
      roundRobin: this.#rr,
      hash: partitionForKey,
    });
    try {
      return await this.#groupProducer().send(topic, placed);
    } catch (e) {
      if (!(e instanceof TopicNotFoundError)) throw e;
      // kafkajs asks about every topic the producer wrote to at once, and fails a request
      // when any of them is gone: fresh metadata tells whether this one is (and drops a
      // deleted topic from the cache, so the next append to it fails at once).
      await this.#list();
      if (!this.#known.has(topic)) throw e;
      throw new BackendError(
        "kafka",
        `append failed: the broker at ${
          this.#brokers.join(",")
        } answered that a topic of the produce request does not exist, but "${topic}" does ` +
          "(another topic this producer wrote to was deleted); retry the append",
        { cause: e, context: { ...this.#ctx("append", topic) } },
      );
    }
  }

  async consumer(group: string, topics: string[]): Promise<TopicConsumer> {
    this.#assertOpen();
    if (typeof group !== "string" || group.length === 0) {
      throw new InvalidArgumentError("group", "must be a non-empty string", {
        value: group,
      });
    }
    const partitions = new Map<string, number>();
    for (const t of topics) partitions.set(t, await this.#partitions(t, true));
    const consumer = await joinGroup(group, {
      ...this.#options,
      kafka: this.#kafka,
      admin: this.#admin,
      partitions,
      brokers: this.#brokers,
    });
    if (this.#closed) {
      // close() ran while it joined.
      await consumer.close().catch(() => {});
      throw new KafkaLogClosedError(this.#brokers);
    }
    this.#consumers.add(consumer);
    const close = consumer.close.bind(consumer);
    consumer.close = async () => {
      this.#consumers.delete(consumer);
      await close();
    };
    return consumer;
  }

  /**
   * Closes the consumers it made, answers the appends under way, then disconnects; every
   * later call fails with `KafkaLogClosedError` (it would connect clients nothing closes).
   */
  async close(): Promise<void> {
    this.#closed = true;
    for (const c of [...this.#consumers]) await c.close().catch(() => {});
    await Promise.all(this.#appending);
    await this.#producer?.close();
    await this.#admin.disconnect().catch(() => {});
  }

  #assertOpen(): void {
    if (this.#closed) throw new KafkaLogClosedError(this.#brokers);
  }

  /**
   * Partition count of `topic`: from the cache unless `fresh` or the cache is older than
   * `metadataMaxAgeMs` (partitions added to a topic then get keys as Kafka's clients give
   * them), refreshed on a miss.
   */
  async #partitions(topic: string, fresh: boolean): Promise<number> {
    const maxAgeMs = this.#options.metadataMaxAgeMs ?? 300_000;
    const young = Date.now() - this.#knownAt < maxAgeMs;
    const cached = fresh || !young ? undefined : this.#known.get(topic);
    if (cached !== undefined) return cached;
    if (fresh) {
      await this.#list();
    } else {
      this.#refreshing ??= this.#list().finally(() => {
        this.#refreshing = null;
      });
      await this.#refreshing;
    }
    return partitionsOf(this.#known, topic);
  }

  #groupProducer(): GroupProducer {
    this.#producer ??= new GroupProducer(
      () =>
        this.#kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          allowAutoTopicCreation: false,
          createPartitioner: Partitioners.DefaultPartitioner,
          retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 3000 },
        }),
      {
        brokers: this.#brokers,
        maxRequestBytes: this.#options.maxRequestBytes,
        sendTimeoutMs: this.#options.appendTimeoutMs,
      },
    );
    return this.#producer;
  }

  #ctx(op: string, topic?: string): KafkaErrorContext {
    return { op, brokers: this.#brokers, topic };
  }
}

/**
 * Options of {@linkcode openKafkaLog}: where the brokers are, and tuning.
 *
 * @example
 * ```ts
 * import { openKafkaLog, type KafkaLogOptions } from "./topic_log.ts";
 * import { parseBrokers } from "./kafkajs.ts";
 * const options: KafkaLogOptions = {
 *   brokers: parseBrokers(Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092"),
 *   clientId: "s3-sink", // the client's part: see KafkaClientOptions
 *   requestTimeoutMs: 10_000,
 *   maxQueuedRecords: 5000, // the log's part: see KafkaTopicLogOptions
 * };
 * const log = await openKafkaLog(options);
 * await log.createTopic("demo.user", { partitions: 2 });
 * console.log(await log.describeTopic("demo.user")); // { name: "demo.user", partitions: 2 }
 * await log.close();
 * ```
 */
export interface KafkaLogOptions
  extends KafkaClientOptions, KafkaTopicLogOptions {}

/**
 * Connects an admin client to the brokers (so a missing broker fails here, with a
 * `BackendError` saying how to start one) and returns a `TopicLog` on them.
 *
 * @example
 * ```ts
 * import { openKafkaLog } from "./topic_log.ts";
 * const log = await openKafkaLog({ brokers: ["127.0.0.1:9092"] });
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
    {
      op: "connect",
      brokers: options.brokers,
      security: kafkaSecurityContext(options),
    },
    () => admin.connect(),
  );
  return new KafkaTopicLog({ kafka, admin }, options);
}
