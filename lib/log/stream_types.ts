/**
 * The stream interfaces (Kinesis-shaped): streams with shards and sequence numbers. The
 * embedded SQLite log and the Kinesis adapter implement them.
 *
 * @module
 */

/**
 * A record handed to {@linkcode StreamLog.putRecords}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { StreamRecordInput } from "./stream_types.ts";
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
 * import type { PutRecordResult } from "./stream_types.ts";
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
 * import type { StreamRecord } from "./stream_types.ts";
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
 * import type { ShardInfo } from "./stream_types.ts";
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
 * import type { StreamDescription } from "./stream_types.ts";
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
  /** How long records are kept, in hours (the embedded log keeps them all: 8,760). */
  retentionHours: number;
}

/**
 * Options of {@linkcode StreamLog.readShard}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { ReadShardOptions } from "./stream_types.ts";
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
  /**
   * The creation time ({@linkcode StreamDescription.createdAt}) of the stream
   * `afterSequenceNumber` belongs to. A stream of the same name created since (deleted and
   * created again, its sequence numbers starting over) is another stream: the read throws
   * `ShardNotFoundError`, and the reader describes the stream again. The Kinesis adapter
   * checks it with one DescribeStreamSummary after a page that moves the reader on, since
   * kinesis-mock serves an old stream's iterators and sequence numbers on its namesake.
   */
  streamCreatedAt?: number;
}

/**
 * What to split (the `splitShard` of the embedded and the Kinesis log).
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import type { SplitShardOptions } from "./stream_types.ts";
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
 * import type { MergeShardsOptions } from "./stream_types.ts";
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
 * import type { ShardPage } from "./stream_types.ts";
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
 * import type { CreateStreamOptions } from "./stream_types.ts";
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
 * import type { StreamLog } from "./stream_types.ts";
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
  /**
   * The error that stops every later write until the process restarts (the embedded log
   * after a failed WAL fsync), else `undefined`; the gateway's `/healthz` answers 503 with
   * it. Optional: a tier with no such state (Kafka, Kinesis) leaves it out.
   */
  writeFailure?(): Error | undefined;
}
