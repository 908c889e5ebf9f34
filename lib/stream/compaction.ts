/**
 * Compaction of a stream table: the run of micro-batch parts written since the table's last
 * merged part becomes one `part-{first}-{last}.parquet`, so a processor running for days
 * leaves hundreds of files per table rather than one per micro-batch (86,400 a day at a 1 s
 * trigger; reading a table costs about 0.5 ms a file).
 *
 * Crash safety, with the rules of `part_names.ts`: the merged file is written to a temp
 * file, fsynced and renamed into place, and the directory fsynced, before any part of the
 * run is deleted. A crash before the rename leaves a temp file (deleted on open) and the
 * run; a crash after it leaves the merged part plus some of the run, which it supersedes
 * (readers skip them, the next open deletes them). Row counts do not change, so the
 * checkpoint stays as it is. Only the processor holding the output's lock compacts.
 *
 * @module
 */
import { syncDir } from "../sync_dir.ts";
import { removeIfExists, TEMP_SUFFIX, writeTempFile } from "./atomic_file.ts";
import {
  mergedPartName,
  parsePartRange,
  readTableParts,
} from "./part_names.ts";

/**
 * Steps of a compaction, for fault injection (see `TableStoreOptions.onCommitStep`).
 *
 * @example
 * ```ts
 * import { compactTable, type CompactionStep } from "./compaction.ts";
 * import { partName } from "./part_names.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/t`);
 * for (const id of [1, 2]) await Deno.writeTextFile(`${dir}/t/${partName(id)}`, `${id}\n`);
 * const steps: CompactionStep[] = [];
 * await compactTable(dir, "t", { batchId: 2, parts: 2, merge: () => new Uint8Array(), onStep: (s) => void steps.push(s) });
 * console.log(steps); // [ "compact-temp", "compact", "compacted" ]
 * ```
 */
export type CompactionStep =
  | "compact-temp" // the merged temp file is written and fsynced, not yet renamed
  | "compact" // the merged part is renamed into place and its directory fsynced
  | "compacted"; // the run's parts are deleted and the directory fsynced

/**
 * Options of {@linkcode compactTable}.
 *
 * @example
 * ```ts
 * import { compactTable, type CompactTableOptions } from "./compaction.ts";
 * import { partName } from "./part_names.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/t`);
 * await Deno.writeTextFile(`${dir}/t/${partName(1)}`, "1\n");
 * const options: CompactTableOptions = { batchId: 1, parts: 2, merge: () => new Uint8Array() };
 * console.log(await compactTable(dir, "t", options)); // null: the run holds one part, not two
 * ```
 */
export interface CompactTableOptions {
  /** The checkpoint's batch id: only committed parts are merged. */
  batchId: number;
  /**
   * Micro-batch parts one merge takes: the first `parts` of the trailing run, once it has
   * that many. (A longer run, left by a processor that did not merge, takes several
   * merges, one per call, so that no single micro-batch waits for all of them.)
   */
  parts: number;
  /** Reads the given part files, in order, and returns them as one Parquet file. */
  /**
   * Writes the given part files, in order, as one Parquet file at `out` (a temp file that
   * compaction fsyncs and renames), or returns that file's bytes for compaction to write.
   */
  merge: (
    paths: string[],
    out: string,
  ) => Uint8Array | void | Promise<Uint8Array | void>;
  /** Called at each step (tests inject crashes here). */
  onStep?: (
    step: CompactionStep,
    info: { table: string; tempPath?: string },
  ) => void | Promise<void>;
}

/**
 * What a compaction did.
 *
 * @example
 * ```ts
 * import { type Compaction, compactTable } from "./compaction.ts";
 * import { partName } from "./part_names.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/t`);
 * for (const id of [1, 2, 3]) await Deno.writeTextFile(`${dir}/t/${partName(id)}`, `${id}\n`);
 * const merge = () => new Uint8Array();
 * const done: Compaction | null = await compactTable(dir, "t", { batchId: 3, parts: 3, merge });
 * console.log(done?.merged, done?.parts); // part-000000000001-000000000003.parquet 3
 * ```
 */
export interface Compaction {
  /** The merged part's file name. */
  merged: string;
  /** How many parts it replaced. */
  parts: number;
}

/**
 * The micro-batch parts of a table's live parts that come after its last merged part
 * (the run the next compaction takes), in batch order.
 *
 * @example
 * ```ts
 * import { trailingRun } from "./compaction.ts";
 * import { mergedPartName, partName } from "./part_names.ts";
 * console.log(trailingRun([partName(1), mergedPartName(2, 3), partName(4), partName(5)]));
 * // [ "part-000000000004.parquet", "part-000000000005.parquet" ]
 * ```
 */
export function trailingRun(live: readonly string[]): string[] {
  const run: string[] = [];
  for (const name of live) {
    const range = parsePartRange(name)!;
    if (range.first === range.last) run.push(name);
    else run.length = 0;
  }
  return run;
}

/**
 * Merges the first `parts` of `table`'s trailing run of micro-batch parts in `dir` into one
 * part; returns what it did, or `null` when the run is shorter.
 *
 * @example
 * ```ts
 * import { compactTable } from "./compaction.ts";
 * import { partName } from "./part_names.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/t`);
 * for (const id of [1, 2]) await Deno.writeTextFile(`${dir}/t/${partName(id)}`, `${id}\n`);
 * const merge = (paths: string[]) =>
 *   new TextEncoder().encode(paths.map((p) => Deno.readTextFileSync(p)).join(""));
 * console.log(await compactTable(dir, "t", { batchId: 2, parts: 2, merge }));
 * // { merged: "part-000000000001-000000000002.parquet", parts: 2 }
 * ```
 */
export async function compactTable(
  dir: string,
  table: string,
  options: CompactTableOptions,
): Promise<Compaction | null> {
  const tableDir = `${dir}/${table}`;
  const { live } = await readTableParts(tableDir, options.batchId);
  const trailing = trailingRun(live);
  if (trailing.length < options.parts || options.parts < 2) return null;
  const run = trailing.slice(0, options.parts);
  const first = parsePartRange(run[0])!.first;
  const last = parsePartRange(run[run.length - 1])!.last;
  const merged = mergedPartName(first, last);
  const tempPath = `${tableDir}/${merged}${TEMP_SUFFIX}`;
  try {
    const bytes = await options.merge(
      run.map((name) => `${tableDir}/${name}`),
      tempPath,
    );
    if (bytes instanceof Uint8Array) {
      await writeTempFile(`${tableDir}/${merged}`, bytes);
    } else {
      await syncFile(tempPath);
    }
  } catch (e) {
    // A partial merged file would hold, until the next start, the space a full disk lacks.
    await removeIfExists(tempPath).catch(() => {});
    throw e;
  }
  const step = options.onStep ?? (() => {});
  await step("compact-temp", { table, tempPath });
  await Deno.rename(tempPath, `${tableDir}/${merged}`);
  await syncDir(tableDir);
  await step("compact", { table });
  for (const name of run) await removeIfExists(`${tableDir}/${name}`);
  await syncDir(tableDir);
  await step("compacted", { table });
  return { merged, parts: run.length };
}

/** Makes the file at `path`, written by another writer, durable. */
async function syncFile(path: string): Promise<void> {
  const file = await Deno.open(path, { read: true });
  try {
    await file.sync();
  } finally {
    file.close();
  }
}
