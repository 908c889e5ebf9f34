/**
 * A reader over all shards of a stream that follows resharding, generic over
 * {@linkcode StreamLog} (embedded log, Kinesis adapter).
 *
 * It reads every open shard from its checkpointed position, reads a child shard only once
 * all its parents have ended (so the records of one partition key keep their order across
 * splits and merges), and re-describes the stream now and then to find new shards.
 *
 * Its positions also hold the creation time of the stream they belong to: a stream deleted
 * and created again under the same name is another stream, whose sequence numbers start
 * over, so positions of the old one would skip the new one's first records. When the
 * creation time differs, the reader drops the positions and reads every shard from its
 * start.
 *
 * @module
 */

import type { ShardInfo, StreamLog, StreamRecord } from "./types.ts";
import { sleep } from "../sleep.ts";

/**
 * Position marker of a shard that was read to its end; it is not read again.
 *
 * @example
 * ```ts
 * import { SHARD_END } from "./shard_reader.ts";
 * const checkpoint = { "shardId-000000000000": SHARD_END, "shardId-000000000001": "000000000000000000042" };
 * console.log(Object.values(checkpoint).filter((p) => p !== SHARD_END)); // one open position
 * ```
 */
export const SHARD_END = "SHARD_END";

/**
 * Key of the positions that holds the creation time (epoch ms, as text) of the stream they
 * belong to. Shard IDs all start with `shardId-`, so it names no shard.
 *
 * @example
 * ```ts
 * import { CREATED_AT_KEY } from "./shard_reader.ts";
 * const checkpoint = { [CREATED_AT_KEY]: "1790000000000", "shardId-000000000000": "42" };
 * console.log(Object.keys(checkpoint)); // ["streamCreatedAt", "shardId-000000000000"]
 * ```
 */
export const CREATED_AT_KEY = "streamCreatedAt";

/**
 * What {@linkcode ShardReaderOptions.onRecreated} is told.
 *
 * @example
 * ```ts
 * import type { ShardReaderOptions, StreamRecreated } from "./shard_reader.ts";
 * const onRecreated = (info: StreamRecreated) =>
 *   console.log(`${info.stream} was created again ${info.now - info.was} ms later`);
 * const options: ShardReaderOptions = { onRecreated };
 * options.onRecreated?.({ stream: "streaming-demo-pin", was: 1_000, now: 61_000 });
 * // streaming-demo-pin was created again 60000 ms later
 * ```
 */
export interface StreamRecreated {
  /** The stream's name. */
  stream: string;
  /** Creation time in the positions the reader started from, epoch ms. */
  was: number;
  /** Creation time of the stream found, epoch ms. */
  now: number;
}

/**
 * Options of {@linkcode createShardReader}.
 *
 * @example
 * ```ts
 * import { createShardReader, type ShardReaderOptions } from "./shard_reader.ts";
 * import type { StreamLog } from "./types.ts";
 * function reader(streams: StreamLog, saved: Record<string, string>, signal: AbortSignal) {
 *   const options: ShardReaderOptions = { positions: saved, batchSize: 500, idleMs: 100, signal };
 *   return createShardReader(streams, "streaming-pinterest-pin", options);
 * }
 * ```
 */
export interface ShardReaderOptions {
  /**
   * Where to start: `{ [shardId]: lastSequenceNumberRead | SHARD_END }` plus the stream's
   * creation time under {@linkcode CREATED_AT_KEY}, as returned by `positions()`. Shards not
   * named are read from their start; all are when the stream's creation time differs.
   */
  positions?: Record<string, string>;
  /** Called when the positions were of an earlier stream of the same name (then dropped). */
  onRecreated?: (info: StreamRecreated) => void;
  /** Most records one `poll()` returns. Default 1000. */
  batchSize?: number;
  /**
   * A `poll()` reads no further page once its records' data reach this many bytes (it ends
   * on a whole page: a page is at most `batchSize` records, and a log's own page limit,
   * 10 MiB on Kinesis and the embedded log). Default: no limit.
   */
  maxBytes?: number;
  /** How often the stream is described again to find new shards, in ms. Default 5000. */
  refreshMs?: number;
  /** How long `poll()` waits before returning `[]` when nothing was read, in ms. Default 200. */
  idleMs?: number;
  /** Ends an idle wait early. */
  signal?: AbortSignal;
}

/**
 * Reads a stream shard by shard; see {@linkcode createShardReader}.
 *
 * @example
 * ```ts
 * import type { ShardReader } from "./shard_reader.ts";
 * async function drain(reader: ShardReader) {
 *   for (let recs; (recs = await reader.poll()).length > 0;) console.log(recs.length);
 *   return reader.positions();
 * }
 * ```
 */
export interface ShardReader {
  /** The next records (at most `batchSize`), in sequence order per shard; `[]` when none. */
  poll(): Promise<StreamRecord[]>;
  /**
   * The checkpoint to persist: last sequence number read per shard, or `SHARD_END`, and the
   * stream's creation time under {@linkcode CREATED_AT_KEY} once it was described.
   */
  positions(): Record<string, string>;
}

/**
 * Creates a reader over all shards of `stream`.
 *
 * Persist `positions()` after the records of a poll are processed; a reader created with
 * those positions continues exactly after them.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * import { createShardReader } from "./shard_reader.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s", { shardCount: 2 });
 * await log.streams.putRecords("s", [{ data: new Uint8Array([1]), partitionKey: "a" }]);
 * const reader = createShardReader(log.streams, "s", { idleMs: 0 });
 * console.log((await reader.poll()).length, reader.positions());
 * await log.close();
 * ```
 */
export function createShardReader(
  streams: StreamLog,
  stream: string,
  options: ShardReaderOptions = {},
): ShardReader {
  const batchSize = options.batchSize ?? 1000;
  const maxBytes = options.maxBytes ?? Infinity;
  const refreshMs = options.refreshMs ?? 5000;
  const idleMs = options.idleMs ?? 200;
  const pos = new Map<string, string>(Object.entries(options.positions ?? {}));
  let shards = new Map<string, ShardInfo>();
  let describedAt = -Infinity;
  let stale = true;
  let turn = 0;

  async function describe(): Promise<void> {
    const d = await streams.describeStream(stream);
    const created = String(d.createdAt);
    const was = pos.get(CREATED_AT_KEY);
    if (was !== undefined && was !== created) {
      pos.clear(); // another stream of the same name: read it all
      options.onRecreated?.({ stream, was: Number(was), now: d.createdAt });
    }
    pos.set(CREATED_AT_KEY, created);
    shards = new Map(d.shards.map((s) => [s.shardId, s]));
    // Markers of shards past retention are dropped; a parent that is gone counts as ended.
    for (const id of [...pos.keys()]) {
      if (id !== CREATED_AT_KEY && !shards.has(id)) pos.delete(id);
    }
    describedAt = Date.now();
    // A stream still being created (Kinesis: CREATING) has no shards yet: look again at
    // the next poll rather than after `refreshMs`.
    stale = shards.size === 0;
  }

  const done = (id: string | undefined) =>
    id === undefined || !shards.has(id) || pos.get(id) === SHARD_END;

  function readable(): ShardInfo[] {
    return [...shards.values()].filter((s) =>
      pos.get(s.shardId) !== SHARD_END && done(s.parentShardId) &&
      done(s.adjacentParentShardId)
    );
  }

  /** What one poll has read so far: its records and their data bytes. */
  interface Read {
    records: StreamRecord[];
    bytes: number;
  }

  /** Whether `read` holds as many records, or bytes, as one poll takes. */
  const full = (read: Read) =>
    read.records.length >= batchSize || read.bytes >= maxBytes;

  /** Reads each readable shard once (until full) into `read`; returns whether a shard ended. */
  async function pass(read: Read): Promise<boolean> {
    const list = readable();
    let ended = false;
    for (let i = 0; i < list.length && !full(read); i++) {
      const shard = list[(turn + i) % list.length];
      let page;
      try {
        page = await streams.readShard(stream, shard.shardId, {
          afterSequenceNumber: pos.get(shard.shardId),
          limit: batchSize - read.records.length,
          // A stream created again since the last describe is refused, not read on.
          streamCreatedAt: Number(pos.get(CREATED_AT_KEY)),
        });
      } catch (error) {
        if ((error as { code?: string }).code !== "SHARD_NOT_FOUND") {
          throw error;
        }
        stale = true; // expired or deleted meanwhile: describe again
        continue;
      }
      for (const r of page.records) {
        read.records.push(r);
        read.bytes += r.data.byteLength;
      }
      const last = page.records.at(-1);
      if (last) pos.set(shard.shardId, last.sequenceNumber);
      if (page.shardEnded) {
        pos.set(shard.shardId, SHARD_END);
        ended = true;
      }
    }
    turn++;
    return ended;
  }

  async function poll(): Promise<StreamRecord[]> {
    const read: Read = { records: [], bytes: 0 };
    for (let round = 0; round < 8 && !full(read); round++) {
      if (stale || Date.now() - describedAt >= refreshMs) await describe();
      const ended = await pass(read);
      if (!ended) break;
      stale = true; // children of the ended shard may be readable now
    }
    if (read.records.length === 0 && idleMs > 0 && !options.signal?.aborted) {
      await sleep(idleMs, options.signal);
    }
    return read.records;
  }

  return { poll, positions: () => Object.fromEntries(pos) };
}
