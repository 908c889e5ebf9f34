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
