/**
 * Reading one shard with GetShardIterator + GetRecords ({@linkcode ShardPager}), and a cache of the
 * `NextShardIterator` each read hands back, keyed by (stream, shard, position). A reader
 * polling a shard from where it stopped reuses that iterator, so a poll costs one
 * GetRecords call instead of two calls (GetShardIterator is limited to 5 calls per second
 * per shard on AWS). Iterators expire after 5 minutes; cached ones are dropped after 4, and
 * an `ExpiredIteratorException` falls back to a fresh iterator once.
 *
 * @module
 */
import type { ShardPage, StreamRecord } from "../../log/types.ts";
import { InvalidArgumentError } from "../../log/errors.ts";
import { isExpiredIterator } from "./errors.ts";
import {
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
} from "./sdk.ts";
import { sleep } from "../../sleep.ts";

/** Most GetRecords calls that follow an empty answer in one read. */
const MAX_EMPTY_HOPS = 10;

/**
 * Whether a GetRecords answer with no records is behind the shard's tip, so its next
 * iterator leads to more records (Kinesis returns such answers; a caller that stopped at
 * them would take the shard for read to its end).
 *
 * @example
 * ```ts
 * import { readOn } from "./shard_iterators.ts";
 * console.log(readOn({ Records: [], NextShardIterator: "AAA", MillisBehindLatest: 5000 })); // true
 * console.log(readOn({ Records: [], NextShardIterator: "AAA", MillisBehindLatest: 0 })); // false
 * ```
 */
export function readOn(
  out: Partial<
    Pick<
      GetRecordsCommandOutput,
      "Records" | "NextShardIterator" | "MillisBehindLatest"
    >
  >,
): boolean {
  return (out.Records?.length ?? 0) === 0 &&
    out.NextShardIterator !== undefined &&
    (out.MillisBehindLatest ?? 0) > 0;
}

/**
 * Options of {@linkcode IteratorCache}.
 *
 * @example
 * ```ts
 * import { IteratorCache, type IteratorCacheOptions } from "./shard_iterators.ts";
 * const options: IteratorCacheOptions = { maxEntries: 1, maxAgeMs: 60_000 };
 * const cache = new IteratorCache(options);
 * cache.put({ stream: "s", shardId: "shardId-000000000000" }, "AAAA");
 * cache.put({ stream: "s", shardId: "shardId-000000000001" }, "BBBB");
 * console.log(cache.size); // 1: the oldest went first
 * ```
 */
export interface IteratorCacheOptions {
  /** Most iterators kept; the oldest go first (default 10,000). */
  maxEntries?: number;
  /** Age after which a cached iterator is not used, ms (default 240,000). */
  maxAgeMs?: number;
}

/**
 * A place in a shard: after sequence number `after`, or the shard's start without it.
 *
 * @example
 * ```ts
 * import { IteratorCache, type ShardPosition } from "./shard_iterators.ts";
 * const start: ShardPosition = { stream: "streaming-demo-pin", shardId: "shardId-000000000000" };
 * const cache = new IteratorCache();
 * cache.put(start, "AAAA");
 * console.log(cache.take({ ...start, after: "1" }), cache.take(start)); // undefined AAAA
 * ```
 */
export interface ShardPosition {
  /** The stream's name. */
  stream: string;
  /** The shard, as `shardId-000000000000`. */
  shardId: string;
  /** The sequence number of the last record read; absent: the shard's start. */
  after?: string;
}

/**
 * Shard iterators by (stream, shard, last sequence number read).
 *
 * @example
 * ```ts
 * import { IteratorCache } from "./shard_iterators.ts";
 * const cache = new IteratorCache();
 * const at = { stream: "s", shardId: "shardId-000000000000", after: "42" };
 * cache.put(at, "AAAA");
 * console.log(cache.take(at)); // AAAA
 * console.log(cache.take(at)); // undefined
 * ```
 */
export class IteratorCache {
  #entries = new Map<string, { iterator: string; at: number }>();
  #max: number;
  #maxAge: number;

  /** An empty cache. */
  constructor(options: IteratorCacheOptions = {}) {
    this.#max = options.maxEntries ?? 10_000;
    this.#maxAge = options.maxAgeMs ?? 240_000;
  }

  /** Removes and returns the fresh iterator stored for this position, if any. */
  take(position: ShardPosition): string | undefined {
    const key = keyOf(position);
    const hit = this.#entries.get(key);
    this.#entries.delete(key);
    return hit && Date.now() - hit.at < this.#maxAge ? hit.iterator : undefined;
  }

  /** Stores the iterator that continues at `position`. */
  put(position: ShardPosition, iterator: string): void {
    const key = keyOf(position);
    this.#entries.delete(key);
    this.#entries.set(key, { iterator, at: Date.now() });
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Forgets every iterator of `stream` (after it is deleted), or all when absent. */
  clear(stream?: string): void {
    if (stream === undefined) return this.#entries.clear();
    for (const key of [...this.#entries.keys()]) {
      if (key.startsWith(`${stream}\0`)) this.#entries.delete(key);
    }
  }

  /** How many iterators are stored. */
  get size(): number {
    return this.#entries.size;
  }
}

function keyOf({ stream, shardId, after }: ShardPosition): string {
  return `${stream}\0${shardId}\0${after ?? ""}`;
}

/**
 * Options of {@linkcode ShardPager.read}.
 *
 * @example
 * ```ts
 * import { type ReadShardPageOptions, ShardPager } from "./shard_iterators.ts";
 * import { createKinesisClient } from "./sdk.ts";
 * const pager = new ShardPager(createKinesisClient({ endpoint: "http://127.0.0.1:4567" }));
 * const options: ReadShardPageOptions = { afterSequenceNumber: "49590338271490256608559692538361571095921575989136588898", limit: 500 };
 * const page = await pager.read("streaming-demo-pin", "shardId-000000000000", options);
 * ```
 */
export interface ReadShardPageOptions {
  /** Read records after this sequence number; from the shard's start when absent. */
  afterSequenceNumber?: string;
  /** Most records returned (default 1000; Kinesis caps one call at 10,000). */
  limit?: number;
}

/**
 * Reads pages of one shard at a time through an {@linkcode IteratorCache}.
 *
 * @example
 * ```ts
 * import { ShardPager } from "./shard_iterators.ts";
 * import { createKinesisClient } from "./sdk.ts";
 * const pager = new ShardPager(createKinesisClient({ endpoint: "http://127.0.0.1:4567" }));
 * const page = await pager.read("s", "shardId-000000000000", { limit: 100 });
 * console.log(page.records.length, page.shardEnded);
 * ```
 */
export class ShardPager {
  /** The iterators handed back by earlier reads. */
  readonly cache: IteratorCache;
  #client: KinesisClient;

  /** Reads through `client`; `options` size the iterator cache. */
  constructor(client: KinesisClient, options: IteratorCacheOptions = {}) {
    this.#client = client;
    this.cache = new IteratorCache(options);
  }

  /**
   * Reads up to `limit` records of one shard after `afterSequenceNumber` (from the shard's
   * start when absent). `shardEnded` is true once Kinesis hands back no next iterator. SDK
   * errors are thrown as they are; the adapter maps them.
   */
  async read(
    stream: string,
    shardId: string,
    options: ReadShardPageOptions = {},
  ): Promise<ShardPage> {
    const limit = options.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new InvalidArgumentError("limit", "must be a positive integer", {
        value: limit,
      });
    }
    const after = options.afterSequenceNumber;
    if (after !== undefined && !/^\d{1,128}$/.test(String(after))) {
      throw new InvalidArgumentError(
        "afterSequenceNumber",
        "must be a decimal sequence number returned by this stream",
        { value: after },
      );
    }
    const cached = this.cache.take({ stream, shardId, after });
    let out;
    try {
      out = await this.#records(
        cached ?? await this.#iterator({ stream, shardId, after }),
        limit,
      );
    } catch (e) {
      if (cached === undefined || !isExpiredIterator(e)) throw e;
      out = await this.#records(
        await this.#iterator({ stream, shardId, after }),
        limit,
      );
    }
    // Kinesis may answer no records while the shard holds later ones (its iterator walks
    // the shard's time range): follow the next iterator a few times, at most 5 calls per
    // second as a shard allows, so an empty page means caught up.
    for (let hop = 0; hop < MAX_EMPTY_HOPS && readOn(out); hop++) {
      await sleep(200);
      out = await this.#records(out.NextShardIterator!, limit);
    }
    const records: StreamRecord[] = (out.Records ?? []).map((r) => ({
      stream,
      shardId,
      sequenceNumber: r.SequenceNumber!,
      partitionKey: r.PartitionKey!,
      data: plainBytes(r.Data!),
      arrivalTimestamp: r.ApproximateArrivalTimestamp?.getTime() ?? 0,
    }));
    const next = out.NextShardIterator;
    if (next) {
      const at = records.at(-1)?.sequenceNumber ?? after;
      this.cache.put({ stream, shardId, after: at }, next);
    }
    return { records, shardEnded: !next };
  }

  /** A new iterator at `position` (the shard's start without `after`). */
  async #iterator(position: ShardPosition) {
    const { stream, shardId, after } = position;
    const out = await this.#client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shardId,
        ShardIteratorType: after === undefined
          ? "TRIM_HORIZON"
          : "AFTER_SEQUENCE_NUMBER",
        StartingSequenceNumber: after,
      }),
    );
    return out.ShardIterator!;
  }

  #records(iterator: string, limit: number) {
    return this.#client.send(
      new GetRecordsCommand({
        ShardIterator: iterator,
        Limit: Math.min(limit, 10_000),
      }),
    );
  }
}

/** The SDK may hand back Node `Buffer`s; callers get plain `Uint8Array` views. */
function plainBytes(data: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(data) === Uint8Array.prototype
    ? data
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
