/**
 * Durable file primitives for the commit protocol: write-to-temp + fsync + rename +
 * directory fsync, so a file is either absent or complete after a crash or power loss.
 *
 * @module
 */
import { syncDir } from "../sync_dir.ts";
import { writeAll } from "../write_all.ts";

/**
 * Suffix of temporary files; whatever carries it was never committed.
 *
 * @example
 * ```ts
 * import { removeIfExists, TEMP_SUFFIX, writeTempFile } from "./atomic_file.ts";
 * const path = `${await Deno.makeTempDir()}/state.json`;
 * const temp = await writeTempFile(path, new TextEncoder().encode("{}"));
 * console.log(temp === path + TEMP_SUFFIX); // true
 * await removeIfExists(temp);
 * ```
 */
export const TEMP_SUFFIX = ".tmp";

/**
 * Options of {@linkcode writeFileAtomic}.
 *
 * @example
 * ```ts
 * import { writeFileAtomic, type WriteFileAtomicOptions } from "./atomic_file.ts";
 * const path = `${await Deno.makeTempDir()}/state.json`;
 * const options: WriteFileAtomicOptions = { beforeRename: () => Promise.reject(new Error("crash")) };
 * await writeFileAtomic(path, new TextEncoder().encode("{}"), options).catch(() => {});
 * console.log(await Deno.stat(path).then(() => "written", () => "absent")); // absent
 * ```
 */
export interface WriteFileAtomicOptions {
  /**
   * Called after the temp file is written and fsynced, before the rename, with the temp
   * path. Tests use it to tear the temp file and throw, as a crash at that moment would.
   */
  beforeRename?: (tempPath: string) => void | Promise<void>;
  /**
   * Called once the temp file is renamed to `path`, before the directory is fsynced: from
   * then on readers see the new file (tests throw here as a failed fsync would).
   */
  afterRename?: () => void | Promise<void>;
}

/**
 * Writes `bytes` to `path + ".tmp"` and fsyncs it; resolves to the temp path. Renaming it
 * to `path` (then fsyncing the directory) publishes it; see {@linkcode writeFileAtomic}.
 *
 * @example
 * ```ts
 * import { writeTempFile } from "./atomic_file.ts";
 * const dir = await Deno.makeTempDir();
 * const temp = await writeTempFile(`${dir}/a.parquet`, new Uint8Array([1, 2]));
 * await Deno.rename(temp, `${dir}/a.parquet`);
 * ```
 */
export async function writeTempFile(
  path: string,
  bytes: Uint8Array,
): Promise<string> {
  const tempPath = path + TEMP_SUFFIX;
  const file = await Deno.open(tempPath, {
    write: true,
    create: true,
    truncate: true,
  });
  try {
    await writeAll(file, bytes);
    await file.sync();
  } finally {
    file.close();
  }
  return tempPath;
}

/**
 * Writes `bytes` to `path` atomically and durably: the bytes go to `path + ".tmp"`, which
 * is fsynced and then renamed over `path`; the directory is fsynced last. Readers see the
 * old file or the new one, never a partial one.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./atomic_file.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/state.json`, new TextEncoder().encode("{}"));
 * console.log(await Deno.readTextFile(`${dir}/state.json`)); // {}
 * ```
 */
export async function writeFileAtomic(
  path: string,
  bytes: Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const tempPath = await writeTempFile(path, bytes);
  await options.beforeRename?.(tempPath);
  await Deno.rename(tempPath, path);
  await options.afterRename?.();
  await syncDir(parentDir(path));
}

/**
 * Removes a file; a file that is already gone is not an error.
 *
 * @example
 * ```ts
 * import { removeIfExists } from "./atomic_file.ts";
 * console.log(await removeIfExists("/tmp/surely-not-here-123")); // false
 * ```
 */
export async function removeIfExists(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * The directory part of a slash-separated path (`"."` for a bare name).
 *
 * @example
 * ```ts
 * import { parentDir } from "./atomic_file.ts";
 * console.log(parentDir("a/b/c.parquet")); // a/b
 * ```
 */
export function parentDir(path: string): string {
  const cut = path.lastIndexOf("/");
  if (cut < 0) return ".";
  return cut === 0 ? "/" : path.slice(0, cut);
}
