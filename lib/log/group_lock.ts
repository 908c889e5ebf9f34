/**
 * The membership lock of an embedded log's consumer group: a file beside the log, held
 * with an exclusive `flock` by the group's one member. The lock goes with the process, so a
 * killed sink never leaves its group locked.
 *
 * @module
 */
import { tryLockFile } from "../file_lock.ts";
import { GroupBusyError } from "./errors.ts";

/**
 * The path of `group`'s lock file for the log at `logPath`: the group's name, URI-encoded,
 * or for a name that would make the file name too long, its SHA-256.
 *
 * @example
 * ```ts
 * import { groupLockPath } from "./group_lock.ts";
 * console.log(await groupLockPath(".data/log.db", "s3-sink")); // .data/log.db.group-s3-sink.lock
 * console.log((await groupLockPath("log.db", "g".repeat(300))).length); // 89
 * ```
 */
export async function groupLockPath(
  logPath: string,
  group: string,
): Promise<string> {
  let name = encodeURIComponent(group);
  if (name.length > MAX_PLAIN_NAME) {
    const digest = await crypto.subtle.digest(
      "SHA-256",
      new TextEncoder().encode(group),
    );
    name = `sha256-${
      Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0"))
        .join("")
    }`;
  }
  return `${logPath}.group-${name}.lock`;
}

/** How long a held group lock is tried again before the group counts as busy. */
const LOCK_WAIT_MS = 500;

/** Longest encoded group name kept readable in a lock file's name (limit: 255 bytes). */
const MAX_PLAIN_NAME = 100;

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
  const lock = await tryLockFile(await groupLockPath(logPath, group), {
    waitMs: LOCK_WAIT_MS,
  });
  if (lock === null) throw new GroupBusyError(group, logPath);
  return lock;
}
