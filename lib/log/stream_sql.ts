/**
 * The SQL of the stream half of the embedded log, as prepared statements: the `streams`
 * and `shards` tables here, a shard's records through `stream_records_sql.ts`.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { StreamNotFoundError } from "../errors.ts";
import {
  InvalidArgumentError,
  invalidStreamName,
  ShardNotFoundError,
} from "./errors.ts";
import { MAX_SLOTS } from "./sqlite_db.ts";
import { shardNumberOf } from "./hash_key.ts";
import type { TransactionHooks } from "./group_commit.ts";
import type {
  NewShard,
  OpenShard,
  ShardRow,
  StreamRow,
} from "./stream_rows.ts";
import { type StreamRecordRow, StreamRecordSql } from "./stream_records_sql.ts";

/**
 * Prepared statements over the stream tables of one database handle.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * import { StreamSql } from "./stream_sql.ts";
 * const db = openLogDatabase(await Deno.makeTempFile({ suffix: ".db" }));
 * const sql = new StreamSql(db);
 * const id = sql.insertStream("s", 1);
 * sql.insertShard(id, {
 *   no: 0,
 *   range: { start: 0n, end: (1n << 128n) - 1n },
 *   startingSeq: 0,
 * });
 * console.log(sql.listNames(), sql.shards(id)[0].shard_no); // [ "s" ] 0
 * db.close();
 * ```
 */
export class StreamSql implements TransactionHooks {
  #s: Record<string, StatementSync>;
  #openCache = new Map<string, OpenShard[]>();
  /** Stream rows read inside the open group transaction (writes go through to them). */
  #rows = new Map<string, StreamRow>();
  #dirty = new Set<StreamRow>();
  #inTransaction = false;
  #records: StreamRecordSql;

  constructor(db: DatabaseSync) {
    this.#records = new StreamRecordSql(db);
    const p = (sql: string) => db.prepare(sql);
    this.#s = {
      names: p("SELECT name FROM streams ORDER BY name"),
      stream: p(
        "SELECT id, created_at, next_seq, next_shard FROM streams WHERE name = ?",
      ),
      insStream: p(
        "INSERT INTO streams (name, created_at, next_seq, next_shard) VALUES (?, ?, 0, ?)",
      ),
      shards: p("SELECT * FROM shards WHERE stream_id = ? ORDER BY shard_no"),
      shard: p("SELECT * FROM shards WHERE stream_id = ? AND shard_no = ?"),
      insShard: p(
        "INSERT INTO shards (stream_id, shard_no, parent_no, adjacent_parent_no, hash_start, hash_end, starting_seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
      ),
      slotsOf: p("SELECT slot FROM shards WHERE stream_id = ?"),
      closeShard: p(
        "UPDATE shards SET ending_seq = ? WHERE stream_id = ? AND shard_no = ?",
      ),
      setNextShard: p("UPDATE streams SET next_shard = ? WHERE id = ?"),
      setNextSeq: p("UPDATE streams SET next_seq = ? WHERE id = ?"),
      delShards: p("DELETE FROM shards WHERE stream_id = ?"),
      delStream: p("DELETE FROM streams WHERE id = ?"),
    };
  }

  /** Stream names, sorted. */
  listNames(): string[] {
    return (this.#s.names.all() as { name: string }[]).map((r) => r.name);
  }

  /** The stream row, or `undefined`. */
  findStream(name: string): StreamRow | undefined {
    return this.#s.stream.get(name) as StreamRow | undefined;
  }

  /**
   * The stream row; throws `StreamNotFoundError` (`InvalidArgumentError` for a name no
   * stream can have). Inside a group transaction the row is
   * read once and then served from memory (every write of this class updates it too), so
   * a single-record put costs no SELECT; puts advance its sequence counter in memory
   * ({@linkcode StreamSql.advanceSeq}), written back once before the COMMIT.
   */
  stream(name: string): StreamRow {
    let row = this.#inTransaction ? this.#rows.get(name) : undefined;
    if (row) return row;
    row = this.findStream(name);
    // A name no stream can have is refused as Kinesis does (ValidationException).
    if (!row) throw invalidStreamName(name) ?? new StreamNotFoundError(name);
    if (this.#inTransaction) this.#rows.set(name, row);
    return row;
  }

  /** A group transaction began: keep the cached rows unless another connection wrote. */
  begin(othersWrote = true): void {
    if (othersWrote) this.#rows.clear();
    this.#inTransaction = true;
  }

  /** Writes back the counters puts advanced: the cached rows now equal the file. */
  beforeCommit(): void {
    this.#writeBack();
    this.#inTransaction = false;
  }

  /**
   * A job with a savepoint of its own comes: write back first, so that rolling it back
   * cannot undo the counters of the puts before it.
   */
  beforeSavepoint(): void {
    this.#writeBack();
  }

  /** The transaction rolled back: the cached rows may be ahead of the file. */
  abort(): void {
    this.#rows.clear();
    this.#dirty.clear();
    this.#inTransaction = false;
  }

  /**
   * A job rolled back to its savepoint: what it wrote to cached rows is undone in the file
   * (and what came before was written back when its savepoint began).
   */
  rollbackJob(): void {
    this.#rows.clear();
    this.#dirty.clear();
  }

  /**
   * Advances the sequence counter of a row read with {@linkcode StreamSql.stream} inside a
   * group transaction, in memory only: for jobs that fail only before writing anything.
   */
  advanceSeq(row: StreamRow, next: number): void {
    row.next_seq = next;
    this.#dirty.add(row);
  }

  #writeBack(): void {
    for (const row of this.#dirty) this.#s.setNextSeq.run(row.next_seq, row.id);
    this.#dirty.clear();
  }

  #cached(streamId: number): StreamRow | undefined {
    for (const row of this.#rows.values()) if (row.id === streamId) return row;
    return undefined;
  }

  /** Inserts a stream whose first `shardCount` shard numbers are taken; returns its id. */
  insertStream(name: string, shardCount: number): number {
    return Number(
      this.#s.insStream.run(name, Date.now(), shardCount).lastInsertRowid,
    );
  }

  /** Inserts a shard of stream `streamId`. */
  insertShard(streamId: number, shard: NewShard): void {
    const { no, range, startingSeq, parents = [null, null] } = shard;
    const slot = Number(
      this.#s.insShard.run(
        streamId,
        no,
        parents[0],
        parents[1],
        String(range.start),
        String(range.end),
        startingSeq,
      ).lastInsertRowid,
    );
    if (slot >= MAX_SLOTS) {
      throw new InvalidArgumentError(
        "shardCount",
        `the log holds at most ${MAX_SLOTS} partitions and shards in all; delete streams or use another file`,
      );
    }
  }

  /** All shards of a stream, by shard number. */
  shards(streamId: number): ShardRow[] {
    return this.#s.shards.all(streamId) as unknown as ShardRow[];
  }

  /** The row of `shardId` in stream `of`; throws `ShardNotFoundError`. */
  shard(of: { id: number; name: string }, shardId: string): ShardRow {
    const no = shardNumberOf(shardId);
    const row = no === null
      ? undefined
      : this.#s.shard.get(of.id, no) as ShardRow | undefined;
    if (!row) throw new ShardNotFoundError(of.name, shardId);
    return row;
  }

  /** The open shards of a stream for routing, cached per shard-set version. */
  openShards(streamId: number, version: number): OpenShard[] {
    const key = `${streamId}:${version}`;
    let open = this.#openCache.get(key);
    if (!open) {
      open = (this.#s.shards.all(streamId) as unknown as ShardRow[])
        .filter((r) => r.ending_seq === null)
        .map((r) => ({
          no: r.shard_no,
          slot: r.slot,
          start: BigInt(r.hash_start),
          end: BigInt(r.hash_end),
        }));
      if (this.#openCache.size > 1000) this.#openCache.clear();
      this.#openCache.set(key, open);
    }
    return open;
  }

  /** Closes shard `no`: no record follows `endingSeq`. */
  closeShard(
    streamId: number,
    shard: { no: number; endingSeq: number },
  ): void {
    this.#s.closeShard.run(shard.endingSeq, streamId, shard.no);
  }

  /** Sets the next free shard number (also the version of the open-shard cache). */
  setNextShard(streamId: number, next: number): void {
    this.#s.setNextShard.run(next, streamId);
    const row = this.#cached(streamId);
    if (row) row.next_shard = next;
  }

  /** Sets the next sequence counter. */
  setNextSeq(streamId: number, next: number): void {
    this.#s.setNextSeq.run(next, streamId);
    const row = this.#cached(streamId);
    if (row) row.next_seq = next;
  }

  /** Inserts records, each `[slot, seq, partitionKey, data, ts]`, in order. */
  insertRecords(rows: [number, number, string, Uint8Array, number][]): void {
    this.#records.insert(rows);
  }

  /** Records of the shard in `slot`: {@linkcode StreamRecordSql.read}. */
  readRecords(
    slot: number,
    page: { afterSeq: number; limit: number; maxBytes: number },
  ): { rows: StreamRecordRow[]; more: boolean } {
    return this.#records.read(slot, page);
  }

  /** Deletes a stream, its shards and its records. */
  deleteStream(streamId: number): void {
    const slots = this.#s.slotsOf.all(streamId) as { slot: number }[];
    for (const { slot } of slots) this.#records.deleteSlot(slot);
    this.#s.delShards.run(streamId);
    this.#s.delStream.run(streamId);
    this.#rows.clear();
    for (const row of this.#dirty) {
      if (row.id === streamId) this.#dirty.delete(row);
    }
  }
}
