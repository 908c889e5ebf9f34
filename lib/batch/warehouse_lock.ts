/**
 * One batch at a time per warehouse: a batch holds an exclusive lock (`flock`) on the
 * warehouse's lock file, `{dir}/.batch.lock`, from before it lists the lake until its
 * tables are renamed into place (or it gives up). A second batch on the same warehouse
 * waits for the lock, so the two never rename their tables in turn (pin of one run beside
 * geo of the other), and the second reads the lake after the first's tables are in place.
 * The kernel drops the lock when its holder's process ends, so a killed batch never leaves
 * it held. The file stays (empty): removing it while another batch waits on it would let a
 * third lock a new file of the same name beside it. A file, not the folder itself: Windows
 * cannot open a folder as a file.
 *
 * Readers and the renames of a commit take turns through a second lock file,
 * `{dir}/.batch-tables.lock` ({@linkcode lockTables}): a commit holds it exclusively while it
 * renames its tables into place (milliseconds), a reader shares it while it reads tables,
 * so a reader never gets some tables of one run and some of the next.
 *
 * @module
 */
import { join } from "node:path";
import { tryLockFile } from "../file_lock.ts";

/**
 * The lock file of the warehouse in `dir`.
 *
 * @example
 * ```ts
 * import { warehouseLockPath } from "./warehouse_lock.ts";
 * console.log(warehouseLockPath(".data/warehouse")); // .data/warehouse/.batch.lock
 * ```
 */
export function warehouseLockPath(dir: string): string {
  return join(dir, ".batch.lock");
}

/**
 * Options of {@linkcode lockWarehouse}.
 *
 * @example
 * ```ts
 * import { lockWarehouse, type LockWarehouseOptions } from "./warehouse_lock.ts";
 * const options: LockWarehouseOptions = { onWait: () => console.log("waiting") };
 * using _lock = await lockWarehouse(await Deno.makeTempDir(), options);
 * ```
 */
export interface LockWarehouseOptions {
  /** Called once, when another holder makes this call wait. */
  onWait?: () => void;
}

/**
 * Takes the exclusive lock of the warehouse in `dir` (which must exist), waiting as long as
 * another handle, in this process or another, holds it. Close the returned file to release
 * the lock.
 *
 * @example
 * ```ts
 * import { lockWarehouse } from "./warehouse_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const lock = await lockWarehouse(dir);
 * const next = lockWarehouse(dir, { onWait: () => console.log("another batch runs") });
 * lock.close(); // `next` now resolves
 * (await next).close();
 * ```
 */
export async function lockWarehouse(
  dir: string,
  options: LockWarehouseOptions = {},
): Promise<Deno.FsFile> {
  const path = warehouseLockPath(dir);
  const lock = await tryLockFile(path);
  if (lock !== null) return lock;
  options.onWait?.();
  return (await tryLockFile(path, { waitMs: Infinity }))!;
}

/**
 * The lock file readers and the renames of a commit share in the warehouse `dir`.
 *
 * @example
 * ```ts
 * import { tablesLockPath } from "./warehouse_lock.ts";
 * console.log(tablesLockPath(".data/warehouse")); // .data/warehouse/.batch-tables.lock
 * ```
 */
export function tablesLockPath(dir: string): string {
  return join(dir, ".batch-tables.lock");
}

/**
 * Options of {@linkcode lockTables}.
 *
 * @example
 * ```ts
 * import { lockTables, type LockTablesOptions } from "./warehouse_lock.ts";
 * const dir = await Deno.makeTempDir();
 * (await lockTables(dir))?.close(); // made the lock file
 * const options: LockTablesOptions = { shared: true };
 * (await lockTables(dir, options))?.close();
 * ```
 */
export interface LockTablesOptions {
  /** A reader's lock, shared with other readers; default exclusive (a commit's). */
  shared?: boolean;
}

/**
 * Takes the tables lock of the warehouse in `dir` (which must exist), waiting while it is
 * held otherwise: exclusive for a commit (the lock file is created when absent), shared for
 * a reader. A reader gets `undefined` when there is no lock file: no batch has committed
 * there since readers and commits take turns. Close the returned file to release the lock.
 *
 * @example
 * ```ts
 * import { lockTables } from "./warehouse_lock.ts";
 * const dir = await Deno.makeTempDir();
 * console.log(await lockTables(dir, { shared: true })); // undefined: no commit yet
 * const commit = await lockTables(dir);
 * const reader = lockTables(dir, { shared: true }); // waits for the commit
 * commit?.close();
 * (await reader)?.close();
 * ```
 */
export async function lockTables(
  dir: string,
  options: LockTablesOptions = {},
): Promise<Deno.FsFile | undefined> {
  const path = tablesLockPath(dir);
  let file: Deno.FsFile;
  try {
    file = await Deno.open(
      path,
      options.shared ? { read: true } : { create: true, write: true },
    );
  } catch (e) {
    const absent = e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.NotADirectory; // a warehouse path that is a file
    if (options.shared && absent) return undefined;
    throw e;
  }
  try {
    await file.lock(!options.shared);
    return file;
  } catch (e) {
    file.close();
    throw e;
  }
}
