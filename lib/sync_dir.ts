/**
 * Fsyncing a directory, the last step of publishing a file by rename: without it the rename
 * (or a creation) may be lost with the power even though the file's data is on disk.
 *
 * @module
 */

/**
 * Fsyncs a directory so that renames and creations inside it survive a power loss. On
 * Windows, which cannot open a directory as a file, it does nothing: NTFS journals renames.
 *
 * @example
 * ```ts
 * import { syncDir } from "./sync_dir.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a`, "x");
 * await syncDir(dir);
 * ```
 */
export async function syncDir(dir: string): Promise<void> {
  if (Deno.build.os === "windows") return;
  const handle = await Deno.open(dir, { read: true });
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}
