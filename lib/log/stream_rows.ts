/**
 * The rows of the stream half's tables (`streams`, `shards`) as `StreamSql` takes and
 * gives them, and the open shards it routes puts by.
 *
 * @module
 */

/**
 * A shard to insert (`StreamSql.insertShard`).
 *
 * @example
 * ```ts
 * import { MAX_HASH_KEY } from "./hash_key.ts";
 * import type { NewShard } from "./stream_rows.ts";
 * const shard: NewShard = { no: 0, range: { start: 0n, end: MAX_HASH_KEY }, startingSeq: 0 };
 * console.log(`shardId-${String(shard.no).padStart(12, "0")}`); // shardId-000000000000
 * ```
 */
export interface NewShard {
  /** Its number in the stream (`shardId-{no}`, zero-padded). */
  no: number;
  /** Its hash-key range, both ends included. */
  range: { start: bigint; end: bigint };
  /** The sequence counter its records start from. */
  startingSeq: number;
  /** The shards it was split or merged from; default none. */
  parents?: [number | null, number | null];
}

/**
 * A row of the `streams` table.
 *
 * @example
 * ```ts
 * import type { StreamRow } from "./stream_rows.ts";
 * const row: StreamRow = { id: 1, created_at: Date.now(), next_seq: 0, next_shard: 1 };
 * console.log(row.next_seq);
 * ```
 */
export interface StreamRow {
  id: number;
  created_at: number;
  next_seq: number;
  next_shard: number;
}

/**
 * A row of the `shards` table.
 *
 * @example
 * ```ts
 * import type { ShardRow } from "./stream_rows.ts";
 * const row: ShardRow = {
 *   slot: 1, shard_no: 0, parent_no: null, adjacent_parent_no: null,
 *   hash_start: "0", hash_end: "9", starting_seq: 0, ending_seq: null,
 * };
 * console.log(row.ending_seq === null); // open
 * ```
 */
export interface ShardRow {
  slot: number;
  shard_no: number;
  parent_no: number | null;
  adjacent_parent_no: number | null;
  hash_start: string;
  hash_end: string;
  starting_seq: number;
  ending_seq: number | null;
}

/**
 * An open shard with its hash-key range as numbers, for routing.
 *
 * @example
 * ```ts
 * import type { OpenShard } from "./stream_rows.ts";
 * const shard: OpenShard = { no: 0, slot: 1, start: 0n, end: 2n ** 128n - 1n };
 * console.log(shard.start <= 5n && 5n <= shard.end); // true
 * ```
 */
export interface OpenShard {
  no: number;
  slot: number;
  start: bigint;
  end: bigint;
}
