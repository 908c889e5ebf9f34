/**
 * The embedded lake: an {@linkcode ObjectStore} on a local directory.
 *
 * A key maps to the file `{dir}/{key}`. `put` is atomic and durable: the body goes to a temp
 * file in the target's directory, which is fsynced, renamed over the target, and the
 * directory is fsynced, so a reader (or a restart after a crash) sees the old object or the
 * new one, never a part. Leftover temp files of a crashed `put` are invisible to `list`.
 *
 * A `put` killed mid-write (the process killed, the machine down) leaves its temp file,
 * `.tmp-{uuid}` beside the object, for ever. `list` removes those it walks past once
 * they are an hour old ({@linkcode LEFTOVER_TEMP_AGE_MS}), best effort (a lake it may not
 * write is listed all the same). Another process may be writing a temp file of the same
 * pattern into a shared lake (a sink while a batch lists): an hour is far longer than any
 * put takes, and a temp file removed under a live put cannot lose or corrupt anything:
 * its rename fails and the put fails (the sink retries it), while a temp file already
 * renamed is no longer under its temp name. Other `.tmp-` names, and folders, are left.
 *
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { setImmediate } from "node:timers";
import { BackendError } from "../errors.ts";
import { syncDir } from "../sync_dir.ts";
import { writeAll } from "../write_all.ts";
import type { ObjectInfo, ObjectStore } from "./types.ts";
import { ObjectNotFoundError, TEMP_PREFIX, validateKey } from "./errors.ts";

/**
 * The lake folder cannot hold a lake (a file, a link to nothing): what is wrong, and `fix`,
 * what to do about it.
 */
class LakeFolderError extends Error {
  constructor(problem: string, readonly fix: string) {
    super(problem);
  }
}

/** The setting that places the lake, ending the fix of every failure. */
const SETTING =
  "or set --data-dir (DATA_DIR) to another folder: the embedded lake is {data-dir}/lake";

/**
 * A file-system failure of `op` on `path` (a full disk, the open-file limit reached) as a
 * `BackendError`, as the S3 store reports its failures, with what to check and the setting
 * that moves the lake.
 */
function failure(
  cause: unknown,
  what: { op: string; path: string },
): BackendError {
  const { op, path } = what;
  const fix = cause instanceof LakeFolderError
    ? cause.fix
    : "check the free space, permissions and open-file limit (ulimit -n) there";
  return new BackendError(
    "lake",
    `${op} ${path} failed: ${
      cause instanceof Error ? cause.message : String(cause)
    }; ${fix}, ${SETTING}`,
    { cause, context: { op, path } },
  );
}

/** Creates `path` and missing parents; fsyncs the parent of every directory it created. */
async function ensureDir(path: string): Promise<void> {
  try {
    if ((await Deno.stat(path)).isDirectory) return;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  await ensureDir(dirname(path));
  try {
    await Deno.mkdir(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
  }
  await syncDir(dirname(path));
}

/**
 * Age from which `list` removes a temp file of `put` (by its modification time): 1 hour.
 *
 * @example
 * ```ts
 * import { LEFTOVER_TEMP_AGE_MS } from "./dir_store.ts";
 * console.log(LEFTOVER_TEMP_AGE_MS / 60_000); // 60
 * ```
 */
export const LEFTOVER_TEMP_AGE_MS = 60 * 60 * 1000;

/** A temp file name `putFile` makes: the prefix and a random UUID. */
const PUT_TEMP_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Removes `path`, the temp file of a `put` (see the module text), when it was last written
 * `LEFTOVER_TEMP_AGE_MS` ago or more; best effort: a failure leaves it.
 */
async function removeLeftover(path: string): Promise<void> {
  try {
    const { mtime, isFile } = await Deno.lstat(path);
    if (!isFile || mtime === null) return;
    if (Date.now() - mtime.getTime() < LEFTOVER_TEMP_AGE_MS) return;
    await Deno.remove(path);
  } catch {
    // Renamed or removed meanwhile, or a lake this process may only read.
  }
}

/** Objects found every how many of which `walk` reports progress (as an S3 page holds). */
const PROGRESS_EVERY = 1000;

/** What `walk` adds to, and reports to. */
interface Walk {
  /** The lake folder. */
  root: string;
  /** Only objects whose key starts with it are kept. */
  prefix: string;
  out: ObjectInfo[];
  /** Called with `out.length` each time it reaches a multiple of 1,000. */
  onProgress?: (listed: number) => void;
}

/** Options of `walk`. */
interface WalkOptions {
  /** Real paths of the folders walked to reach `rel`, its own last; default `rel`'s. */
  chain?: readonly string[];
}

/**
 * Adds the objects under `rel` (relative to `into.root`) whose key starts with `into.prefix`
 * to `into.out`. Symbolic links are followed (a lake assembled by hand may link objects or
 * partitions in from elsewhere), except a link to a folder being walked (a loop); a link to
 * nothing is no object.
 */
async function walk(
  into: Walk,
  rel: string,
  options: WalkOptions = {},
): Promise<void> {
  const { root, prefix, out } = into;
  let entries: Deno.DirEntry[];
  let chain: readonly string[];
  try {
    chain = options.chain ?? [await Deno.realPath(join(root, rel))];
    entries = await Array.fromAsync(Deno.readDir(join(root, rel)));
  } catch (e) {
    if (
      e instanceof Deno.errors.NotFound ||
      e instanceof Deno.errors.NotADirectory
    ) return;
    throw e;
  }
  let stats = 0;
  for (const entry of entries) {
    if (entry.name.startsWith(TEMP_PREFIX)) {
      const id = entry.name.slice(TEMP_PREFIX.length);
      if (entry.isFile && PUT_TEMP_ID.test(id)) {
        await removeLeftover(join(root, rel, entry.name));
      }
      continue;
    }
    const key = rel === "" ? entry.name : `${rel}/${entry.name}`;
    let { isDirectory, isFile } = entry;
    let real = join(chain[chain.length - 1], entry.name);
    if (entry.isSymlink) {
      try {
        ({ isDirectory, isFile } = Deno.statSync(join(root, key)));
        if (isDirectory) real = Deno.realPathSync(join(root, key));
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue; // links to nothing
        throw e;
      }
      const loops = chain.some((c) => c === real || c.startsWith(`${real}/`));
      if (isDirectory && loops) continue;
    }
    if (isDirectory) {
      await walk(into, key, { chain: [...chain, real] });
    } else if (isFile && key.startsWith(prefix)) {
      // statSync: ~4 µs a file where an awaited stat costs ~100 µs (20,000 one-record
      // objects listed in 0.08 s instead of 2-3 s); the event loop gets a turn every
      // 2,048 files.
      if (++stats % 2048 === 0) await new Promise((r) => setImmediate(r));
      let size: number;
      try {
        size = Deno.statSync(join(root, key)).size;
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) continue; // deleted meanwhile
        throw e;
      }
      out.push({ key, size });
      if (out.length % PROGRESS_EVERY === 0) into.onProgress?.(out.length);
    }
  }
}

/**
 * Whether the lake folder exists (a missing one is a lake with no object yet); throws when
 * it is a file, or a link to nothing (a drive not mounted, say), which are not empty lakes.
 */
async function lakeExists(location: string): Promise<boolean> {
  try {
    if ((await Deno.stat(location)).isDirectory) return true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
    let target: string;
    try {
      target = await Deno.readLink(location);
    } catch {
      return false;
    }
    throw new LakeFolderError(
      `the lake ${location} is a link to ${target}, which does not exist`,
      `mount or create ${target}`,
    );
  }
  throw new LakeFolderError(
    `the lake ${location} is not a folder`,
    "move that file away",
  );
}

/**
 * Opens (without creating yet) a directory as an object store. The directory and the
 * folders of a key are created by the first `put` under them.
 *
 * Throws `InvalidKeyError` for keys that are empty, absolute or contain `.`/`..`/empty
 * segments; `get` throws `ObjectNotFoundError` for a missing object. `localPath(key)` is
 * `{dir}/{key}` (absolute), so readers such as polars can open objects in place. Other
 * failures are `BackendError`s that say what to check and name the setting that places
 * the lake: the pipeline opens a directory store only as its embedded lake, in
 * `{data-dir}/lake` (`--data-dir` / `DATA_DIR`).
 *
 * `list` also removes the temp files that killed `put`s left in the folders it walks, once
 * an hour old (see the module text).
 *
 * @example
 * ```ts
 * import { openDirStore } from "./dir_store.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/demo.pin/partition=0/a.json", '{"n":1}\n');
 * console.log(await store.list("topics/")); // [{ key: "topics/demo.pin/partition=0/a.json", size: 8 }]
 * ```
 */
export function openDirStore(dir: string): ObjectStore {
  const location = resolve(dir);
  const pathOf = (key: string) => {
    validateKey(key);
    return join(location, key);
  };
  return {
    location,
    localPath: pathOf,
    async put(key, body) {
      const path = pathOf(key);
      try {
        await putFile(path, body);
      } catch (e) {
        throw failure(e, { op: "put", path });
      }
    },
    async get(key) {
      const path = pathOf(key);
      try {
        return await Deno.readFile(path);
      } catch (e) {
        if (
          e instanceof Deno.errors.NotFound ||
          e instanceof Deno.errors.IsADirectory ||
          e instanceof Deno.errors.NotADirectory
        ) {
          throw new ObjectNotFoundError(key, location, { cause: e });
        }
        throw failure(e, { op: "get", path });
      }
    },
    async list(prefix, options = {}) {
      validateKey(prefix, { prefix: true });
      const slash = prefix.lastIndexOf("/");
      const base = slash < 0 ? "" : prefix.slice(0, slash);
      const { onProgress } = options;
      const out: ObjectInfo[] = [];
      try {
        if (await lakeExists(location)) {
          await walk({ root: location, prefix, out, onProgress }, base);
        }
      } catch (e) {
        throw failure(e, { op: "list", path: join(location, prefix) });
      }
      // The last call carries the total, unless a multiple of 1,000 just did.
      if (out.length === 0 || out.length % PROGRESS_EVERY !== 0) {
        onProgress?.(out.length);
      }
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async delete(key) {
      const path = pathOf(key);
      try {
        if ((await Deno.lstat(path)).isDirectory) return;
        await Deno.remove(path);
      } catch (e) {
        if (e instanceof Deno.errors.NotFound) return;
        throw failure(e, { op: "delete", path });
      }
      try {
        await syncDir(dirname(path));
      } catch (e) {
        throw failure(e, { op: "delete", path });
      }
    },
  };
}

/** Writes `body` to `path` atomically and durably (see the module text). */
async function putFile(path: string, body: string | Uint8Array): Promise<void> {
  const parent = dirname(path);
  await ensureDir(parent);
  const bytes = typeof body === "string"
    ? new TextEncoder().encode(body)
    : body;
  const tmp = join(parent, `${TEMP_PREFIX}${crypto.randomUUID()}`);
  try {
    const file = await Deno.open(tmp, {
      write: true,
      createNew: true,
      mode: 0o644,
    });
    try {
      await writeAll(file, bytes);
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  await syncDir(parent);
}
