/**
 * Exclusive file locks (`flock`) that say who may write somewhere: the stream tables'
 * directory, a consumer group of the embedded log. The kernel drops a lock when its
 * holder's process ends, so a killed writer never leaves one behind.
 *
 * @module
 */
import { sleep } from "./sleep.ts";
import { writeAll } from "./write_all.ts";

/**
 * Options of {@linkcode tryLockFile}.
 *
 * @example
 * ```ts
 * import { tryLockFile, type TryLockFileOptions } from "./file_lock.ts";
 * const path = `${await Deno.makeTempDir()}/_lock`;
 * const held = await tryLockFile(path);
 * const options: TryLockFileOptions = { waitMs: 100 };
 * console.log(await tryLockFile(path, options)); // null: still held after 100 ms
 * held?.close();
 * ```
 */
export interface TryLockFileOptions {
  /**
   * How long to keep trying while the lock is held, in ms (default 0: answer at once). A
   * lock its holder just released can still look held for a moment: a child process being
   * spawned shares this process's open files until it executes its program.
   */
  waitMs?: number;
}

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
export async function tryLockFile(
  path: string,
  options: TryLockFileOptions = {},
): Promise<Deno.FsFile | null> {
  const until = performance.now() + (options.waitMs ?? 0);
  for (;;) {
    const file = await Deno.open(path, { create: true, write: true });
    let locked = false;
    try {
      locked = await file.tryLock(true);
    } finally {
      if (!locked) file.close();
    }
    if (locked) return file;
    if (performance.now() >= until) return null;
    await sleep(20);
  }
}

/**
 * A file this process created and holds the lock of (close `lock` to release it).
 *
 * @example
 * ```ts
 * import { type LockedFile, lockNewFile } from "./file_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const scratch: LockedFile = await lockNewFile(() => `${dir}/part-${crypto.randomUUID()}.tmp`);
 * console.log((await Deno.stat(scratch.path)).isFile); // true
 * scratch.lock.close();
 * ```
 */
export interface LockedFile {
  path: string;
  lock: Deno.FsFile;
}

/**
 * Creates a new file at `pathFor()` (a fresh name per call) and takes its lock, for a
 * scratch file whose leftovers other processes remove when they can take its lock. Such a
 * cleanup may take the lock of the fresh file first and unlink it; the lock would then
 * hold a file no one can see, so that name is dropped and the next one tried (10 at most).
 *
 * @example
 * ```ts
 * import { lockNewFile } from "./file_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const { path, lock } = await lockNewFile(() => `${dir}/scratch.tmp-${crypto.randomUUID()}`);
 * console.log(path.startsWith(dir)); // true
 * lock.close();
 * ```
 */
export async function lockNewFile(pathFor: () => string): Promise<LockedFile> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const path = pathFor();
    const lock = await tryLockFile(path);
    if (lock === null) continue;
    const same = await Deno.stat(path).then(
      async (s) => s.ino === (await lock.stat()).ino,
      () => false,
    );
    if (same) return { path, lock };
    lock.close();
  }
  throw new Error(
    `could not create and lock a new file like ${pathFor()} in 10 tries (is another process removing them?)`,
  );
}

/**
 * Who holds a lock taken with {@linkcode tryLockAs}, as recorded in its file: the process,
 * when it took the lock, and the program it runs in when it said.
 *
 * @example
 * ```ts
 * import type { LockHolder } from "./file_lock.ts";
 * const holder: LockHolder = { pid: 4242, since: "2026-11-27T10:00:00.000Z", program: "deno task stream" };
 * console.log(holder.pid); // 4242
 * ```
 */
export interface LockHolder {
  pid: number;
  /** When it took the lock, as an ISO 8601 time. */
  since: string;
  program?: string;
}

/**
 * Takes the lock on `path` as {@linkcode tryLockFile} does and records its holder in the
 * file, as one JSON line `{"pid":…, …about, "since":…}` (fields of `about` left undefined
 * are not written), so that a process it refuses can name it. Returns `null` when another
 * handle holds the lock.
 *
 * @example
 * ```ts
 * import { readLockHolder, tryLockAs } from "./file_lock.ts";
 * const path = `${await Deno.makeTempDir()}/_lock`;
 * const lock = await tryLockAs(path, { program: "deno task stream" });
 * console.log((await readLockHolder(path))?.program, await tryLockAs(path, {})); // deno task stream null
 * lock?.close();
 * ```
 */
export async function tryLockAs(
  path: string,
  about: Record<string, unknown>,
  options: TryLockFileOptions = {},
): Promise<Deno.FsFile | null> {
  const file = await tryLockFile(path, options);
  if (file === null) return null;
  try {
    const record = { pid: Deno.pid, ...about, since: new Date().toISOString() };
    await file.truncate(0);
    await writeAll(
      file,
      new TextEncoder().encode(JSON.stringify(record) + "\n"),
    );
    return file;
  } catch (e) {
    file.close();
    throw e;
  }
}

/**
 * The holder recorded in the lock file at `path` by {@linkcode tryLockAs}, or `null` when
 * none is (yet: the file is absent, empty or being written) or the record is not whole:
 * `pid`, `since` and `program` (when present) of the right types, and `valid` (the
 * caller's own fields) true.
 *
 * @example
 * ```ts
 * import { readLockHolder } from "./file_lock.ts";
 * const path = `${await Deno.makeTempDir()}/_lock`;
 * await Deno.writeTextFile(path, '{"pid":7,"since":"2026-11-27T10:00:00.000Z","group":"g"}\n');
 * const group = (h: Record<string, unknown>) => typeof h.group === "string";
 * console.log((await readLockHolder(path, group))?.pid, await readLockHolder(`${path}-none`)); // 7 null
 * ```
 */
export async function readLockHolder<T extends LockHolder = LockHolder>(
  path: string,
  valid: (holder: Record<string, unknown>) => boolean = () => true,
): Promise<T | null> {
  try {
    const holder = JSON.parse(await Deno.readTextFile(path));
    const whole = Number.isInteger(holder?.pid) &&
      typeof holder.since === "string" &&
      (holder.program === undefined || typeof holder.program === "string") &&
      valid(holder);
    return whole ? holder : null;
  } catch {
    return null; // not written yet, or being written
  }
}
