import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { Checkpointer } from "./checkpointer.ts";
import { openEmbeddedLog } from "./embedded_log.ts";
import { openLogDatabase } from "./sqlite_db.ts";

/** The salts in the WAL header (bytes 16-23): they change when the WAL restarts. */
function walSalts(path: string): string {
  return Deno.readFileSync(`${path}-wal`).subarray(16, 24).join(",");
}

Deno.test("checkpointer: worker checkpoints stop at a reader's snapshot; a complete one lets the WAL restart, the database file holds every row", async () => {
  const dir = await Deno.makeTempDir({ prefix: "checkpointer_test_" });
  const path = `${dir}/log.db`;
  const db = openLogDatabase(path);
  db.exec("CREATE TABLE t (i INTEGER PRIMARY KEY, v BLOB NOT NULL)");
  const cp = new Checkpointer(db, path, {
    startBytes: 0,
    intervalMs: 0,
    restartFrames: 40,
  });
  const salts = walSalts(path);
  const insert = db.prepare("INSERT INTO t VALUES (?, ?)");
  let rows = 0;
  const commitBatch = () => {
    db.exec("BEGIN IMMEDIATE");
    for (let k = 0; k < 20; k++, rows++) {
      insert.run(rows, new Uint8Array(1000).fill(rows % 251));
    }
    db.exec("COMMIT");
    cp.afterCommit();
  };
  // A reader in another connection keeps an old snapshot: checkpoints cannot copy the
  // frames after it, so the WAL cannot start over and grows past 40 frames.
  const reader = new DatabaseSync(path);
  reader.exec("BEGIN");
  reader.prepare("SELECT count(*) FROM t").get();
  for (let batch = 0; batch < 100 && cp.walFrames < 40; batch++) {
    commitBatch();
    await cp.whenIdle();
  }
  assert.ok(cp.walFrames >= 40, `${cp.walFrames} frames`);
  assert.equal(cp.completions, 0);
  reader.exec("COMMIT");
  reader.close();
  // The next worker checkpoint copies everything; the writer's own checkpoint finds the
  // WAL complete and counts it.
  commitBatch();
  await cp.whenIdle();
  assert.equal(cp.completions, 1);
  assert.equal(cp.lastError, undefined);
  assert.ok(cp.checkpoints >= 2, `${cp.checkpoints} checkpoints`);
  // The database file alone (without its WAL) holds every row.
  const copy = `${dir}/copy.db`;
  Deno.copyFileSync(path, copy);
  const plain = new DatabaseSync(copy);
  assert.deepEqual({ ...plain.prepare("SELECT count(*) AS n FROM t").get() }, {
    n: rows,
  });
  plain.close();
  // The next commit starts the WAL over: new salts in its header.
  commitBatch();
  await cp.whenIdle();
  assert.notEqual(walSalts(path), salts);
  const all = db.prepare("SELECT i, v FROM t ORDER BY i").all();
  assert.equal(all.length, rows);
  for (const r of all) {
    assert.deepEqual(
      r.v,
      new Uint8Array(1000).fill(Number(r.i) % 251),
    );
  }
  await cp.close();
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkpointer: a small WAL is left alone (no worker); the log's stats count worker checkpoints", async () => {
  const dir = await Deno.makeTempDir({ prefix: "checkpointer_test_" });
  const small = await openEmbeddedLog(`${dir}/small.db`);
  await small.topics.createTopic("t");
  await small.topics.append("t", [{ value: new Uint8Array([1]) }]);
  assert.equal(small.stats().checkpoints, 0);
  await small.close();

  const log = await openEmbeddedLog(`${dir}/log.db`, {
    checkpoint: { startBytes: 64 * 1024, intervalMs: 0 },
  });
  await log.topics.createTopic("t");
  const value = new Uint8Array(4000).fill(7);
  for (let i = 0; i < 40; i++) {
    await log.topics.append("t", [{ value }, { value }]);
  }
  await log.close(); // waits for a running checkpoint
  assert.ok(log.stats().checkpoints >= 1, `${log.stats().checkpoints}`);
  const again = await openEmbeddedLog(`${dir}/log.db`);
  const consumer = await again.topics.consumer("g", ["t"]);
  const got = await consumer.poll({ maxRecords: 1000, timeoutMs: 0 });
  assert.deepEqual(got.map((r) => r.offset), [...Array(80).keys()]);
  assert.ok(got.every((r) => r.value.length === 4000 && r.value[3999] === 7));
  await again.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkpointer: when the worker cannot checkpoint, the writer does, and lastError says why", async () => {
  const dir = await Deno.makeTempDir({ prefix: "checkpointer_test_" });
  const path = `${dir}/log.db`;
  const db = openLogDatabase(path, { fsync: false });
  // The worker opens its own connection at this path, which cannot exist.
  const checkpointer = new Checkpointer(db, `${dir}/absent/log.db`, {
    fsync: false,
    intervalMs: 0,
    startBytes: 0,
  });
  db.exec("CREATE TABLE t (x)");
  for (let i = 0; i < 4; i++) {
    db.exec(`INSERT INTO t VALUES (${i})`);
    checkpointer.afterCommit();
    await checkpointer.whenIdle();
  }
  assert.deepEqual(
    [
      checkpointer.checkpoints,
      checkpointer.completions,
      checkpointer.walFrames,
    ],
    [0, 4, 1], // each restarted WAL holds the one insert
  );
  assert.match(
    checkpointer.lastError ?? "",
    /^Error: cannot open .*\/absent\/log\.db: .*unable to open database file/,
  );
  // The writer's checkpoints copied every row into the database file itself.
  await Deno.copyFile(path, `${dir}/copy.db`);
  const copy = new DatabaseSync(`${dir}/copy.db`);
  assert.deepEqual(copy.prepare("SELECT count(*) AS n FROM t").get(), {
    __proto__: null,
    n: 4,
  });
  copy.close();
  await checkpointer.close();
  db.close();
  await Deno.remove(dir, { recursive: true });
});
