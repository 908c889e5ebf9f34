/**
 * Writing a whole buffer to an open file: `FsFile.write` may write fewer bytes than given.
 *
 * @module
 */

/**
 * Writes every byte of `bytes` to `file`, calling `write` again for what a call left.
 *
 * @example
 * ```ts
 * import { writeAll } from "./write_all.ts";
 * const path = await Deno.makeTempFile();
 * using file = await Deno.open(path, { write: true });
 * await writeAll(file, new TextEncoder().encode("hello\n"));
 * console.log(await Deno.readTextFile(path)); // hello
 * ```
 */
export async function writeAll(
  file: Deno.FsFile,
  bytes: Uint8Array,
): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    done += await file.write(bytes.subarray(done));
  }
}
