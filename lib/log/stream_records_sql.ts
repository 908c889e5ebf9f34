/**
 * The SQL of the `stream_records` table: a shard's records, stored at positions
 * `slot * POSITION_BITS + seq` so that one shard's records are one range of the key.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { POSITION_BITS } from "./sqlite_db.ts";
import { BulkInsert } from "./bulk_insert.ts";

/**
 * A row of the `stream_records` table.
 *
 * @example
 * ```ts
 * import type { StreamRecordRow } from "./stream_records_sql.ts";
 * const row: StreamRecordRow = { seq: 7, partition_key: "k", data: new Uint8Array(), ts: 0 };
 * console.log(row.seq);
 * ```
 */
export interface StreamRecordRow {
  seq: number;
  partition_key: string;
  data: Uint8Array;
  ts: number;
}

/**
 * Prepared statements over the records of every shard of one database handle.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * import { StreamRecordSql } from "./stream_records_sql.ts";
 * const db = openLogDatabase(await Deno.makeTempFile({ suffix: ".db" }));
 * const records = new StreamRecordSql(db);
 * records.insert([[1, 0, "k", new Uint8Array([1]), 0], [1, 1, "k", new Uint8Array([2]), 0]]);
 * const page = records.read(1, { afterSeq: -1, limit: 1, maxBytes: 1024 });
 * console.log(page.rows.map((r) => r.seq), page.more); // [ 0 ] true
 * db.close();
 * ```
 */
export class StreamRecordSql {
  #read: StatementSync;
  #delete: StatementSync;
  #insert: BulkInsert;

  constructor(db: DatabaseSync) {
    this.#insert = new BulkInsert(db, {
      table: "stream_records",
      columns: [
        "pos",
        "partition_key",
        "data",
        "ts",
      ],
    });
    this.#read = db.prepare(
      "SELECT pos, partition_key, data, ts FROM stream_records WHERE pos > ? AND pos < ? ORDER BY pos LIMIT ?",
    );
    this.#delete = db.prepare(
      "DELETE FROM stream_records WHERE pos >= ? AND pos < ?",
    );
  }

  /** Inserts records, each `[slot, seq, partitionKey, data, ts]`, in order. */
  insert(rows: [number, number, string, Uint8Array, number][]): void {
    this.#insert.insert(
      rows.map(([slot, seq, key, data, ts]) => [
        slot * POSITION_BITS + seq,
        key,
        data,
        ts,
      ]),
    );
  }

  /**
   * Records of the shard in `slot` after `afterSeq` (-1: from the start): at most `limit`,
   * and no more once their data reach `maxBytes` (the first record is always taken, however
   * large). `more`: the shard holds records after the last one returned.
   */
  read(
    slot: number,
    page: { afterSeq: number; limit: number; maxBytes: number },
  ): { rows: StreamRecordRow[]; more: boolean } {
    const { afterSeq, limit, maxBytes } = page;
    const base = slot * POSITION_BITS;
    const rows: StreamRecordRow[] = [];
    let bytes = 0;
    // Row by row, so a page of large records is not read whole only to be cut.
    const found = this.#read.iterate(
      base + afterSeq,
      base + POSITION_BITS,
      limit + 1,
    ) as Iterable<StreamRecordRow & { pos: number }>;
    for (const r of found) {
      if (rows.length === limit || (rows.length > 0 && bytes >= maxBytes)) {
        return { rows, more: true };
      }
      rows.push({
        seq: r.pos - base,
        partition_key: r.partition_key,
        data: r.data,
        ts: r.ts,
      });
      bytes += r.data.byteLength;
    }
    return { rows, more: false };
  }

  /** Deletes every record of the shard in `slot`. */
  deleteSlot(slot: number): void {
    this.#delete.run(slot * POSITION_BITS, (slot + 1) * POSITION_BITS);
  }
}
