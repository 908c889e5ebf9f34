/**
 * Opens the SQLite file of the embedded log and creates its schema.
 *
 * One file holds topics, consumer-group offsets and streams. WAL mode lets reader
 * processes (sink, stream processor) read while one writer (the gateway) appends.
 *
 * Durability (fsync on, the default) is `synchronous=NORMAL` plus an `fdatasync` of the
 * `-wal` file after commits (`wal_sync.ts`, `sync_pipeline.ts`, `sync_mode.ts`):
 * - a COMMIT only `write()`s its frames to the WAL, so it never waits for the disk; the log acknowledges a write once a WAL sync that started after its
 *   COMMIT has finished. A WAL is recovered up to its last valid commit frame, so
 *   after a power loss every acknowledged commit is there and the file is consistent;
 * - SQLite rewrites WAL frames only in two cases: frames of the still-open transaction,
 *   and the WAL restart (a writer starts over at the head of the WAL). A restart happens
 *   only when every frame was checkpointed, and with NORMAL a checkpoint syncs the WAL
 *   before copying frames into the database file and syncs the database file before it
 *   records the copy as complete (`nBackfill = mxFrame`; SQLite's `walCheckpoint`), and
 *   the new WAL header is synced before new frames follow it. So when a synced frame is
 *   overwritten, its pages are already durable in the database file;
 * - checkpoints run with these syncs whoever runs them: the automatic checkpoint is off
 *   (`wal_autocheckpoint=0`: it would block the event loop on two fsyncs every 1000
 *   pages) and `checkpointer.ts` checkpoints from a worker thread with its own
 *   `synchronous=NORMAL` connection, the writer's (also NORMAL) completing one every
 *   1024 frames; SQLite's checkpoint at close stays on;
 * - a process that opens the same file with fsync off (`synchronous=OFF`) checkpoints
 *   without those syncs, which would void this argument: every process that shares a
 *   file must use the same fsync setting (they all take the default unless told);
 * - readers (of this process and others) see a commit as soon as it is in the WAL,
 *   before its sync ends: after a power loss, a record that a reader saw but whose
 *   writer was not yet acknowledged may be gone. An acknowledged record never is.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { BackendError } from "../errors.ts";

/**
 * Options of {@linkcode openLogDatabase}.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * const db = openLogDatabase(await Deno.makeTempFile(), { fsync: false, busyTimeoutMs: 1000 });
 * db.close();
 * ```
 */
export interface LogDatabaseOptions {
  /**
   * Durable commits: `synchronous=NORMAL`, checkpoints sync (the caller syncs the WAL
   * after commits, see `wal_sync.ts`); `false` gives `synchronous=OFF`, no sync at all.
   * Default true.
   */
  fsync?: boolean;
  /** How long a statement waits for another process's write lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * Size the `-wal` file is cut back to when the WAL starts over, in bytes (`PRAGMA
   * journal_size_limit`). A reader that holds a snapshot keeps checkpoints from completing,
   * and the WAL grows meanwhile (100 MB seen behind a sink); without a limit it kept that
   * size for good. Default 64 MiB, far above the 4 MB a checkpointed WAL reaches, so the
   * WAL is still rewritten in place in steady state.
   */
  walSizeLimitBytes?: number;
}

/**
 * Version of the schema below, kept in `PRAGMA user_version`. Any change to the schema
 * bumps it: a log of the current version is opened without running the schema.
 *
 * @example
 * ```ts
 * import { openLogDatabase, SCHEMA_VERSION } from "./sqlite_db.ts";
 * const db = openLogDatabase(await Deno.makeTempFile());
 * console.log(db.prepare("PRAGMA user_version").get(), SCHEMA_VERSION);
 * db.close();
 * ```
 */
export const SCHEMA_VERSION = 3;

/**
 * Records are keyed by one packed integer, `slot * 2^37 + offset` (topics) or
 * `shard * 2^37 + sequence` (streams), so each table is a single B-tree that appends at
 * the end of a slot's range: about twice as fast as a table plus a secondary index.
 *
 * @example
 * ```ts
 * import { POSITION_BITS } from "./sqlite_db.ts";
 * const slot = 3, offset = 41;
 * const pos = slot * POSITION_BITS + offset;
 * console.log(Math.floor(pos / POSITION_BITS), pos % POSITION_BITS); // 3 41
 * ```
 */
export const POSITION_BITS = 2 ** 37;

/**
 * Slots (topic partitions, shards) are numbered below this, so positions stay < 2^53.
 *
 * @example
 * ```ts
 * import { MAX_SLOTS, POSITION_BITS } from "./sqlite_db.ts";
 * console.log(MAX_SLOTS * POSITION_BITS <= Number.MAX_SAFE_INTEGER + 1); // true
 * ```
 */
export const MAX_SLOTS = 2 ** 16;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS topics (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  partitions INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS topic_partitions (
  slot INTEGER PRIMARY KEY,
  topic_id INTEGER NOT NULL,
  partition INTEGER NOT NULL,
  UNIQUE (topic_id, partition)
);
CREATE TABLE IF NOT EXISTS topic_records (
  pos INTEGER PRIMARY KEY,
  key TEXT,
  value BLOB NOT NULL,
  ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS group_offsets (
  group_name TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  PRIMARY KEY (group_name, topic, partition)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS streams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  next_seq INTEGER NOT NULL,
  next_shard INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS shards (
  slot INTEGER PRIMARY KEY,
  stream_id INTEGER NOT NULL,
  shard_no INTEGER NOT NULL,
  parent_no INTEGER,
  adjacent_parent_no INTEGER,
  hash_start TEXT NOT NULL,
  hash_end TEXT NOT NULL,
  starting_seq INTEGER NOT NULL,
  ending_seq INTEGER,
  UNIQUE (stream_id, shard_no)
);
CREATE TABLE IF NOT EXISTS stream_records (
  pos INTEGER PRIMARY KEY,
  partition_key TEXT NOT NULL,
  data BLOB NOT NULL,
  ts INTEGER NOT NULL
);
`;

/**
 * Opens (creating when absent) the log database at `path` in WAL mode with its schema.
 * Another SQLite database found at `path` is refused before anything in it changes.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * const db = openLogDatabase(await Deno.makeTempFile({ suffix: ".db" }), { fsync: false });
 * console.log(db.prepare("PRAGMA journal_mode").get()); // { journal_mode: "wal" }
 * db.close();
 * ```
 */
export function openLogDatabase(
  path: string,
  options: LogDatabaseOptions = {},
): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (cause) {
    throw new BackendError(
      "sqlite",
      `cannot open the log file ${path} (${
        cause instanceof Error ? cause.message : String(cause)
      }); check that its folder exists and is writable, and that no folder has the log's name`,
      { cause, context: { path } },
    );
  }
  try {
    db.exec(`PRAGMA busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    // Before the switch to WAL, which stays in the file: leave another database untouched.
    const found = db.prepare(
      "SELECT count(*) AS tables, count(*) FILTER (WHERE name = 'topics') AS logs FROM sqlite_master WHERE type = 'table'",
    ).get() as { tables: number; logs: number };
    if (found.tables > 0 && found.logs === 0) {
      throw new BackendError(
        "sqlite",
        `cannot prepare the log file ${path} (another SQLite database: its tables are not the log's): another file has the log's name: move it away, or choose another --data-dir`,
        { context: { path } },
      );
    }
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(
      `PRAGMA synchronous = ${options.fsync === false ? "OFF" : "NORMAL"}`,
    );
    db.exec("PRAGMA wal_autocheckpoint = 0");
    db.exec(
      `PRAGMA journal_size_limit = ${options.walSizeLimitBytes ?? 64 << 20}`,
    );
    db.exec("BEGIN IMMEDIATE");
    const version = (db.prepare("PRAGMA user_version").get() as {
      user_version: number;
    }).user_version;
    const tables = (db.prepare(
      "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'",
    ).get() as { n: number }).n;
    if (tables > 0 && version === 2) {
      // v2 kept next offsets in a column; v3 derives them from the records.
      db.exec("ALTER TABLE topic_partitions DROP COLUMN next_offset");
    } else if (tables > 0 && version !== SCHEMA_VERSION) {
      db.exec("ROLLBACK");
      // A newer log may hold records worth keeping: move it, rather than delete it.
      const what = version > SCHEMA_VERSION
        ? "it was written by a newer version of the pipeline. Run that version, or move it away (with its -wal, -shm files)"
        : "not a log of this version. Delete it (and its -wal, -shm files)";
      throw new BackendError(
        "sqlite",
        `the log file ${path} has schema version ${version}, this version needs ${SCHEMA_VERSION}: ${what} to start afresh`,
        { context: { path, version, expected: SCHEMA_VERSION } },
      );
    }
    // A current log is opened without a write: it opens on a full disk too.
    if (tables === 0 || version !== SCHEMA_VERSION) {
      db.exec(SCHEMA);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    }
    db.exec("COMMIT");
  } catch (cause) {
    db.close();
    if (cause instanceof BackendError) throw cause;
    throw logFileError(path, cause, `cannot prepare the log file ${path}`);
  }
  return db;
}

/**
 * {@linkcode logFileError} for a failed read of the log at `path`.
 *
 * @example
 * ```ts
 * import { logReadError } from "./sqlite_db.ts";
 * const err = logReadError("log.db", new Error("database disk image is malformed"));
 * console.log(err.message); // sqlite: cannot read the log file log.db (database disk image is malformed): ...
 * ```
 */
export function logReadError(path: string, cause: unknown): BackendError {
  return logFileError(path, cause, `cannot read the log file ${path}`);
}

/**
 * The `BackendError` for a SQLite failure on the log at `path`: the message says what
 * failed (`what`), quotes SQLite's reason and says what to do: move a damaged log or another
 * file with its name away, else check the disk, permissions and other programs.
 *
 * @example
 * ```ts
 * import { logFileError } from "./sqlite_db.ts";
 * const err = logFileError("log.db", new Error("database disk image is malformed"), "cannot read log.db");
 * console.log(err.message); // sqlite: cannot read log.db (database disk image is malformed): the log is damaged: ...
 * ```
 */
export function logFileError(
  path: string,
  cause: unknown,
  what: string,
): BackendError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  const advice = /not a database/.test(detail)
    ? "another file has the log's name: move it away, or choose another --data-dir"
    : /malformed|corrupt/.test(detail)
    ? "the log is damaged: move it away (with its -wal file) to start afresh, or restore it from a copy"
    : "the log is kept as it is; check the free disk space, the file's permissions and that no other program holds it, then start again";
  return new BackendError("sqlite", `${what} (${detail}): ${advice}`, {
    cause,
    context: { path },
  });
}
