/**
 * The stream half of the embedded log: Kinesis-shaped streams with shards, MD5 hash-key
 * routing and increasing sequence numbers (one counter per stream), stored in SQLite.
 *
 * @module
 */

import { AlreadyExistsError, PipelineError } from "../errors.ts";
import { sleep } from "../sleep.ts";
import type {
  CreateStreamOptions,
  MergeShardsOptions,
  PutRecordResult,
  ReadShardOptions,
  ShardPage,
  SplitShardOptions,
  StreamDescription,
  StreamLog,
  StreamRecordInput,
} from "./types.ts";
import {
  InvalidArgumentError,
  invalidStreamName,
  ShardNotFoundError,
} from "./errors.ts";
import {
  evenHashRanges,
  sequenceCounterOf,
  sequenceNumberOf,
  shardForKey,
  shardIdOf,
} from "./hash_key.ts";
import type { LogCore } from "./log_core.ts";
import { StreamSql } from "./stream_sql.ts";
import type { ShardRow } from "./stream_rows.ts";
import type { StreamRecordRow } from "./stream_records_sql.ts";
import { logReadError, POSITION_BITS } from "./sqlite_db.ts";
import {
  mergeShardsNow,
  splitShardNow,
  toShardInfo,
} from "./stream_resharding.ts";

/**
 * The retention a stream of the embedded log reports: it keeps every record until its stream
 * is deleted, so it reports the longest retention Kinesis has (365 days), not the 24-hour
 * default a reader would take to mean records older than a day are gone.
 */
const KEPT_HOURS = 8760;

const MAX_DATA_BYTES = 1024 * 1024;
/** Data bytes one `readShard` page stops at, as Kinesis' GetRecords (10 MiB). */
const MAX_PAGE_BYTES = 10 * 1024 * 1024;

/**
 * `StreamLog` on the embedded SQLite file, plus Kinesis' resharding calls
 * (`splitShard`, `mergeShards`). Create it through `openEmbeddedLog`.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s", { shardCount: 2 });
 * const [res] = await log.streams.putRecords("s", [{ data: new Uint8Array([1]), partitionKey: "k" }]);
 * console.log(res); // { shardId: "shardId-000000000001", sequenceNumber: "000000000000000000000" }
 * await log.close();
 * ```
 */
export class EmbeddedStreamLog implements StreamLog {
  #core: LogCore;
  #sql: StreamSql;
  #onClose: () => Promise<void>;

  /** `onClose` runs on `close()`; the embedded log closes the file when both halves closed. */
  constructor(
    core: LogCore,
    onClose: () => Promise<void> = () => core.close(),
  ) {
    this.#core = core;
    this.#sql = new StreamSql(core.db);
    core.committer.addHooks(this.#sql);
    this.#onClose = onClose;
  }

  async listStreams(): Promise<string[]> {
    this.#core.assertOpen();
    return await Promise.resolve(this.#sql.listNames());
  }

  async describeStream(name: string): Promise<StreamDescription> {
    this.#core.assertOpen();
    const stream = this.#sql.stream(name);
    return await Promise.resolve({
      name,
      status: "ACTIVE" as const,
      shards: this.#sql.shards(stream.id).map(toShardInfo),
      createdAt: stream.created_at,
      retentionHours: KEPT_HOURS,
    });
  }

  async createStream(
    name: string,
    options: CreateStreamOptions = {},
  ): Promise<void> {
    this.#core.assertOpen();
    const count = options.shardCount ?? 1;
    const badName = invalidStreamName(name);
    if (badName) throw badName;
    if (!Number.isInteger(count) || count < 1 || count > 1000) {
      throw new InvalidArgumentError(
        "shardCount",
        "must be an integer from 1 to 1000",
        { value: count },
      );
    }
    await this.#core.committer.submit(() => {
      if (this.#sql.findStream(name)) {
        throw new AlreadyExistsError("stream", name);
      }
      const id = this.#sql.insertStream(name, count);
      evenHashRanges(count).forEach((range, n) => {
        this.#sql.insertShard(id, { no: n, range, startingSeq: 0 });
      });
    });
  }

  /**
   * Deletes the stream, at the earliest in the millisecond after its creation: readers
   * tell a stream created again under this name from this one by the creation time alone
   * (`streamCreatedAt`), and one made in the same millisecond was read on from this one's
   * position, skipping its first records.
   */
  async deleteStream(name: string): Promise<void> {
    this.#core.assertOpen();
    const { created_at } = this.#sql.stream(name);
    // At most a millisecond or two; bounded should the clock have gone back meanwhile.
    for (let i = 0; i < 100 && Date.now() <= created_at; i++) await sleep(1);
    await this.#core.committer.submit(() => {
      this.#sql.deleteStream(this.#sql.stream(name).id);
    });
  }

  async putRecords(
    stream: string,
    records: StreamRecordInput[],
  ): Promise<PutRecordResult[]> {
    this.#core.assertOpen();
    if (!Array.isArray(records)) {
      throw new InvalidArgumentError("records", "must be an array", {
        value: typeof records,
      });
    }
    const problems = records.map(recordProblem);
    return await this.#core.committer.submit(() => {
      const s = this.#sql.stream(stream);
      const open = this.#sql.openShards(s.id, s.next_shard);
      let seq = s.next_seq;
      const ts = Date.now();
      const rows: [number, number, string, Uint8Array, number][] = [];
      const results = records.map((r, i): PutRecordResult => {
        if (problems[i]) {
          return {
            errorCode: "InvalidArgumentException",
            errorMessage: problems[i]!,
          };
        }
        // One open shard (the default) takes every key: no need to hash.
        const shard = open.length === 1
          ? open[0]
          : shardForKey(open, r.partitionKey);
        rows.push([shard.slot, seq, r.partitionKey, r.data, ts]);
        return {
          shardId: shardIdOf(shard.no),
          sequenceNumber: sequenceNumberOf(seq++),
        };
      });
      this.#sql.insertRecords(rows);
      if (seq !== s.next_seq) this.#sql.advanceSeq(s, seq);
      return results;
    }, { validatesFirst: true });
  }

  async readShard(
    stream: string,
    shardId: string,
    options: ReadShardOptions = {},
  ): Promise<ShardPage> {
    this.#core.assertOpen();
    const limit = options.limit ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new InvalidArgumentError("limit", "must be a positive integer", {
        value: limit,
      });
    }
    const after = options.afterSequenceNumber;
    const afterSeq = after === undefined
      ? -1
      : sequenceCounterOf(after, POSITION_BITS);
    let shard: ShardRow;
    let page: { rows: StreamRecordRow[]; more: boolean };
    try {
      const s = this.#sql.stream(stream);
      const { streamCreatedAt } = options;
      if (streamCreatedAt !== undefined && streamCreatedAt !== s.created_at) {
        throw new ShardNotFoundError(stream, shardId, {
          context: { streamCreatedAt, createdAt: s.created_at },
        });
      }
      shard = this.#sql.shard({ id: s.id, name: stream }, shardId);
      // As Kinesis' GetRecords, a page holds at most 10 MiB of data (at least one record).
      page = this.#sql.readRecords(shard.slot, {
        afterSeq,
        limit,
        maxBytes: MAX_PAGE_BYTES,
      });
    } catch (cause) {
      if (cause instanceof PipelineError) throw cause;
      const { path } = this.#core;
      throw logReadError(path, cause);
    }
    const { rows, more } = page;
    return await Promise.resolve({
      records: rows.map((row) => ({
        stream,
        shardId,
        sequenceNumber: sequenceNumberOf(row.seq),
        partitionKey: row.partition_key,
        data: row.data,
        arrivalTimestamp: row.ts,
      })),
      shardEnded: shard.ending_seq !== null && !more,
    });
  }

  /**
   * Splits open shard `shardId` at `newStartingHashKey` (decimal): the parent closes, two children
   * take `[start, key - 1]` and `[key, end]`; later puts go to the children.
   */
  async splitShard(stream: string, options: SplitShardOptions): Promise<void> {
    this.#core.assertOpen();
    await this.#core.committer.submit(() =>
      splitShardNow(this.#sql, stream, options)
    );
  }

  /** Merges two open shards with adjacent hash-key ranges into a new one. */
  async mergeShards(
    stream: string,
    options: MergeShardsOptions,
  ): Promise<void> {
    this.#core.assertOpen();
    await this.#core.committer.submit(() =>
      mergeShardsNow(this.#sql, stream, options)
    );
  }

  /** The failed WAL sync that stops every later write, if one failed. */
  writeFailure(): Error | undefined {
    return this.#core.committer.pipeline?.failure;
  }

  close(): Promise<void> {
    return this.#onClose();
  }
}

function recordProblem(r: StreamRecordInput): string | null {
  if (!r || typeof r.partitionKey !== "string") {
    return "PartitionKey must be a string";
  }
  if (r.partitionKey.length < 1 || r.partitionKey.length > 256) {
    return "PartitionKey must have 1 to 256 characters";
  }
  if (!(r.data instanceof Uint8Array)) return "Data must be bytes";
  if (r.data.length > MAX_DATA_BYTES) return "Data is larger than 1 MiB";
  return null;
}
