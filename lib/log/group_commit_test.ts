import assert from "node:assert/strict";
import {
  BackendError,
  PipelineError,
  StreamNotFoundError,
  TopicNotFoundError,
} from "../errors.ts";
import { openEmbeddedLog } from "./embedded_log.ts";
import { InvalidPartitionError, LogClosedError } from "./errors.ts";
import { GroupCommitter } from "./group_commit.ts";
import { openLogDatabase } from "./sqlite_db.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("group commit: concurrent appends share one commit; a bad caller fails alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "group_commit_test_" });
  const log = await openEmbeddedLog(`${dir}/log.db`);
  await log.topics.createTopic("t");
  await log.streams.createStream("s");
  const before = log.stats();
  const v = (s: string) => ({ value: enc.encode(s) });
  const outcomes = await Promise.allSettled([
    log.topics.append("t", [v("a1"), v("a2")]),
    log.topics.append("missing", [v("x")]),
    log.topics.append("t", [v("b1"), { ...v("b2"), partition: 7 }]),
    log.streams.putRecords("s", [{
      data: enc.encode("s1"),
      partitionKey: "k",
    }]),
    log.streams.putRecords("gone", [{
      data: enc.encode("s2"),
      partitionKey: "k",
    }]),
    log.topics.append("t", [v("c1")]),
  ]);
  const after = log.stats();
  assert.equal(after.commits - before.commits, 1);
  assert.equal(after.jobs - before.jobs, 6);
  assert.deepEqual(outcomes.map((o) => o.status), [
    "fulfilled",
    "rejected",
    "rejected",
    "fulfilled",
    "rejected",
    "fulfilled",
  ]);
  const value = (i: number) =>
    (outcomes[i] as PromiseFulfilledResult<unknown>).value;
  const reason = (i: number) => (outcomes[i] as PromiseRejectedResult).reason;
  assert.deepEqual(value(0), [{ partition: 0, offset: 0 }, {
    partition: 0,
    offset: 1,
  }]);
  assert.ok(reason(1) instanceof TopicNotFoundError);
  assert.ok(reason(2) instanceof InvalidPartitionError);
  assert.deepEqual(value(3), [{
    shardId: "shardId-000000000000",
    sequenceNumber: "000000000000000000000",
  }]);
  assert.ok(reason(4) instanceof StreamNotFoundError);
  // b1 was rolled back with its caller, so c1 takes offset 2.
  assert.deepEqual(value(5), [{ partition: 0, offset: 2 }]);
  const c = await log.topics.consumer("g", ["t"]);
  assert.deepEqual(
    (await c.poll({ timeoutMs: 0 })).map((r) => dec.decode(r.value)),
    [
      "a1",
      "a2",
      "c1",
    ],
  );
  const page = await log.streams.readShard("s", "shardId-000000000000");
  assert.deepEqual(page.records.map((r) => dec.decode(r.data)), ["s1"]);
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("group commit: appends arriving while a commit runs join the next one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "group_commit_test_" });
  const log = await openEmbeddedLog(`${dir}/log.db`, { fsync: false });
  await log.topics.createTopic("t");
  const before = log.stats();
  let next = 0;
  const results: number[] = [];
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let i = 0; i < 20; i++) {
        const [r] = await log.topics.append("t", [{
          value: enc.encode(String(next++)),
        }]);
        results.push(r.offset);
      }
    }),
  );
  const after = log.stats();
  assert.equal(after.jobs - before.jobs, 320);
  // 16 clients each waiting for their previous append: every commit carries 16 appends.
  assert.equal(after.commits - before.commits, 20);
  assert.deepEqual(
    results.sort((a, b) => a - b),
    Array.from({ length: 320 }, (_, i) => i),
  );
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("group commit: a validatesFirst job failing midway reruns the group with savepoints", async () => {
  const dir = await Deno.makeTempDir({ prefix: "group_commit_test_" });
  const db = openLogDatabase(`${dir}/log.db`);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  db.exec("INSERT INTO t VALUES (1, 'old')");
  const gc = new GroupCommitter(db);
  const calls = { begin: 0, abort: 0, rollbackJob: 0 };
  gc.addHooks({
    begin: () => calls.begin++,
    abort: () => calls.abort++,
    rollbackJob: () => calls.rollbackJob++,
  });
  const insert = db.prepare("INSERT INTO t VALUES (?, ?)");
  const fast = { validatesFirst: true };
  const outcomes = await Promise.allSettled([
    gc.submit(() => insert.run(2, "a"), fast),
    // Writes row 3, then hits the primary key of row 1: a SQLite error midway.
    gc.submit(() => {
      insert.run(3, "half");
      insert.run(1, "clash");
    }, fast),
    gc.submit(() => {
      throw new PipelineError("refused before writing");
    }, fast),
    gc.submit(() => insert.run(4, "c")),
  ]);
  assert.deepEqual(outcomes.map((o) => o.status), [
    "fulfilled",
    "rejected",
    "rejected",
    "fulfilled",
  ]);
  const reason = (i: number) => (outcomes[i] as PromiseRejectedResult).reason;
  assert.match(String(reason(1)), /UNIQUE constraint failed: t.id/);
  assert.equal(reason(2).message, "refused before writing");
  // First try rolled back whole, second try with a savepoint per job; one commit.
  assert.deepEqual(calls, { begin: 2, abort: 1, rollbackJob: 2 });
  assert.equal(gc.commits, 1);
  assert.deepEqual(
    db.prepare("SELECT id, v FROM t ORDER BY id").all(),
    [
      { id: 1, v: "old" },
      { id: 2, v: "a" },
      { id: 4, v: "c" },
    ].map((r) => ({ __proto__: null, ...r })),
  );
  await gc.close();
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("group commit: close() commits what is queued, then refuses new jobs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "group_commit_test_" });
  const db = openLogDatabase(`${dir}/log.db`, { fsync: false });
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  const gc = new GroupCommitter(db, { path: `${dir}/log.db` });
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  const queued = [1, 2, 3].map((id) => gc.submit(() => insert.run(id)));
  await gc.close(); // called before the group ran
  assert.equal((await Promise.all(queued)).length, 3);
  assert.deepEqual([gc.commits, gc.jobs], [1, 3]);
  assert.deepEqual(db.prepare("SELECT count(*) AS n FROM t").get(), {
    __proto__: null,
    n: 3,
  });
  await assert.rejects(gc.submit(() => insert.run(4)), LogClosedError);
  db.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("group commit: a group that cannot begin or commit fails whole with BackendError; the next group commits", async () => {
  const dir = await Deno.makeTempDir({ prefix: "group_commit_test_" });
  const path = `${dir}/log.db`;
  const db = openLogDatabase(path, { fsync: false, busyTimeoutMs: 0 });
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  const gc = new GroupCommitter(db, { path });
  const insert = db.prepare("INSERT INTO t VALUES (?)");
  const count = () =>
    (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n;
  // Another connection holds the write lock: BEGIN IMMEDIATE fails at once.
  const other = openLogDatabase(path, { fsync: false });
  other.exec("BEGIN IMMEDIATE");
  const locked = await Promise.allSettled(
    [1, 2].map((id) => gc.submit(() => insert.run(id))),
  );
  for (const outcome of locked) {
    const reason = (outcome as PromiseRejectedResult).reason;
    assert.ok(reason instanceof BackendError);
    assert.equal(
      reason.message,
      `sqlite: could not start a write transaction on ${path}; nothing of it was written (database is locked): the log is kept as it is; check the free disk space, the file's permissions and that no other program holds it, then start again`,
    );
    assert.match(String(reason.cause), /database is locked/);
  }
  other.exec("ROLLBACK");
  other.close();
  // A hook failing before COMMIT rolls the whole group back.
  let abort = 0;
  let failCommit = true;
  gc.addHooks({
    beforeCommit: () => {
      if (failCommit) throw new Error("cache write-back failed");
    },
    abort: () => abort++,
  });
  const failed = await Promise.allSettled(
    [3, 4].map((id) => gc.submit(() => insert.run(id))),
  );
  assert.deepEqual(
    failed.map((o) => (o as PromiseRejectedResult).reason.message),
    Array(2).fill(
      `sqlite: the write transaction failed on ${path}; nothing of it was written (cache write-back failed): the log is kept as it is; check the free disk space, the file's permissions and that no other program holds it, then start again`,
    ),
  );
  assert.deepEqual([abort, count(), gc.commits], [1, 0, 0]);
  failCommit = false;
  await gc.submit(() => insert.run(5));
  assert.deepEqual([count(), gc.commits], [1, 1]);
  await gc.close();
  db.close();
  await Deno.remove(dir, { recursive: true });
});
