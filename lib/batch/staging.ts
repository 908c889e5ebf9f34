/**
 * Staging folders of the batch in the warehouse directory: `.tmp-{uuid}/`, where a batch
 * writes its tables (and keeps its cleaning scratch) before renaming them into place.
 *
 * A batch that is killed (SIGKILL, out of memory, power loss) cannot remove its folder,
 * and a folder holds up to the size of the tables (155 MiB for a million pins). Each
 * folder therefore comes with a lock file, `.tmp-{uuid}.lock`, that its batch holds
 * (`flock`) while it runs; the kernel drops the lock when the process ends. The next batch
 * removes every folder whose lock it can take, and leaves alone those of batches still
 * running on the same warehouse.
 *
 * @module
 */
import { join } from "node:path";
import { lockNewFile, tryLockFile } from "../file_lock.ts";

const PREFIX = ".tmp-";
const LOCK_SUFFIX = ".lock";

/**
 * A staging folder held by this process.
 *
 * @example
 * ```ts
 * import { openStagingDir, type StagingDir } from "./staging.ts";
 * const staging: StagingDir = await openStagingDir(await Deno.makeTempDir());
 * await staging.release();
 * console.log(await Deno.stat(staging.path).catch(() => "gone")); // gone
 * ```
 */
export interface StagingDir {
  /** Absolute or relative path of the folder. */
  path: string;
  /**
   * Removes the folder and its lock file, and releases the lock. Calls after the first
   * return the first one's promise (a failed commit releases, then the batch aborts).
   */
  release(): Promise<void>;
}

/**
 * Creates a staging folder in `parent` (which must exist) and holds its lock.
 *
 * @example
 * ```ts
 * import { openStagingDir } from "./staging.ts";
 * const staging = await openStagingDir(await Deno.makeTempDir());
 * await Deno.writeTextFile(`${staging.path}/t.parquet`, "...");
 * await staging.release(); // the folder is gone
 * ```
 */
export async function openStagingDir(parent: string): Promise<StagingDir> {
  const { path: lockPath, lock } = await lockNewFile(() =>
    join(parent, `${PREFIX}${crypto.randomUUID()}${LOCK_SUFFIX}`)
  );
  const path = lockPath.slice(0, -LOCK_SUFFIX.length);
  try {
    await Deno.mkdir(path);
  } catch (e) {
    lock.close();
    await Deno.remove(lockPath).catch(() => {});
    throw e;
  }
  let released: Promise<void> | undefined;
  return {
    path,
    release() {
      released ??= (async () => {
        await Deno.remove(path, { recursive: true }).catch(() => {});
        await Deno.remove(lockPath).catch(() => {});
        lock.close();
      })();
      return released;
    },
  };
}

/**
 * Removes the staging folders in `parent` that no running batch holds: what killed batches
 * left. Returns the paths removed. A `parent` that does not exist has none.
 *
 * @example
 * ```ts
 * import { openStagingDir, removeAbandonedStaging } from "./staging.ts";
 * const dir = await Deno.makeTempDir();
 * const held = await openStagingDir(dir);
 * console.log(await removeAbandonedStaging(dir)); // []: this process still holds it
 * await held.release();
 * ```
 */
export async function removeAbandonedStaging(
  parent: string,
): Promise<string[]> {
  // Only folders and lock files: other `.tmp-` files (a report being written, say) are not
  // staging folders.
  const folders = new Set<string>();
  const locks = new Set<string>();
  try {
    for await (const entry of Deno.readDir(parent)) {
      if (!entry.name.startsWith(PREFIX)) continue;
      if (entry.isDirectory) folders.add(entry.name);
      else if (entry.isFile && entry.name.endsWith(LOCK_SUFFIX)) {
        locks.add(entry.name);
      }
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of folders) {
    const path = join(parent, name);
    const lockPath = `${path}${LOCK_SUFFIX}`;
    // A batch makes its lock file before its folder, so a folder without one was left by a
    // version without locks (or is being removed). Otherwise the lock says if it is in use.
    const locked = await Deno.stat(lockPath).then(() => true, () => false);
    const lock = locked ? await tryLockFile(lockPath) : undefined;
    if (lock === null) continue;
    try {
      await Deno.remove(path, { recursive: true });
      removed.push(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    } finally {
      if (lock) {
        await Deno.remove(lockPath).catch(() => {});
        lock.close();
      }
    }
  }
  // Lock files whose folder is gone (a batch killed between the two removals).
  for (const name of locks) {
    if (folders.has(name.slice(0, -LOCK_SUFFIX.length))) continue;
    const lock = await tryLockFile(join(parent, name));
    if (lock === null) continue;
    await Deno.remove(join(parent, name)).catch(() => {});
    lock.close();
  }
  return removed;
}
