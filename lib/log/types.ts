/**
 * The log interfaces: topics (Kafka-shaped) and streams (Kinesis-shaped).
 *
 * The embedded SQLite log, the Kafka adapter and the Kinesis adapter implement these,
 * so the gateway, the sink and the stream processor never know which tier they run on.
 *
 * @module
 */

/**
 * A record handed to {@linkcode TopicLog.append}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { TopicRecordInput } from "./types.ts";
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
 * import type { AppendResult } from "./types.ts";
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
 * import type { TopicRecord } from "./types.ts";
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
 * import type { TopicInfo } from "./types.ts";
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
 * import type { CreateTopicOptions } from "./types.ts";
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
  /** Replication factor; ignored by the embedded log (default 1). */
  replicationFactor?: number;
}

/**
 * A committed or sought position: the next offset to read in one partition.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { TopicPosition } from "./types.ts";
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
 * import type { PollOptions } from "./types.ts";
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
 * import type { PartitionOffsets } from "./types.ts";
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
 * import type { TopicConsumer } from "./types.ts";
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
 * import type { Membership } from "./types.ts";
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
 * import type { TopicLog } from "./types.ts";
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
}

/**
 * A record handed to {@linkcode StreamLog.putRecords}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { StreamRecordInput } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s");
 * const record: StreamRecordInput = { data: new TextEncoder().encode("{}"), partitionKey: "pin-1" };
 * console.log(await log.streams.putRecords("s", [record]));
 * // [ { shardId: "shardId-000000000000", sequenceNumber: "000000000000000000000" } ]
 * await log.close();
 * ```
 */
export interface StreamRecordInput {
  /** The payload bytes (the gateway stores the JSON text of the `Data` field). */
  data: Uint8Array;
  /** Picks the shard by its MD5 hash, as Kinesis does. */
  partitionKey: string;
}

/**
 * The outcome of one record of a put: where it landed, or why it failed.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { PutRecordResult } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s");
 * const data = new Uint8Array([1]);
 * const results: PutRecordResult[] = await log.streams.putRecords("s", [
 *   { data, partitionKey: "k" },
 *   { data, partitionKey: "" },
 * ]);
 * for (const r of results) console.log("errorCode" in r ? r.errorMessage : r.sequenceNumber);
 * // 000000000000000000000
 * // PartitionKey must have 1 to 256 characters
 * await log.close();
 * ```
 */
export type PutRecordResult =
  | { shardId: string; sequenceNumber: string }
  | { errorCode: string; errorMessage: string };

/**
 * A record read back from a shard.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { StreamRecord } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s");
 * await log.streams.putRecords("s", [{ data: new TextEncoder().encode("hi"), partitionKey: "k" }]);
 * const { records } = await log.streams.readShard("s", "shardId-000000000000");
 * const r: StreamRecord = records[0];
 * console.log(r.sequenceNumber, r.partitionKey, new TextDecoder().decode(r.data)); // 000000000000000000000 k hi
 * await log.close();
 * ```
 */
export interface StreamRecord {
  stream: string;
  shardId: string;
  /** Decimal string; compare with `BigInt`. */
  sequenceNumber: string;
  partitionKey: string;
  data: Uint8Array;
  /** Arrival time, epoch milliseconds. */
  arrivalTimestamp: number;
}

/**
 * One shard of a stream.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { ShardInfo } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s", { shardCount: 2 });
 * const [first]: ShardInfo[] = (await log.streams.describeStream("s")).shards;
 * console.log(first.shardId, first.hashKeyRange.start, first.endingSequenceNumber);
 * // shardId-000000000000 0 undefined
 * await log.close();
 * ```
 */
export interface ShardInfo {
  shardId: string;
  /** The shard this one was split from or merged from, if any. */
  parentShardId?: string;
  /** The second parent of a merge, if any. */
  adjacentParentShardId?: string;
  /** Inclusive hash-key range, decimal strings of 128-bit numbers. */
  hashKeyRange: { start: string; end: string };
  startingSequenceNumber: string;
  /** Set when the shard is closed (after a split or merge): no record will follow it. */
  endingSequenceNumber?: string;
}

/**
 * What {@linkcode StreamLog.describeStream} answers.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { StreamDescription } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s", { shardCount: 2 });
 * const d: StreamDescription = await log.streams.describeStream("s");
 * console.log(d.name, d.status, d.shards.length); // s ACTIVE 2
 * await log.close();
 * ```
 */
export interface StreamDescription {
  name: string;
  status: "CREATING" | "ACTIVE" | "UPDATING" | "DELETING";
  shards: ShardInfo[];
  /** Creation time, epoch milliseconds. */
  createdAt: number;
  retentionHours: number;
}

/**
 * Options of {@linkcode StreamLog.readShard}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { ReadShardOptions } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s");
 * await log.streams.putRecords("s", [1, 2, 3].map((n) => ({ data: new Uint8Array([n]), partitionKey: "k" })));
 * const options: ReadShardOptions = { afterSequenceNumber: "000000000000000000000", limit: 1 };
 * const { records } = await log.streams.readShard("s", "shardId-000000000000", options);
 * console.log(records.map((r) => r.data[0])); // [ 2 ]
 * await log.close();
 * ```
 */
export interface ReadShardOptions {
  /** Read records after this sequence number; from the shard's start when absent. */
  afterSequenceNumber?: string;
  /** Most records returned (default 1000). */
  limit?: number;
}

/**
 * What to split (the `splitShard` of the embedded and the Kinesis log).
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { SplitShardOptions } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s");
 * const split: SplitShardOptions = { shardId: "shardId-000000000000", newStartingHashKey: String(2n ** 127n) };
 * await log.streams.splitShard("s", split);
 * const { shards } = await log.streams.describeStream("s");
 * console.log(shards.map((s) => s.parentShardId ?? "-")); // [ "-", "shardId-000000000000", "shardId-000000000000" ]
 * await log.close();
 * ```
 */
export interface SplitShardOptions {
  /** The open shard to split. */
  shardId: string;
  /** The first hash key (decimal) of the second child. */
  newStartingHashKey: string;
}

/**
 * What to merge (the `mergeShards` of the embedded and the Kinesis log).
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { MergeShardsOptions } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s", { shardCount: 2 });
 * const merge: MergeShardsOptions = { shardId: "shardId-000000000000", adjacentShardId: "shardId-000000000001" };
 * await log.streams.mergeShards("s", merge);
 * const { shards } = await log.streams.describeStream("s");
 * console.log(shards[2].shardId, shards[2].adjacentParentShardId); // shardId-000000000002 shardId-000000000001
 * await log.close();
 * ```
 */
export interface MergeShardsOptions {
  /** One of the two open shards. */
  shardId: string;
  /** The other, whose hash-key range adjoins the first's. */
  adjacentShardId: string;
}

/**
 * A page of records from one shard.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { ShardPage } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s");
 * await log.streams.putRecords("s", [{ data: new Uint8Array([1]), partitionKey: "k" }]);
 * const page: ShardPage = await log.streams.readShard("s", "shardId-000000000000");
 * console.log(page.records.length, page.shardEnded); // 1 false (the shard is open)
 * await log.close();
 * ```
 */
export interface ShardPage {
  records: StreamRecord[];
  /** True when the shard is closed and every record of it has been returned. */
  shardEnded: boolean;
}

/**
 * Options of {@linkcode StreamLog.createStream}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { CreateStreamOptions } from "./types.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const options: CreateStreamOptions = { shardCount: 4 };
 * await log.streams.createStream("streaming-demo-pin", options);
 * console.log((await log.streams.describeStream("streaming-demo-pin")).shards.length); // 4
 * await log.close();
 * ```
 */
export interface CreateStreamOptions {
  /** Number of shards (default 1). */
  shardCount?: number;
}

/**
 * A Kinesis-shaped log of streams with shards and sequence numbers.
 *
 * @example
 * ```ts
 * import type { StreamLog } from "./types.ts";
 * async function putOne(log: StreamLog) {
 *   const [res] = await log.putRecords("streaming-demo-pin", [
 *     { data: new TextEncoder().encode("{}"), partitionKey: "p1" },
 *   ]);
 *   console.log(res);
 * }
 * ```
 */
export interface StreamLog {
  /** Stream names, sorted. */
  listStreams(): Promise<string[]>;
  /** Throws `StreamNotFoundError` when it does not exist. */
  describeStream(name: string): Promise<StreamDescription>;
  /** Throws `AlreadyExistsError` when it exists. Resolves once the stream is ACTIVE. */
  createStream(name: string, options?: CreateStreamOptions): Promise<void>;
  /** Throws `StreamNotFoundError` when it does not exist. */
  deleteStream(name: string): Promise<void>;
  /**
   * Puts records; resolves once the accepted ones are durable. A per-record failure is
   * reported in its result, never thrown. Throws `StreamNotFoundError` for an unknown stream.
   */
  putRecords(
    stream: string,
    records: StreamRecordInput[],
  ): Promise<PutRecordResult[]>;
  /** Reads one shard in sequence order. */
  readShard(
    stream: string,
    shardId: string,
    options?: ReadShardOptions,
  ): Promise<ShardPage>;
  /** Releases connections and files. */
  close(): Promise<void>;
}
