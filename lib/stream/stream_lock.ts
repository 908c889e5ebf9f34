/**
 * The lock one stream processor holds on the stream tables' folder: `{dir}/_lock`, held with
 * an exclusive `flock`, so a killed processor never leaves it behind. The holder writes its
 * process id, program (`deno task stream`, or `deno task emulate` for a job's catch-up) and
 * start time in it, for the {@linkcode StreamLockedError} that refuses the next processor.
 *
 * @module
 */
import { readLockHolder, tryLockAs } from "../file_lock.ts";
import {
  StreamDirError,
  type StreamHolder,
  StreamLockedError,
} from "./errors.ts";

/** How long a held lock is tried again before the tables count as held (see tryLockFile). */
const LOCK_WAIT_MS = 500;

/**
 * Creates `dir` and takes its lock, recording this process as its holder (with `program`
 * when given); throws {@linkcode StreamLockedError} naming the holder when another processor
 * has it, and {@linkcode StreamDirError} when the folder or the lock file cannot be created
 * or written. Close the returned file to release the lock.
 *
 * @example
 * ```ts
 * import { lockStreamTables } from "./stream_lock.ts";
 * const dir = await Deno.makeTempDir();
 * const lock = await lockStreamTables(dir, { program: "deno task stream" });
 * console.log(JSON.parse(await Deno.readTextFile(`${dir}/_lock`)).program); // deno task stream
 * const again = await lockStreamTables(dir).catch((e) => e.code);
 * console.log(again); // STREAM_LOCKED
 * lock.close();
 * ```
 */
export async function lockStreamTables(
  dir: string,
  holder: { program?: string } = {},
): Promise<Deno.FsFile> {
  const lockPath = `${dir}/_lock`;
  let file: Deno.FsFile | null = null;
  try {
    await Deno.mkdir(dir, { recursive: true });
    file = await tryLockAs(lockPath, { program: holder.program }, {
      waitMs: LOCK_WAIT_MS,
    });
  } catch (e) {
    throw new StreamDirError(dir, e);
  }
  if (file === null) {
    throw new StreamLockedError(dir, {
      lockPath,
      holder: await readLockHolder<StreamHolder>(lockPath),
    });
  }
  return file;
}
