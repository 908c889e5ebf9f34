/**
 * The topic interfaces (Kafka-shaped): a log of topics with partitions and offsets, and its
 * consumer groups. The embedded SQLite log and the Kafka adapter implement them.
 *
 * @module
 */

/**
 * A record handed to {@linkcode TopicLog.append}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { TopicRecordInput } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("demo.pin", { partitions: 2 });
 * const record: TopicRecordInput = { key: "pin-1", value: new TextEncoder().encode("{}"), partition: 1 };
 * console.log(await log.topics.append("demo.pin", [record])); // [ { partition: 1, offset: 0 } ]
 * await log.close();
 * ```
 */
export interface TopicRecordInput {
  /** Optional key; records with the same key go to the same partition. */
  key?: string | null;
  /** The value bytes (the gateway stores the JSON text of the REST Proxy `value`). */
  value: Uint8Array;
  /** Explicit partition; when absent the key's hash (or round robin) picks one. */
  partition?: number;
}

/**
 * Where an appended record landed.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { AppendResult } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * const value = new Uint8Array([1]);
 * const [a, b]: AppendResult[] = await log.topics.append("t", [{ value }, { value }]);
 * console.log(a.offset, b.offset); // 0 1
 * await log.close();
 * ```
 */
export interface AppendResult {
  partition: number;
  offset: number;
}

/**
 * A record read back from a topic.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { TopicRecord } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * await log.topics.append("t", [{ key: "k", value: new TextEncoder().encode("hi") }]);
 * const consumer = await log.topics.consumer("g", ["t"]);
 * const [r]: TopicRecord[] = await consumer.poll({ timeoutMs: 100 });
 * console.log(r.topic, r.partition, r.offset, r.key, new TextDecoder().decode(r.value)); // t 0 0 k hi
 * await log.close();
 * ```
 */
export interface TopicRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: Uint8Array;
  /** Append time, epoch milliseconds. */
  timestamp: number;
}

/**
 * A topic and its partition count.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { TopicInfo } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("demo.pin", { partitions: 3 });
 * const info: TopicInfo = await log.topics.describeTopic("demo.pin");
 * console.log(info); // { name: "demo.pin", partitions: 3 }
 * await log.close();
 * ```
 */
export interface TopicInfo {
  name: string;
  partitions: number;
}

/**
 * Options of {@linkcode TopicLog.createTopic}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { CreateTopicOptions } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const options: CreateTopicOptions = { partitions: 3, replicationFactor: 1 };
 * await log.topics.createTopic("demo.pin", options);
 * console.log(await log.topics.listTopics()); // [ { name: "demo.pin", partitions: 3 } ]
 * await log.close();
 * ```
 */
export interface CreateTopicOptions {
  /** Number of partitions (default 1). */
  partitions?: number;
  /**
   * Replication factor; ignored by the embedded log (default: on Kafka, the cluster's
   * `default.replication.factor`).
   */
  replicationFactor?: number;
}

/**
 * A committed or sought position: the next offset to read in one partition.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { TopicPosition } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * await log.topics.append("t", [1, 2, 3].map((n) => ({ value: new Uint8Array([n]) })));
 * const consumer = await log.topics.consumer("g", ["t"]);
 * const from: TopicPosition = { topic: "t", partition: 0, offset: 2 };
 * await consumer.seek(from);
 * console.log((await consumer.poll({ timeoutMs: 100 })).map((r) => r.offset)); // [ 2 ]
 * await log.close();
 * ```
 */
export interface TopicPosition {
  topic: string;
  partition: number;
  offset: number;
}

/**
 * Options of {@linkcode TopicConsumer.poll}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { PollOptions } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * await log.topics.append("t", [1, 2, 3].map((n) => ({ value: new Uint8Array([n]) })));
 * const consumer = await log.topics.consumer("g", ["t"]);
 * const options: PollOptions = { maxRecords: 2, timeoutMs: 100 };
 * console.log((await consumer.poll(options)).length); // 2
 * await log.close();
 * ```
 */
export interface PollOptions {
  /** Most records returned by one poll (default 500). */
  maxRecords?: number;
  /**
   * Most bytes returned by one poll (default 16 MiB), counting each record's value bytes
   * plus its key's characters: a poll stops before the record that would pass it, but
   * returns one record at least, however large.
   */
  maxBytes?: number;
  /** How long to wait when nothing is available, in ms (default 1000). */
  timeoutMs?: number;
}

/**
 * The offsets a partition holds: records `start` to `end - 1`. Both are equal when it
 * holds none.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { PartitionOffsets } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * await log.topics.append("t", [{ value: new Uint8Array([1]) }, { value: new Uint8Array([2]) }]);
 * const consumer = await log.topics.consumer("g", ["t"]);
 * const { start, end }: PartitionOffsets = await consumer.offsets("t", 0);
 * console.log(start, end); // 0 2
 * await log.close();
 * ```
 */
export interface PartitionOffsets {
  /** The first offset still held (records before it were deleted by retention). */
  start: number;
  /** The offset the next record appended will get. */
  end: number;
}

/**
 * A consumer-group member reading a set of topics.
 *
 * Records come in offset order per partition. Positions start at the group's committed
 * offsets (or the earliest offset when none) and advance as records are polled.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { TopicConsumer } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * await log.topics.append("t", [{ value: new Uint8Array([1]) }]);
 * const consumer: TopicConsumer = await log.topics.consumer("g", ["t"]);
 * const [r] = await consumer.poll({ timeoutMs: 100 });
 * await consumer.commit([{ topic: r.topic, partition: r.partition, offset: r.offset + 1 }]);
 * console.log(await consumer.committed("t", 0)); // 1
 * await consumer.close();
 * await log.close();
 * ```
 */
export interface TopicConsumer {
  /** Returns the next records; an empty array when none arrived within `timeoutMs`. */
  poll(options?: PollOptions): Promise<TopicRecord[]>;
  /** Moves the read position of one partition; the next poll starts there. */
  seek(position: TopicPosition): Promise<void>;
  /** Commits positions (next offset to read) for the group; durable when resolved. */
  commit(positions: TopicPosition[]): Promise<void>;
  /** The group's committed position of one partition, or `null` when none. */
  committed(topic: string, partition: number): Promise<number | null>;
  /** The offsets one partition holds now (the log's, not the group's). */
  offsets(topic: string, partition: number): Promise<PartitionOffsets>;
  /**
   * Which partitions this member reads now. A group of several members (Kafka) moves
   * partitions between them in rebalances: a writer that buffers records must not write
   * a partition while a rebalance is under way or after it moved away, and must read each
   * partition's state afresh after any change.
   */
  membership(): Membership;
  /** Leaves the group and frees resources. */
  close(): Promise<void>;
}

/**
 * What {@linkcode TopicConsumer.membership} tells.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { Membership } from "./topic_types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * const consumer = await log.topics.consumer("g", ["t"]);
 * const m: Membership = consumer.membership();
 * console.log(m.generation, m.rebalancing, m.owns("t", 0)); // 0 false true
 * await log.close();
 * ```
 */
export interface Membership {
  /**
   * Counts the assignments this member received; it changes with every rebalance (it
   * stays 0 where a group has one member at a time, as on the embedded log).
   */
  generation: number;
  /** True from the moment a rebalance began until this member has its new assignment. */
  rebalancing: boolean;
  /** Whether `partition` of `topic` is assigned to this member now. */
  owns(topic: string, partition: number): boolean;
}

/**
 * A Kafka-shaped log of topics with partitions, offsets and consumer groups.
 *
 * @example
 * ```ts
 * import type { TopicLog } from "./topic_types.ts";
 * async function postOne(log: TopicLog) {
 *   const [meta] = await log.append("demo.pin", [{ value: new TextEncoder().encode("{}") }]);
 *   console.log(meta.partition, meta.offset);
 * }
 * ```
 */
export interface TopicLog {
  /** All topics with their partition counts, sorted by name. */
  listTopics(): Promise<TopicInfo[]>;
  /** One topic; throws `TopicNotFoundError` when it does not exist. */
  describeTopic(name: string): Promise<TopicInfo>;
  /** Creates a topic; throws `AlreadyExistsError` when it exists. */
  createTopic(name: string, options?: CreateTopicOptions): Promise<void>;
  /**
   * Appends records; resolves only once they are durable (fsynced, or acknowledged by all
   * in-sync replicas). Throws `TopicNotFoundError` for an unknown topic; then nothing is appended.
   */
  append(topic: string, records: TopicRecordInput[]): Promise<AppendResult[]>;
  /** Joins consumer group `group` reading `topics`. */
  consumer(group: string, topics: string[]): Promise<TopicConsumer>;
  /** Releases connections and files. */
  close(): Promise<void>;
  /**
   * The error that stops every later write until the process restarts (the embedded log
   * after a failed WAL fsync), else `undefined`; the gateway's `/healthz` answers 503 with
   * it. Optional: a tier with no such state (Kafka, Kinesis) leaves it out.
   */
  writeFailure?(): Error | undefined;
}
