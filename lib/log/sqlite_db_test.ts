import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { BackendError } from "../errors.ts";
import { openEmbeddedLog } from "./embedded_log.ts";
import { openLogDatabase, SCHEMA_VERSION } from "./sqlite_db.ts";

Deno.test("log database: WAL mode, synchronous NORMAL with fsync and OFF without, no auto-checkpoint, busy timeout", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sqlite_db_test_" });
  for (const [fsync, level] of [[true, 1], [false, 0]] as const) {
    const db = openLogDatabase(`${dir}/log-${fsync}.db`, {
      fsync,
      busyTimeoutMs: 1234,
    });
    assert.deepEqual({ ...db.prepare("PRAGMA journal_mode").get() }, {
      journal_mode: "wal",
    });
    assert.deepEqual({ ...db.prepare("PRAGMA synchronous").get() }, {
      synchronous: level,
    });
    assert.deepEqual({ ...db.prepare("PRAGMA busy_timeout").get() }, {
      timeout: 1234,
    });
    assert.deepEqual({ ...db.prepare("PRAGMA wal_autocheckpoint").get() }, {
      wal_autocheckpoint: 0,
    });
    assert.deepEqual({ ...db.prepare("PRAGMA user_version").get() }, {
      user_version: SCHEMA_VERSION,
    });
    db.close();
  }
  const defaults = openLogDatabase(`${dir}/log-default.db`);
  assert.deepEqual({ ...defaults.prepare("PRAGMA synchronous").get() }, {
    synchronous: 1,
  });
  assert.deepEqual({ ...defaults.prepare("PRAGMA busy_timeout").get() }, {
    timeout: 5000,
  });
  assert.deepEqual({ ...defaults.prepare("PRAGMA journal_size_limit").get() }, {
    journal_size_limit: 64 << 20,
  });
  defaults.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("log database: a version-2 file is migrated; an unknown version is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sqlite_db_test_" });
  const path = `${dir}/log.db`;
  const log = await openEmbeddedLog(path);
  await log.topics.createTopic("t");
  await log.topics.append("t", [{ value: new Uint8Array([1]) }]);
  await log.close();
  // Make it look like a version-2 file, which kept next offsets in a column.
  const raw = new DatabaseSync(path);
  raw.exec(
    "ALTER TABLE topic_partitions ADD COLUMN next_offset INTEGER NOT NULL DEFAULT 0",
  );
  raw.exec("PRAGMA user_version = 2");
  raw.close();
  const again = await openEmbeddedLog(path);
  assert.deepEqual(
    await again.topics.append("t", [{ value: new Uint8Array([2]) }]),
    [
      { partition: 0, offset: 1 },
    ],
  );
  await again.close();
  const check = new DatabaseSync(path);
  const cols = check.prepare("PRAGMA table_info(topic_partitions)").all();
  check.close();
  assert.deepEqual(cols.map((c) => c.name), ["slot", "topic_id", "partition"]);

  const other = new DatabaseSync(path);
  other.exec("PRAGMA user_version = 99");
  other.close();
  assert.throws(
    () => openLogDatabase(path),
    (e: unknown) =>
      e instanceof BackendError &&
      e.message ===
        `sqlite: the log file ${path} has schema version 99, this version needs 3: it was written by a newer version of the pipeline. Run that version, or move it away (with its -wal, -shm files) to start afresh`,
  );
  // An older log than version 2 cannot be read by any version now.
  const older = new DatabaseSync(path);
  older.exec("PRAGMA user_version = 1");
  older.close();
  assert.throws(
    () => openLogDatabase(path),
    (e: unknown) =>
      e instanceof BackendError &&
      e.message ===
        `sqlite: the log file ${path} has schema version 1, this version needs 3: not a log of this version. Delete it (and its -wal, -shm files) to start afresh`,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("log database: a log that cannot be prepared for another reason is kept, and the message says why without advising to delete it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sqlite_db_test_" });
  try {
    const path = `${dir}/log.db`;
    const log = await openEmbeddedLog(path);
    await log.topics.createTopic("t");
    await log.close();
    // Another program holds the file (a full disk fails the same way: the cause differs).
    const holder = new DatabaseSync(path);
    holder.exec("BEGIN EXCLUSIVE");
    assert.throws(
      () => openLogDatabase(path, { busyTimeoutMs: 20 }),
      (e: unknown) =>
        e instanceof BackendError &&
        e.message ===
          `sqlite: cannot prepare the log file ${path} (database is locked): the log is kept as it is; check the free disk space, the file's permissions and that no other program holds it, then start again` &&
        (e.cause as Error).message === "database is locked",
    );
    holder.exec("ROLLBACK");
    holder.close();
    const again = await openEmbeddedLog(path);
    assert.deepEqual((await again.topics.listTopics()).map((t) => t.name), [
      "t",
    ]);
    await again.close();

    const other = `${dir}/other.db`;
    await Deno.writeTextFile(other, "notes, not a database ".repeat(10));
    assert.throws(
      () => openLogDatabase(other),
      (e: unknown) =>
        e instanceof BackendError &&
        e.message ===
          `sqlite: cannot prepare the log file ${other} (file is not a database): another file has the log's name: move it away, or choose another --data-dir`,
    );
    assert.equal(
      await Deno.readTextFile(other),
      "notes, not a database ".repeat(10),
    );

    // A folder with the log's name cannot be opened at all.
    await Deno.mkdir(`${dir}/folder.db`);
    assert.throws(
      () => openLogDatabase(`${dir}/folder.db`),
      (e: unknown) =>
        e instanceof BackendError &&
        /^sqlite: cannot open the log file .*\/folder\.db \(.+\); check that its folder exists and is writable, and that no folder has the log's name$/
          .test(e.message),
    );

    // A damaged log (its schema page overwritten) is named as such.
    const bytes = await Deno.readFile(path);
    bytes.fill(0x5a, 100, 4096); // page 1 after the 100-byte file header
    await Deno.writeFile(path, bytes);
    assert.throws(
      () => openLogDatabase(path),
      (e: unknown) =>
        e instanceof BackendError &&
        e.message ===
          `sqlite: cannot prepare the log file ${path} (database disk image is malformed): the log is damaged: move it away (with its -wal file) to start afresh, or restore it from a copy`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("log database: another SQLite database with the log's name is refused untouched, without advice to delete it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sqlite_db_test_" });
  const path = `${dir}/log.db`;
  const other = new DatabaseSync(path);
  other.exec(
    "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep')",
  );
  other.close();
  assert.throws(
    () => openLogDatabase(path),
    (e: unknown) =>
      e instanceof BackendError &&
      e.message ===
        `sqlite: cannot prepare the log file ${path} (another SQLite database: its tables are not the log's): another file has the log's name: move it away, or choose another --data-dir`,
  );
  // Its journal mode and rows are as they were.
  const check = new DatabaseSync(path);
  assert.deepEqual(
    { ...check.prepare("PRAGMA journal_mode").get() },
    { journal_mode: "delete" },
  );
  assert.deepEqual(
    check.prepare("SELECT body FROM notes").all().map((r) => r.body),
    ["keep"],
  );
  check.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("log database: a -wal file grown while a reader held its frames shrinks back once a checkpoint completed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sqlite_db_test_" });
  const path = `${dir}/log.db`;
  const walBytes = () => Deno.statSync(`${path}-wal`).size;
  const db = openLogDatabase(path, {
    fsync: false,
    walSizeLimitBytes: 1 << 20,
  });
  try {
    db.exec("CREATE TABLE filler (b BLOB)");
    const insert = db.prepare("INSERT INTO filler VALUES (?)");
    // A reader in another connection (a sink, say) pins the WAL: no checkpoint completes.
    const reader = new DatabaseSync(path);
    reader.exec("BEGIN");
    reader.prepare("SELECT count(*) FROM filler").get();
    for (let i = 0; i < 64; i++) insert.run(new Uint8Array(128 * 1024));
    assert.ok(walBytes() > 8 << 20, `${walBytes()} bytes`);
    reader.exec("COMMIT");
    reader.close();
    db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get();
    // The commit that starts the WAL over cuts it to the limit; it had stayed at 8 MB.
    insert.run(new Uint8Array(10));
    assert.ok(walBytes() <= 1 << 20, `${walBytes()} bytes`);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
