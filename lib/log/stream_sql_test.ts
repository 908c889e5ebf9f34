import assert from "node:assert/strict";
import { GroupCommitter } from "./group_commit.ts";
import { openLogDatabase } from "./sqlite_db.ts";
import { StreamSql } from "./stream_sql.ts";

const counter = (db: ReturnType<typeof openLogDatabase>) =>
  (db.prepare("SELECT next_seq FROM streams WHERE name = 's'").get() as {
    next_seq: number;
  }).next_seq;

Deno.test("stream sql: counters advanced in memory are written back once, and survive a rolled-back job", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stream_sql_test_" });
  const db = openLogDatabase(`${dir}/log.db`);
  const sql = new StreamSql(db);
  const gc = new GroupCommitter(db);
  gc.addHooks(sql);
  await gc.submit(() => {
    const id = sql.insertStream("s", 1);
    sql.insertShard(id, {
      no: 0,
      range: { start: 0n, end: (1n << 128n) - 1n },
      startingSeq: 0,
    });
  });
  const updates: number[] = [];
  const put = (n: number) =>
    gc.submit(() => {
      const row = sql.stream("s");
      const from = row.next_seq;
      sql.advanceSeq(row, from + n);
      updates.push(counter(db)); // the file is not written per put
      return from;
    }, { validatesFirst: true });
  const outcomes = await Promise.allSettled([
    put(2),
    // A job with its own savepoint that writes the counter and then fails.
    gc.submit(() => {
      sql.setNextSeq(sql.stream("s").id, 1000);
      throw new Error("midway");
    }),
    put(3),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), [
    "fulfilled",
    "rejected",
    "fulfilled",
  ]);
  const froms = outcomes.map((o) => o.status === "fulfilled" ? o.value : null);
  assert.deepEqual(froms, [0, null, 2]);
  // The first put's counter was written back before the savepoint, so the rollback of
  // the failed job kept it; the second put's was written back before the COMMIT.
  assert.deepEqual(updates, [0, 2]);
  assert.equal(counter(db), 5);
  assert.equal(gc.commits, 2);
  await gc.close();
  db.close();
  await Deno.remove(dir, { recursive: true });
});
