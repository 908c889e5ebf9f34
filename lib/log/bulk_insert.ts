/**
 * Multi-row INSERT statements: one statement step per chunk of rows instead of one per
 * row, which makes a 100-record append noticeably cheaper in `node:sqlite`.
 *
 * @module
 */

import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";

/** Chunk sizes tried from the largest; any row count is a sum of these. */
const CHUNKS = [32, 8, 1];

/**
 * Inserts rows into one table with as few statement steps as possible.
 *
 * Rows are inserted in chunks of 32, then 8, then 1, in the order given. Each chunk
 * statement is prepared once.
 *
 * @example
 * ```ts
 * import { DatabaseSync } from "node:sqlite";
 * import { BulkInsert } from "./bulk_insert.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec("CREATE TABLE t (a INTEGER, b TEXT)");
 * const bulk = new BulkInsert(db, { table: "t", columns: ["a", "b"] });
 * bulk.insert(Array.from({ length: 41 }, (_, i) => [i, `v${i}`]));
 * console.log(db.prepare("SELECT count(*) AS n FROM t").get()); // { n: 41 }
 * ```
 */
export class BulkInsert {
  #db: DatabaseSync;
  #sql: string;
  #row: string;
  #width: number;
  #stmts = new Map<number, StatementSync>();

  constructor(
    db: DatabaseSync,
    into: { table: string; columns: string[] },
  ) {
    const { table, columns } = into;
    this.#db = db;
    this.#width = columns.length;
    this.#sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES `;
    this.#row = `(${columns.map(() => "?").join(", ")})`;
  }

  /** Inserts `rows` (each with one value per column), in order. */
  insert(rows: SQLInputValue[][]): void {
    let i = 0;
    for (const size of CHUNKS) {
      if (rows.length - i < size) continue;
      const stmt = this.#stmt(size);
      const args: SQLInputValue[] = new Array(size * this.#width);
      while (rows.length - i >= size) {
        for (let r = 0; r < size; r++) {
          const row = rows[i + r];
          for (let c = 0; c < this.#width; c++) {
            args[r * this.#width + c] = row[c];
          }
        }
        stmt.run(...args);
        i += size;
      }
    }
  }

  #stmt(size: number): StatementSync {
    let stmt = this.#stmts.get(size);
    if (!stmt) {
      stmt = this.#db.prepare(
        this.#sql + new Array(size).fill(this.#row).join(", "),
      );
      this.#stmts.set(size, stmt);
    }
    return stmt;
  }
}
