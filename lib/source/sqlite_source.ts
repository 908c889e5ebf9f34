/**
 * The embedded source: the three course tables in a SQLite file (`node:sqlite`).
 *
 * `seedSqlite` writes a fresh file atomically (a temporary file, fsynced, then renamed over the
 * target), so a reader never sees a half-written source. `openSqliteSource` reads posts as the
 * course does: the same bound offset in each table.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";
import { basename, dirname, join } from "node:path";
import { lockNewFile, tryLockFile } from "../file_lock.ts";
import { BackendError } from "../errors.ts";
import {
  SeedTargetError,
  SourceNotFoundError,
  SourceOffsetError,
} from "./errors.ts";
import { createGenerator, type GenerateOptions } from "./generator.ts";
import { checkSeedTarget, hasSqliteHeader } from "./seed_target.ts";
import {
  createTableSql,
  fromSqlRow,
  insertSql,
  selectRowSql,
  TABLES,
  toSqlValues,
} from "./schema.ts";
import type { Post, SourceReader, TableName } from "./types.ts";

/**
 * Progress of a seed: rows written so far out of `total` (per table).
 *
 * @example
 * ```ts
 * import { type SeedProgress, seedSqlite } from "./sqlite_source.ts";
 * const seen: SeedProgress[] = [];
 * const onProgress = (progress: SeedProgress) => seen.push(progress);
 * await seedSqlite(`${await Deno.makeTempDir()}/source.db`, { rows: 300, progressEvery: 100, onProgress });
 * console.log(seen.at(-1)); // { rows: 300, total: 300 }
 * ```
 */
export interface SeedProgress {
  rows: number;
  total: number;
}

/**
 * Options of {@linkcode seedSqlite} (and of `seedMysql`).
 *
 * @example
 * ```ts
 * import { type SeedOptions, seedSqlite } from "./sqlite_source.ts";
 * const options: SeedOptions = { rows: 200, seed: 7, progressEvery: 100, onProgress: (p) => console.log(p.rows) };
 * await seedSqlite(`${await Deno.makeTempDir()}/source.db`, options);
 * // 100
 * // 200
 * ```
 */
export interface SeedOptions extends GenerateOptions {
  /** Called every `progressEvery` rows and once at the end. */
  onProgress?: (progress: SeedProgress) => void;
  /** Rows between progress calls (default 1,000). */
  progressEvery?: number;
}

/**
 * What a seed wrote.
 *
 * @example
 * ```ts
 * import { type SeedSummary, seedSqlite } from "./sqlite_source.ts";
 * const summary: SeedSummary = await seedSqlite(`${await Deno.makeTempDir()}/source.db`, { rows: 100 });
 * console.log(summary.rows, summary.seed, summary.location.endsWith("/source.db")); // 100 42 true
 * ```
 */
export interface SeedSummary {
  /** Where the tables are (no password). */
  location: string;
  /** Rows per table. */
  rows: number;
  seed: number;
  /** Wall time of the whole seed. */
  elapsedMs: number;
}

/** Infix of the file a seed writes before renaming it into place. */
const SEED_TEMP = ".tmp-";

/**
 * Removes the temp files of seeds of `path` that were killed: those whose lock no running
 * seed holds (a seed of a million rows leaves about 1 GB).
 */
async function removeAbandonedSeeds(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = `${basename(path)}${SEED_TEMP}`;
  const temps = new Set<string>();
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.startsWith(prefix)) {
      temps.add(entry.name.replace(/-journal$/, "")); // a journal goes with its file
    }
  }
  for (const name of temps) {
    const lock = await tryLockFile(join(dir, name));
    if (lock === null) continue; // a seed running now
    for (const file of [name, `${name}-journal`]) {
      await Deno.remove(join(dir, file)).catch(() => {});
    }
    lock.close();
  }
}

/**
 * Writes the generated tables into a SQLite file, replacing it atomically: the rows go to
 * `{path}.tmp-{uuid}` first, which the seed holds a lock on; the temp files of seeds that
 * were killed are removed by the next seed of the same path. A file at `path` that is not a
 * source file (not SQLite, or holding other tables) is left alone: `SeedTargetError`.
 *
 * @example
 * ```ts
 * import { seedSqlite } from "./sqlite_source.ts";
 * const dir = await Deno.makeTempDir();
 * const summary = await seedSqlite(`${dir}/source.db`, { rows: 1000, seed: 42 });
 * console.log(summary.rows, summary.elapsedMs);
 * ```
 */
export async function seedSqlite(
  path: string,
  options: SeedOptions = {},
): Promise<SeedSummary> {
  const started = performance.now();
  const gen = createGenerator(options);
  const every = options.progressEvery ?? 1000;
  let db: DatabaseSync;
  let tmp: string;
  let lock: Deno.FsFile | undefined;
  try {
    await checkSeedTarget(path);
    await Deno.mkdir(dirname(path), { recursive: true });
    await removeAbandonedSeeds(path);
    ({ path: tmp, lock } = await lockNewFile(() =>
      `${path}${SEED_TEMP}${crypto.randomUUID()}`
    ));
    db = new DatabaseSync(tmp);
  } catch (cause) {
    lock?.close();
    if (cause instanceof SeedTargetError) throw cause;
    throw writeError(path, cause);
  }
  try {
    db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
    db.exec("BEGIN");
    for (const table of TABLES) db.exec(createTableSql("sqlite", table));
    const inserts = TABLES.map((t) =>
      db.prepare(insertSql("sqlite", t, { rows: 1 }))
    );
    for (let i = 0; i < gen.rows; i++) {
      const { pin, geo, user } = gen.post(i);
      inserts[0].run(...toSqlValues("pinterest_data", pin));
      inserts[1].run(...toSqlValues("geolocation_data", geo));
      inserts[2].run(...toSqlValues("user_data", user));
      if ((i + 1) % every === 0 && i + 1 < gen.rows) {
        options.onProgress?.({ rows: i + 1, total: gen.rows });
      }
    }
    db.exec("COMMIT");
    db.close();
    const file = await Deno.open(tmp, { read: true, write: true });
    await file.sync();
    file.close();
    await Deno.rename(tmp, path);
  } catch (err) {
    if (db.isOpen) db.close();
    await Deno.remove(tmp).catch(() => {});
    await Deno.remove(`${tmp}-journal`).catch(() => {});
    throw writeError(path, err);
  } finally {
    lock.close();
  }
  options.onProgress?.({ rows: gen.rows, total: gen.rows });
  return {
    location: path,
    rows: gen.rows,
    seed: gen.seed,
    elapsedMs: performance.now() - started,
  };
}

/** Why the source file at `path` could not be written (a full disk, a bad folder). */
function writeError(path: string, cause: unknown): BackendError {
  return new BackendError(
    "sqlite",
    `cannot write the source file ${path} (${
      cause instanceof Error ? cause.message : String(cause)
    }); check that its folder can be created and written and has free space, or pass another --source`,
    { cause, context: { path } },
  );
}

/** Whether the `n` rows of `table` have the rowids 1 to `n`; false when it has no rowid. */
function denseRowids(db: DatabaseSync, table: TableName, n: number): boolean {
  let stats;
  try {
    stats = db.prepare(
      `SELECT MIN(rowid) AS lo, MAX(rowid) AS hi FROM "${table}"`,
    ).get();
  } catch {
    return false; // a view, or a table WITHOUT ROWID: "no such column: rowid"
  }
  return n > 0 && Number(stats?.lo) === 1 && Number(stats?.hi) === n;
}

/**
 * Opens a seeded SQLite file as a {@linkcode SourceReader} (read-only).
 *
 * @throws {SourceNotFoundError} when the file or one of the tables is missing, or the file
 * is not a SQLite database.
 * @example
 * ```ts
 * import { openSqliteSource, seedSqlite } from "./sqlite_source.ts";
 * const path = `${await Deno.makeTempDir()}/source.db`;
 * await seedSqlite(path, { rows: 100 });
 * const source = await openSqliteSource(path);
 * const post = await source.readPost(Math.floor(Math.random() * await source.rowCount()));
 * console.log(post.pin.index === post.user.ind); // true
 * await source.close();
 * ```
 */
export async function openSqliteSource(path: string): Promise<SourceReader> {
  try {
    await Deno.stat(path);
  } catch (cause) {
    throw new SourceNotFoundError(path, "the file does not exist", { cause });
  }
  let db: DatabaseSync | undefined;
  let present: Set<string>;
  try {
    db = new DatabaseSync(path, { readOnly: true });
    present = new Set(
      db.prepare(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')",
      ).all()
        .map((r) => String(r.name)),
    );
  } catch (cause) {
    if (db?.isOpen) db.close();
    throw new SourceNotFoundError(
      path,
      `the file is not a readable SQLite database (${
        (cause as Error).message
      }); ${
        hasSqliteHeader(path)
          ? "seeding replaces it"
          : "seeding replaces only SQLite files, so delete it first if it is yours to lose"
      }`,
      { cause },
    );
  }
  const missing = TABLES.filter((t) => !present.has(t));
  if (missing.length > 0) {
    db.close();
    throw new SourceNotFoundError(
      path,
      `the file lacks the table(s) ${missing.join(", ")}`,
    );
  }
  // A table whose rowids are exactly 1..COUNT(*) (as seedSqlite writes it) answers
  // `LIMIT 1 OFFSET r` with the row whose rowid is r + 1: the same row, found by key instead of
  // by a scan of r rows. Other tables, and views and tables WITHOUT ROWID (which have no
  // rowid), are read with the course's LIMIT/OFFSET.
  const counts: number[] = [];
  const selects = TABLES.map((t) => {
    const n = Number(db.prepare(`SELECT COUNT(*) AS n FROM "${t}"`).get()?.n);
    counts.push(n);
    return denseRowids(db, t, n)
      ? { stmt: db.prepare(`SELECT * FROM "${t}" WHERE rowid = ? + 1`) }
      : { stmt: db.prepare(selectRowSql("sqlite", t)) };
  });
  const rows = Math.min(...counts);
  const read = (k: number, table: TableName, offset: number) => {
    const row = selects[k].stmt.get(offset);
    if (!row) throw new SourceOffsetError(path, offset, { rowCount: rows });
    return fromSqlRow(table, row);
  };
  return {
    location: path,
    rowCount: () => Promise.resolve(rows),
    readPost(offset: number): Promise<Post> {
      if (!Number.isInteger(offset) || offset < 0 || offset >= rows) {
        return Promise.reject(
          new SourceOffsetError(path, offset, { rowCount: rows }),
        );
      }
      try {
        return Promise.resolve({
          pin: read(0, "pinterest_data", offset),
          geo: read(1, "geolocation_data", offset),
          user: read(2, "user_data", offset),
        } as unknown as Post);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    close(): Promise<void> {
      if (db.isOpen) db.close();
      return Promise.resolve();
    },
  };
}
