/**
 * The commit mark of the warehouse, `{dir}/.batch-commit`: present while a batch renames
 * its tables into place, one by one. A batch stopped among those renames (killed, out of
 * memory, power lost) leaves it behind with the warehouse holding tables of two runs, and
 * readers of the warehouse can tell: they wait for a commit in progress to end (the tables
 * lock, `warehouse_lock.ts`), and refuse a mark found then. The next batch that commits
 * clears it.
 *
 * The mark is written and its folder fsynced before the first rename; the folder is fsynced
 * after the last rename, then the mark removed: after a power loss the mark is still there
 * unless every rename is.
 *
 * @module
 */
import { join } from "node:path";
import { syncDir } from "../sync_dir.ts";

/**
 * The path of the commit mark of the warehouse in `dir`.
 *
 * @example
 * ```ts
 * import { commitMarkPath } from "./commit_mark.ts";
 * console.log(commitMarkPath(".data/warehouse")); // .data/warehouse/.batch-commit
 * ```
 */
export function commitMarkPath(dir: string): string {
  return join(dir, ".batch-commit");
}

/**
 * Sets the mark (durably) before the tables of a run are renamed into `dir`.
 *
 * @example
 * ```ts
 * import { clearCommitMark, isCommitMarked, markCommit } from "./commit_mark.ts";
 * const dir = await Deno.makeTempDir();
 * await markCommit(dir);
 * console.log(await isCommitMarked(dir)); // true
 * await clearCommitMark(dir);
 * ```
 */
export async function markCommit(dir: string): Promise<void> {
  const path = commitMarkPath(dir);
  using file = await Deno.open(path, { create: true, write: true });
  await file.sync();
  await syncDir(dir);
}

/**
 * Makes the renames into `dir` durable, then removes the mark.
 *
 * @example
 * ```ts
 * import { clearCommitMark, isCommitMarked, markCommit } from "./commit_mark.ts";
 * const dir = await Deno.makeTempDir();
 * await markCommit(dir);
 * await clearCommitMark(dir);
 * console.log(await isCommitMarked(dir)); // false
 * ```
 */
export async function clearCommitMark(dir: string): Promise<void> {
  await syncDir(dir);
  await Deno.remove(commitMarkPath(dir));
  await syncDir(dir);
}

/**
 * Whether the warehouse in `dir` is marked: a commit is in progress, or one was stopped
 * halfway.
 *
 * @example
 * ```ts
 * import { isCommitMarked } from "./commit_mark.ts";
 * console.log(await isCommitMarked(await Deno.makeTempDir())); // false
 * ```
 */
export async function isCommitMarked(dir: string): Promise<boolean> {
  try {
    await Deno.lstat(commitMarkPath(dir));
    return true;
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.NotADirectory // `dir` is a file: no warehouse
    ) return false;
    throw e;
  }
}
