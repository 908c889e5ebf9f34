/**
 * The membership lock of an embedded log's consumer group: a file beside the log, held
 * with an exclusive `flock` by the group's one member. The lock goes with the process, so a
 * killed sink never leaves its group locked.
 *
 * @module
 */
import { GroupBusyError } from "./errors.ts";

/**
 * The path of `group`'s lock file for the log at `logPath`.
 *
 * @example
 * ```ts
 * import { groupLockPath } from "./group_lock.ts";
 * console.log(groupLockPath(".data/log.db", "s3-sink")); // .data/log.db.group-s3-sink.lock
 * ```
 */
export function groupLockPath(logPath: string, group: string): string {
  return `${logPath}.group-${encodeURIComponent(group)}.lock`;
}

/**
 * Takes `group`'s lock, or throws {@linkcode GroupBusyError} when another consumer (in
 * this process or another) holds it. Close the returned file to release it.
 *
 * @example
 * ```ts
 * import { lockGroup } from "./group_lock.ts";
 * const path = `${await Deno.makeTempDir()}/log.db`;
 * const lock = await lockGroup(path, "s3-sink");
 * const again = await lockGroup(path, "s3-sink").catch((e) => e.code);
 * console.log(again); // GROUP_BUSY
 * lock.close();
 * ```
 */
export async function lockGroup(
  logPath: string,
  group: string,
): Promise<Deno.FsFile> {
  const file = await Deno.open(groupLockPath(logPath, group), {
    create: true,
    write: true,
  });
  let locked = false;
  try {
    locked = await file.tryLock(true);
  } finally {
    if (!locked) file.close();
  }
  if (!locked) throw new GroupBusyError(group, logPath);
  return file;
}
