import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { BulkInsert } from "./bulk_insert.ts";

Deno.test("bulk insert: every row count is inserted completely and in order", () => {
  const db = new DatabaseSync(":memory:");
  db.exec(
    "CREATE TABLE t (seq INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, b BLOB, s TEXT)",
  );
  const bulk = new BulkInsert(db, { table: "t", columns: ["n", "b", "s"] });
  let next = 0;
  for (const count of [0, 1, 7, 8, 9, 31, 32, 33, 41, 100]) {
    const rows = Array.from({ length: count }, () => {
      const n = next++;
      return [n, new Uint8Array([n % 256]), n % 3 === 0 ? null : `s${n}`];
    });
    bulk.insert(rows);
  }
  const all = db.prepare("SELECT seq, n, b, s FROM t ORDER BY seq").all() as {
    seq: number;
    n: number;
    b: Uint8Array;
    s: string | null;
  }[];
  assert.equal(all.length, 262);
  all.forEach((row, i) => {
    assert.equal(row.n, i);
    assert.deepEqual([...row.b], [i % 256]);
    assert.equal(row.s, i % 3 === 0 ? null : `s${i}`);
  });
  db.close();
});

Deno.test("bulk insert: a failing row fails its chunk statement as a whole", () => {
  const db = new DatabaseSync(":memory:");
  db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY)");
  const bulk = new BulkInsert(db, { table: "t", columns: ["k"] });
  bulk.insert([[5]]);
  assert.throws(() => bulk.insert(Array.from({ length: 8 }, (_, i) => [i])));
  assert.deepEqual(db.prepare("SELECT k FROM t").all().map((r) => r.k), [5]);
  db.close();
});
