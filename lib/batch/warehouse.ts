/**
 * The warehouse: one Parquet file per table (`{dir}/{table}.parquet`), replaced atomically.
 *
 * All tables of a run are first written into a temp folder inside the warehouse, fsynced, and
 * then, once every one of them is written, renamed over the old files one by one, so each
 * file is always either the old or the new table, never a partial one. A run can stage each
 * table as soon as it is cleaned ({@linkcode beginWarehouseWrite}), so that a table's write
 * overlaps the next table's cleaning and its frame can be dropped. Writes of one warehouse
 * take turns, through the lock file `.batch.lock` (`warehouse_lock.ts`): a run's tables are
 * never renamed between another's. Readers ({@linkcode readWarehouse}) and the renames take
 * turns too (`.batch-tables.lock`), and a write stopped among its renames leaves a mark
 * (`.batch-commit`, `commit_mark.ts`) that readers refuse: they only get tables of one run.
 *
 * @module
 */
import { join } from "node:path";
import {
  type DataFrame,
  pl,
  type QuarantineRow,
  readParquetFile,
  sinkParquetFile,
} from "../clean/mod.ts";
import { clearCommitMark, isCommitMarked, markCommit } from "./commit_mark.ts";
import {
  WarehouseDamagedError,
  WarehouseMissingError,
  WarehouseMixedError,
  WarehouseWriteError,
} from "./errors.ts";
import {
  openStagingDir,
  removeAbandonedStaging,
  type StagingDir,
} from "./staging.ts";
import { lockTables, lockWarehouse } from "./warehouse_lock.ts";

/**
 * Tables the batch writes: the three clean tables and the quarantine.
 *
 * @example
 * ```ts
 * import { WAREHOUSE_TABLES } from "./warehouse.ts";
 * console.log(WAREHOUSE_TABLES.length); // 4
 * ```
 */
export const WAREHOUSE_TABLES = ["pin", "geo", "user", "quarantine"] as const;

/**
 * A table of the warehouse.
 *
 * @example
 * ```ts
 * import { WAREHOUSE_TABLES, type WarehouseTable } from "./warehouse.ts";
 * const table: WarehouseTable = "quarantine";
 * console.log(WAREHOUSE_TABLES.includes(table)); // true
 * ```
 */
export type WarehouseTable = (typeof WAREHOUSE_TABLES)[number];

/**
 * Path of a table's Parquet file.
 *
 * @example
 * ```ts
 * import { tablePath } from "./warehouse.ts";
 * console.log(tablePath(".data/warehouse", "pin")); // .data/warehouse/pin.parquet
 * ```
 */
export function tablePath(dir: string, table: string): string {
  return join(dir, `${table}.parquet`);
}

/**
 * The quarantine rows as a frame with text columns `table`, `reason`, `raw`.
 *
 * @example
 * ```ts
 * import { quarantineFrame } from "./warehouse.ts";
 * const df = quarantineFrame([{ table: "pin", reason: "missing ind", raw: "{}" }]);
 * console.log(df.columns, df.height); // ["table", "reason", "raw"] 1
 * ```
 */
export function quarantineFrame(rows: readonly QuarantineRow[]): DataFrame {
  return pl.DataFrame([
    pl.Series("table", rows.map((r) => r.table), pl.Utf8),
    pl.Series("reason", rows.map((r) => r.reason), pl.Utf8),
    pl.Series("raw", rows.map((r) => r.raw), pl.Utf8),
  ]);
}

/**
 * A warehouse write in progress: tables are staged one by one (each written and fsynced in a
 * staging folder inside the warehouse, on polars' threads, while the caller goes on), then
 * {@linkcode WarehouseWrite.commit} renames them all over the old files. Until then, and
 * whatever fails, the old tables stay as they were.
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import { beginWarehouseWrite, type WarehouseWrite } from "./warehouse.ts";
 * const dir = await Deno.makeTempDir();
 * const write: WarehouseWrite = await beginWarehouseWrite(dir);
 * write.stage("geo", pl.DataFrame({ ind: [1] }));
 * await write.abort();
 * console.log([...Deno.readDirSync(dir)].map((e) => e.name)); // [".batch.lock"]: nothing renamed, staging folder removed
 * ```
 */
export interface WarehouseWrite {
  /** The staging folder; scratch files may go there too, and are removed with it. */
  readonly stagingDir: string;
  /** Staging folders of writes that did not finish (killed), removed when this one began. */
  readonly leftovers: readonly string[];
  /**
   * Starts writing table `name` into the staging folder and returns at once; a failure is
   * reported by {@linkcode WarehouseWrite.commit}. The frame may be dropped by the caller.
   */
  stage(name: string, df: DataFrame): void;
  /**
   * Waits for every staged table, renames each over its old file, removes the staging
   * folder and lets the next write of the warehouse begin. Throws
   * {@linkcode WarehouseWriteError} (nothing renamed) when a table failed.
   */
  commit(): Promise<void>;
  /**
   * Waits for the staged writes to settle, removes the staging folder and lets the next
   * write begin; renames nothing.
   */
  abort(): Promise<void>;
}

/**
 * Options of {@linkcode beginWarehouseWrite}.
 *
 * @example
 * ```ts
 * import { beginWarehouseWrite, type BeginWarehouseWriteOptions } from "./warehouse.ts";
 * const options: BeginWarehouseWriteOptions = { onWait: () => console.log("another batch runs") };
 * await (await beginWarehouseWrite(await Deno.makeTempDir(), options)).abort();
 * ```
 */
export interface BeginWarehouseWriteOptions {
  /** Called once when another write of the same warehouse, not yet finished, makes this one wait. */
  onWait?: () => void;
}

/**
 * Begins a write into `dir` (created if needed), after removing the staging folders of
 * writes that were killed (see `staging.ts`). Call `commit()` once every table is staged,
 * or `abort()`. One write of a warehouse at a time (see `warehouse_lock.ts`): while another
 * one, in this process or another, has not committed or aborted, this waits for it.
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import { beginWarehouseWrite, readWarehouse } from "./warehouse.ts";
 * const dir = await Deno.makeTempDir();
 * const write = await beginWarehouseWrite(dir);
 * write.stage("geo", pl.DataFrame({ ind: [1] }));
 * await write.commit();
 * console.log((await readWarehouse(dir, ["geo"])).geo.height); // 1
 * ```
 */
export async function beginWarehouseWrite(
  dir: string,
  options: BeginWarehouseWriteOptions = {},
): Promise<WarehouseWrite> {
  let lock: Deno.FsFile | undefined;
  let held: StagingDir;
  let leftovers: string[];
  try {
    await Deno.mkdir(dir, { recursive: true });
    lock = await lockWarehouse(dir, options);
    leftovers = await removeAbandonedStaging(dir);
    held = await openStagingDir(dir);
  } catch (e) {
    lock?.close();
    throw new WarehouseWriteError(dir, e);
  }
  const staging = held.path;
  const names: string[] = [];
  const writes: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  let released: Promise<void> | undefined;
  const removeStaging = () =>
    released ??= held.release().finally(() => lock.close());
  return {
    stagingDir: staging,
    leftovers,
    stage(name, df) {
      names.push(name);
      writes.push(
        (async () => {
          const path = tablePath(staging, name);
          await sinkParquetFile(df, path);
          using file = await Deno.open(path, { read: true, write: true });
          await file.sync();
        })().catch((error) => {
          failure ??= { error };
        }),
      );
    },
    async commit() {
      const replaced: string[] = [];
      try {
        await Promise.all(writes);
        if (failure) throw failure.error;
        // A rename fails on a folder in the way: look for one before renaming any table, so
        // that the run replaces all of them or none.
        for (const name of names) await assertNoFolder(tablePath(dir, name));
        // Readers wait for the tables lock; they refuse the tables when the mark stays
        // (stopped between two renames: tables of two runs).
        using _tables = await lockTables(dir);
        await markCommit(dir);
        for (const name of names) {
          await Deno.rename(tablePath(staging, name), tablePath(dir, name));
          replaced.push(name);
        }
        await clearCommitMark(dir);
      } catch (e) {
        // Also when every table was renamed and the mark could not be removed: readers
        // refuse the tables until the next write all the same.
        throw new WarehouseWriteError(dir, e, { replaced });
      } finally {
        await removeStaging();
      }
    },
    async abort() {
      await Promise.all(writes);
      await removeStaging();
    },
  };
}

/** Throws `Deno.errors.IsADirectory` when `path` is a folder (a table file cannot replace it). */
async function assertNoFolder(path: string): Promise<void> {
  const info = await Deno.lstat(path).catch((e) => {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  });
  if (info?.isDirectory) {
    throw new Deno.errors.IsADirectory(`${path} is a folder`);
  }
}

/**
 * Writes `tables` into `dir` (created if needed), replacing each file atomically.
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import { readWarehouse, writeWarehouse } from "./warehouse.ts";
 * const dir = await Deno.makeTempDir();
 * await writeWarehouse(dir, { geo: pl.DataFrame({ ind: [1] }) });
 * console.log((await readWarehouse(dir, ["geo"])).geo.height); // 1
 * ```
 */
export async function writeWarehouse(
  dir: string,
  tables: Readonly<Record<string, DataFrame>>,
): Promise<void> {
  const write = await beginWarehouseWrite(dir);
  for (const [name, df] of Object.entries(tables)) write.stage(name, df);
  await write.commit();
}

/**
 * Reads the named tables; throws {@linkcode WarehouseMissingError} listing any that are absent,
 * {@linkcode WarehouseDamagedError} for a file that cannot be read, and
 * {@linkcode WarehouseMixedError} when a batch was stopped while renaming its tables into
 * place. A batch renaming its tables now is waited for (milliseconds), and waits for the
 * read to end before it renames any: the tables read are all of one run.
 *
 * @example
 * ```ts
 * import { readWarehouse } from "./warehouse.ts";
 * try {
 *   await readWarehouse(await Deno.makeTempDir(), ["pin"]);
 * } catch (e) {
 *   console.log((e as Error).message); // ... run `deno task batch` first ...
 * }
 * ```
 */
export async function readWarehouse<T extends string>(
  dir: string,
  tables: readonly T[],
): Promise<Record<T, DataFrame>> {
  using _tables = await lockTables(dir, { shared: true });
  if (await isCommitMarked(dir)) throw new WarehouseMixedError(dir);
  const missing: string[] = [];
  for (const t of tables) {
    try {
      if (!(await Deno.stat(tablePath(dir, t))).isFile) missing.push(t);
    } catch {
      missing.push(t);
    }
  }
  if (missing.length > 0) throw new WarehouseMissingError(dir, missing);
  const out = {} as Record<T, DataFrame>;
  for (const t of tables) {
    try {
      out[t] = readParquetFile(tablePath(dir, t));
    } catch (cause) {
      throw new WarehouseDamagedError(dir, t, { cause });
    }
  }
  return out;
}
