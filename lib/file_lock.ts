/**
 * Exclusive file locks (`flock`) that say who may write somewhere: the stream tables'
 * directory, a consumer group of the embedded log. The kernel drops a lock when its
 * holder's process ends, so a killed writer never leaves one behind.
 *
 * @module
 */

/**
 * Takes an exclusive lock on `path` (the file is created when absent), or returns `null`
 * when another handle, in this process or another, holds it. Close the returned file to
 * release the lock.
 *
 * @example
 * ```ts
 * import { tryLockFile } from "./file_lock.ts";
 * const path = `${await Deno.makeTempDir()}/_lock`;
 * const lock = await tryLockFile(path);
 * console.log(lock !== null, await tryLockFile(path)); // true null
 * lock?.close();
 * ```
 */
export async function tryLockFile(path: string): Promise<Deno.FsFile | null> {
  const file = await Deno.open(path, { create: true, write: true });
  let locked = false;
  try {
    locked = await file.tryLock(true);
  } finally {
    if (!locked) file.close();
  }
  return locked ? file : null;
}

/**
 * Creates `path` (when absent) and takes its lock, for a scratch file whose leftovers other
 * processes remove when they can take its lock. Such a cleanup may take the lock of the
 * fresh file first and unlink it; the lock then holds a file no one can see, so this
 * returns `null` (as it does when the lock is taken): try again under a new name.
 *
 * @example
 * ```ts
 * import { lockFreshFile } from "./file_lock.ts";
 * const path = `${await Deno.makeTempDir()}/scratch.tmp-1`;
 * const lock = await lockFreshFile(path);
 * console.log(lock !== null); // true
 * lock?.close();
 * ```
 */
export async function lockFreshFile(
  path: string,
): Promise<Deno.FsFile | null> {
  const lock = await tryLockFile(path);
  if (lock === null) return null;
  const same = await Deno.stat(path).then(
    async (s) => s.ino === (await lock.stat()).ino,
    () => false,
  );
  if (same) return lock;
  lock.close();
  return null;
}
