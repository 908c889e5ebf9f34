/**
 * Recovery of the stream tables' output directory when a processor opens it: whatever a
 * commit or a compaction interrupted by a crash left behind is deleted, so that only the
 * parts the checkpoint covers remain (the rules are in `table_store.ts` and
 * `part_names.ts`).
 *
 * @module
 */
import { syncDir } from "../sync_dir.ts";
import { removeIfExists, TEMP_SUFFIX } from "./atomic_file.ts";
import { trailingRun } from "./compaction.ts";
import { sortParts } from "./part_names.ts";

/**
 * Options of {@linkcode recoverOutput}.
 *
 * @example
 * ```ts
 * import { recoverOutput, type RecoverOutputOptions } from "./recovery.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/stream_pin`);
 * const options: RecoverOutputOptions = { batchId: 0, tables: ["stream_pin"] };
 * console.log((await recoverOutput(dir, options)).removed); // []
 * ```
 */
export interface RecoverOutputOptions {
  /** The checkpoint's batch id: parts past it were never committed. */
  batchId: number;
  /**
   * The table folders (existing) under the output directory; other folders are not the
   * processor's, and are left alone.
   */
  tables: readonly string[];
}

/**
 * What {@linkcode recoverOutput} did.
 *
 * @example
 * ```ts
 * import { recoverOutput, type Recovery } from "./recovery.ts";
 * const done: Recovery = await recoverOutput(await Deno.makeTempDir(), { batchId: 0, tables: [] });
 * console.log(done.removed, done.runs.size); // [] 0
 * ```
 */
export interface Recovery {
  /** The paths deleted, sorted. */
  removed: string[];
  /** Per table, how many micro-batch parts follow its last merged part. */
  runs: Map<string, number>;
}

/**
 * Deletes what interrupted commits and compactions left in the output directory `dir`
 * (temp files, parts past the checkpoint, parts a merged part supersedes), durably, and
 * counts each table's trailing run of micro-batch parts. A table folder may be a symlink
 * (its files on another disk).
 *
 * @example
 * ```ts
 * import { recoverOutput } from "./recovery.ts";
 * import { partName } from "./part_names.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/t`);
 * for (const id of [1, 2]) await Deno.writeTextFile(`${dir}/t/${partName(id)}`, "x");
 * const done = await recoverOutput(dir, { batchId: 1, tables: ["t"] }); // batch 2 was never committed
 * console.log(done.removed.map((p) => p.slice(dir.length)), done.runs); // [ "/t/part-000000000002.parquet" ] Map(1) { "t" => 1 }
 * ```
 */
export async function recoverOutput(
  dir: string,
  options: RecoverOutputOptions,
): Promise<Recovery> {
  const removed: string[] = [];
  const runs = new Map<string, number>();
  const touched = new Set<string>();
  const drop = async (parent: string, name: string) => {
    if (await removeIfExists(`${parent}/${name}`)) {
      removed.push(`${parent}/${name}`);
      touched.add(parent);
    }
  };
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name.endsWith(TEMP_SUFFIX)) {
      await drop(dir, entry.name);
    }
  }
  for (const table of options.tables) {
    const tableDir = `${dir}/${table}`;
    const names: string[] = [];
    for await (const file of Deno.readDir(tableDir)) {
      if (file.name.endsWith(TEMP_SUFFIX)) await drop(tableDir, file.name);
      else names.push(file.name);
    }
    const parts = sortParts(names, options.batchId);
    for (const name of [...parts.uncommitted, ...parts.superseded]) {
      await drop(tableDir, name);
    }
    runs.set(table, trailingRun(parts.live).length);
  }
  // The deletions must be durable before the next commit: a stale part that came back
  // after a power loss would otherwise count as committed once the checkpoint passes it.
  for (const d of touched) await syncDir(d);
  return { removed: removed.sort(), runs };
}
