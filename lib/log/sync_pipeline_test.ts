import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import { openEmbeddedLog } from "./embedded_log.ts";
import { GroupCommitter } from "./group_commit.ts";
import { openLogDatabase } from "./sqlite_db.ts";
import { WalSync } from "./wal_sync.ts";

const enc = new TextEncoder();

/** Waits until `done()` holds, checking every millisecond; fails after 20 s. */
async function until(done: () => boolean): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (!done() && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1));
  }
  assert.ok(done(), "condition never held");
}

Deno.test("durability: an ack waits for a sync that started after its commit; commits go on meanwhile", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sync_pipeline_test_" });
  const path = `${dir}/log.db`;
  const db = openLogDatabase(path);
  db.exec("CREATE TABLE t (x INTEGER)");
  const wal = new WalSync(path);
  const startedAt: number[] = []; // commits made when each sync started
  const gates: (() => void)[] = [];
  const gc: GroupCommitter = new GroupCommitter(db, {
    // The real fdatasync, held back until the test opens its gate.
    sync: async () => {
      startedAt.push(gc.commits);
      await new Promise<void>((open) => gates.push(open));
      await wal.sync();
    },
  });
  const insert = (x: number) =>
    gc.submit((d) => d.prepare("INSERT INTO t VALUES (?)").run(x));
  const acked: string[] = [];
  const a = insert(1).then(() => acked.push("a"));
  await until(() => startedAt.length === 1);
  assert.deepEqual(startedAt, [1]);
  // b commits while the sync of a runs: it is in the file but not acknowledged.
  const b = insert(2).then(() => acked.push("b"));
  const c = insert(3).then(() => acked.push("c"));
  await until(() => gc.commits === 2);
  const rows = db.prepare("SELECT x FROM t ORDER BY x").all();
  assert.deepEqual(rows.map((r) => r.x), [1, 2, 3]);
  assert.deepEqual(acked, []);
  gates[0]();
  await a;
  assert.deepEqual(acked, ["a"]); // the sync of commit 1 does not cover commit 2
  await until(() => startedAt.length === 2);
  assert.deepEqual(startedAt, [1, 2]);
  assert.deepEqual(acked, ["a"]);
  assert.equal(gc.pipeline?.durable, 1);
  gates[1]();
  await Promise.all([b, c]);
  assert.deepEqual(acked, ["a", "b", "c"]);
  assert.equal(gc.pipeline?.syncs, 2);
  assert.equal(gc.pipeline?.durable, 2);
  await gc.close();
  wal.close();
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("durability: each acknowledged append is covered by a finished sync (stats)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sync_pipeline_test_" });
  const log = await openEmbeddedLog(`${dir}/log.db`);
  await log.topics.createTopic("t");
  const base = log.stats();
  // One client: append i is commit base + i, and is acknowledged only once durable.
  for (let i = 1; i <= 5; i++) {
    await log.topics.append("t", [{ value: enc.encode(`${i}`) }]);
    const s = log.stats();
    assert.equal(s.commits, base.commits + i);
    assert.equal(s.durableCommits, base.commits + i);
    assert.equal(s.syncs, base.syncs + i);
  }
  // 16 clients: every append is acknowledged, and the syncs cover every commit.
  const before = log.stats();
  await Promise.all(Array.from({ length: 16 }, async (_, c) => {
    for (let i = 0; i < 10; i++) {
      await log.topics.append("t", [{ value: enc.encode(`${c}-${i}`) }]);
      const s = log.stats();
      assert.ok(s.durableCommits > before.commits);
    }
  }));
  const after = log.stats();
  assert.equal(after.jobs - before.jobs, 160);
  assert.equal(after.durableCommits, after.commits);
  assert.ok(after.syncs - before.syncs <= after.commits - before.commits);
  await log.close();

  const off = await openEmbeddedLog(`${dir}/off.db`, { fsync: false });
  await off.topics.createTopic("t");
  await off.topics.append("t", [{ value: enc.encode("x") }]);
  assert.deepEqual(off.stats(), {
    commits: 2,
    jobs: 2,
    syncs: 0,
    durableCommits: 0,
    checkpoints: 0,
  });
  await off.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("durability: a failed sync rejects its writes; every later write is refused unwritten", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sync_pipeline_test_" });
  const path = `${dir}/log.db`;
  const db = openLogDatabase(path);
  db.exec("CREATE TABLE t (x INTEGER)");
  const wal = new WalSync(path);
  const gc = new GroupCommitter(db, { path, sync: () => wal.sync() });
  const insert = (x: number) =>
    gc.submit((d) => d.prepare("INSERT INTO t VALUES (?)").run(x));
  await insert(1);
  wal.close(); // the next sync fails
  const failed = await insert(2).catch((e) => e);
  assert.ok(failed instanceof BackendError, String(failed));
  assert.match(failed.message, /could not fsync .*log\.db-wal.*restart/);
  const later = await insert(3).catch((e) => e);
  assert.equal(later, failed);
  // Writes queued together after the failure: none is run.
  const queued = await Promise.all(
    [insert(4), insert(5)].map((p) => p.catch((e) => e)),
  );
  assert.deepEqual(queued, [failed, failed]);
  assert.equal(gc.pipeline?.syncs, 1);
  // Row 2 was committed, its durability unknown; later writes were not written, so a
  // client that retries them elsewhere does not find them twice in the log.
  const rows = db.prepare("SELECT x FROM t ORDER BY x").all();
  assert.deepEqual(rows.map((r) => r.x), [1, 2]);
  assert.equal(gc.commits, 2);
  await gc.close();
  db.close();
  await Deno.remove(dir, { recursive: true });
});
