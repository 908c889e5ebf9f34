/**
 * The write side of topics: runs inside a group transaction, with caches that make a
 * single-record append cost one INSERT.
 *
 * Topic metadata never changes once created, so it is cached for good. Next offsets are
 * cached per partition slot and trusted only while no other connection has committed
 * (`PRAGMA data_version` unchanged); otherwise they are read again from the records.
 *
 * @module
 */

import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import { BulkInsert } from "./bulk_insert.ts";
import { AlreadyExistsError, TopicNotFoundError } from "../errors.ts";
import type { AppendResult, TopicRecordInput } from "./types.ts";
import { InvalidArgumentError, InvalidPartitionError } from "./errors.ts";
import { partitionForKey, RoundRobin } from "./partitioner.ts";
import { MAX_SLOTS, POSITION_BITS } from "./sqlite_db.ts";
import type { TransactionHooks } from "./group_commit.ts";

/**
 * A topic as the writer and consumers see it.
 *
 * @example
 * ```ts
 * import type { TopicMeta } from "./topic_writes.ts";
 * const meta: TopicMeta = { id: 1, partitions: 1, slots: [1] };
 * console.log(meta.partitions);
 * ```
 */
export interface TopicMeta {
  id: number;
  partitions: number;
  /** Storage slot of each partition, by partition number. */
  slots: number[];
}

/**
 * Appends and creates topics inside the caller's write transaction. Every method throws
 * before writing anything when its arguments are wrong.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * import { TopicWriter } from "./topic_writes.ts";
 * const db = openLogDatabase(await Deno.makeTempFile({ suffix: ".db" }));
 * const w = new TopicWriter(db);
 * db.exec("BEGIN IMMEDIATE");
 * w.begin();
 * w.createTopic("t", 1);
 * console.log(w.append("t", [{ value: new Uint8Array([1]) }])); // [ { partition: 0, offset: 0 } ]
 * db.exec("COMMIT");
 * db.close();
 * ```
 */
export class TopicWriter implements TransactionHooks {
  #s: Record<
    "get" | "slots" | "insTopic" | "insPart" | "max",
    StatementSync
  >;
  #topics = new Map<string, TopicMeta>();
  #next = new Map<number, number>();
  #rr = new RoundRobin();
  #insert: BulkInsert;

  constructor(db: DatabaseSync) {
    this.#insert = new BulkInsert(db, {
      table: "topic_records",
      columns: [
        "pos",
        "key",
        "value",
        "ts",
      ],
    });
    const p = (sql: string) => db.prepare(sql);
    this.#s = {
      get: p("SELECT id, partitions FROM topics WHERE name = ?"),
      slots: p(
        "SELECT slot FROM topic_partitions WHERE topic_id = ? ORDER BY partition",
      ),
      insTopic: p(
        "INSERT INTO topics (name, partitions, created_at) VALUES (?, ?, ?)",
      ),
      insPart: p(
        "INSERT INTO topic_partitions (topic_id, partition) VALUES (?, ?)",
      ),
      max: p(
        "SELECT max(pos) AS m FROM topic_records WHERE pos >= ? AND pos < ?",
      ),
    };
  }

  /** The topic's metadata, cached; throws `TopicNotFoundError`. */
  topic(name: string): TopicMeta {
    let meta = this.#topics.get(name);
    if (meta) return meta;
    const row = this.#s.get.get(name) as
      | { id: number; partitions: number }
      | undefined;
    if (!row) throw new TopicNotFoundError(name);
    const slots = (this.#s.slots.all(row.id) as { slot: number }[]).map((r) =>
      r.slot
    );
    meta = { id: row.id, partitions: row.partitions, slots };
    this.#topics.set(name, meta);
    return meta;
  }

  /** Drops cached next offsets when another connection committed meanwhile. */
  begin(othersWrote = true): void {
    if (othersWrote) this.#next.clear();
  }

  /** The whole transaction rolled back: cached offsets may be ahead of the file. */
  abort(): void {
    this.#next.clear();
  }

  /** Creates a topic; throws `AlreadyExistsError`. */
  createTopic(name: string, partitions: number): void {
    if (this.#topics.has(name) || this.#s.get.get(name)) {
      throw new AlreadyExistsError("topic", name);
    }
    const id = this.#s.insTopic.run(name, partitions, Date.now())
      .lastInsertRowid;
    for (let p = 0; p < partitions; p++) {
      const slot = Number(this.#s.insPart.run(id, p).lastInsertRowid);
      if (slot >= MAX_SLOTS) {
        throw new InvalidArgumentError(
          "partitions",
          `the log holds at most ${MAX_SLOTS} partitions and shards in all; use another file`,
          { value: partitions },
        );
      }
    }
  }

  /** Appends records; all or nothing. */
  append(topic: string, records: TopicRecordInput[]): AppendResult[] {
    const meta = this.topic(topic);
    const n = meta.partitions;
    const targets = records.map((r) => {
      const p = r.partition;
      if (p !== undefined && p !== null) {
        if (!Number.isInteger(p) || p < 0 || p >= n) {
          throw new InvalidPartitionError(topic, p, { partitions: n });
        }
        return p;
      }
      if (r.key !== undefined && r.key !== null) {
        return partitionForKey(r.key, n);
      }
      return this.#rr.next(topic, n);
    });
    const local = new Map<number, number>();
    for (const p of targets) {
      const slot = meta.slots[p];
      if (!local.has(slot)) local.set(slot, this.#nextOffset(slot));
    }
    for (const [slot, next] of local) {
      if (next + records.length > POSITION_BITS) {
        const p = meta.slots.indexOf(slot);
        throw new InvalidPartitionError(topic, p, {
          partitions: n,
          context: {
            full: true,
            hint: "the partition is full; use a new file",
          },
        });
      }
    }
    const ts = Date.now();
    const rows: SQLInputValue[][] = new Array(records.length);
    const results = records.map((r, i) => {
      const partition = targets[i];
      const slot = meta.slots[partition];
      const offset = local.get(slot)!;
      local.set(slot, offset + 1);
      rows[i] = [slot * POSITION_BITS + offset, r.key ?? null, r.value, ts];
      return { partition, offset };
    });
    this.#insert.insert(rows);
    for (const [slot, next] of local) this.#next.set(slot, next);
    return results;
  }

  #nextOffset(slot: number): number {
    const cached = this.#next.get(slot);
    if (cached !== undefined) return cached;
    const base = slot * POSITION_BITS;
    const { m } = this.#s.max.get(base, base + POSITION_BITS) as {
      m: number | null;
    };
    return m === null ? 0 : m - base + 1;
  }
}
