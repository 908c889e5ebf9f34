/**
 * The lock a sink holds on the lake folder it writes, so that one sink at a time writes a
 * lake, whatever its consumer group. The lake's object names carry no group: two sinks of
 * different groups on one lake would each write every record, in objects of their own
 * boundaries, and the lake would hold records twice (and the next start stop on
 * `LakeCorruptionError`). The embedded log's group lock keeps out a second member of one
 * group only.
 *
 * The lock is the file `{lake}.sink.lock` beside the lake folder (`.data/lake.sink.lock`),
 * held with an exclusive `flock`, so a killed sink never leaves it behind; the holder
 * writes its process id, group, topics and start time in it, for the error that refuses
 * the next sink. Only a lake of local files (one with `localPath`, the embedded profile's)
 * can be locked: on S3 nothing can, and the rule is one sink group per bucket prefix.
 *
 * @module
 */
import { dirname } from "node:path";
import { BackendError } from "../errors.ts";
import { readLockHolder, tryLockAs } from "../file_lock.ts";
import type { ObjectStore } from "../lake/types.ts";
import { LakeBusyError, type LakeHolder } from "./errors.ts";

/** How long a held lake lock is tried again before the lake counts as busy. */
const LOCK_WAIT_MS = 500;

/**
 * A held lake lock; see {@linkcode lockLake}.
 *
 * @example
 * ```ts
 * import { type LakeLock, lockLake } from "./lake_lock.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * const lock: LakeLock = await lockLake(openDirStore(`${await Deno.makeTempDir()}/lake`), {
 *   group: "s3-sink",
 *   topics: ["demo.pin"],
 * });
 * console.log(lock.path?.endsWith("lake.sink.lock")); // true
 * lock.release();
 * ```
 */
export interface LakeLock {
  /** The lock file; `null` for a lake that cannot be locked (S3). */
  readonly path: string | null;
  /** Lets the next sink take the lake. */
  release(): void;
}

/**
 * Who takes a lake lock; see {@linkcode lockLake}.
 *
 * @example
 * ```ts
 * import type { LakeLockHolder } from "./lake_lock.ts";
 * const holder: LakeLockHolder = { group: "s3-sink", topics: ["demo.pin"] };
 * console.log(holder.group); // s3-sink
 * ```
 */
export interface LakeLockHolder {
  /** The sink's consumer group. */
  group: string;
  /** The topics it moves into the lake. */
  topics: readonly string[];
  /** The program it runs in (e.g. `deno task sink`), named to the sink it refuses. */
  program?: string;
}

/** Takes the lock at `path` and records `holder` in it; null when another holds it. */
async function takeLock(
  path: string,
  holder: LakeLockHolder,
): Promise<Deno.FsFile | null> {
  await Deno.mkdir(dirname(path), { recursive: true });
  return await tryLockAs(path, {
    group: holder.group,
    topics: [...holder.topics],
    program: holder.program,
  }, { waitMs: LOCK_WAIT_MS });
}

/** A lake lock's own fields: the sink's group and topics. */
const isLakeHolder = (h: Record<string, unknown>) =>
  typeof h.group === "string" && Array.isArray(h.topics);

/**
 * Takes the lock of the lake folder `store` writes (see the module doc), or throws
 * {@linkcode LakeBusyError} naming the sink that holds it; a lock file that cannot be
 * created or written is a `BackendError`. A store without local files is not locked.
 *
 * @example
 * ```ts
 * import { lockLake } from "./lake_lock.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * const store = openDirStore(`${await Deno.makeTempDir()}/lake`);
 * const lock = await lockLake(store, { group: "s3-sink", topics: ["demo.pin"] });
 * const again = await lockLake(store, { group: "other", topics: ["demo.pin"] }).catch((e) => e.code);
 * console.log(again); // LAKE_BUSY
 * lock.release();
 * ```
 */
export async function lockLake(
  store: ObjectStore,
  holder: LakeLockHolder,
): Promise<LakeLock> {
  if (store.localPath === undefined) return { path: null, release() {} };
  const path = `${store.location}.sink.lock`;
  let file: Deno.FsFile | null;
  try {
    file = await takeLock(path, holder);
  } catch (e) {
    throw new BackendError(
      "lake",
      `taking the sink's lock ${path} failed: ${
        e instanceof Error ? e.message : String(e)
      }; check that its folder can be created and written, or set --data-dir ` +
        `(DATA_DIR) to another folder`,
      { cause: e, context: { path } },
    );
  }
  if (file === null) {
    throw new LakeBusyError(store.location, {
      lockPath: path,
      holder: await readLockHolder<LakeHolder>(path, isLakeHolder),
    });
  }
  const held = file;
  return { path, release: () => held.close() };
}
