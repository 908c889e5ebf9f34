/**
 * Recovery of the stream tables' output directory when a processor opens it: whatever a
 * commit or a compaction interrupted by a crash left behind is deleted, so that only the
 * parts the checkpoint covers remain (the rules are in `table_store.ts` and
 * `part_names.ts`).
 *
 * @module
 */
import { removeIfExists, syncDir, TEMP_SUFFIX } from "./atomic_file.ts";
import { trailingRun } from "./compaction.ts";
import { sortParts } from "./part_names.ts";

/**
 * What {@linkcode recoverOutput} did.
 *
 * @example
 * ```ts
 * import { recoverOutput, type Recovery } from "./recovery.ts";
 * const done: Recovery = await recoverOutput(await Deno.makeTempDir(), 0);
 * console.log(done.removed, done.runs.size); // [] 0
 * ```
 */
export interface Recovery {
  /** The paths deleted, sorted. */
  removed: string[];
  /** Per table folder, how many micro-batch parts follow its last merged part. */
  runs: Map<string, number>;
}

/**
 * Deletes what interrupted commits and compactions left in the output directory `dir`
 * whose checkpoint's batch id is `batchId` (temp files, parts past the checkpoint, parts a
 * merged part supersedes), durably, and counts each table's trailing run of micro-batch
 * parts.
 *
 * @example
 * ```ts
 * import { recoverOutput } from "./recovery.ts";
 * import { partName } from "./part_names.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.mkdir(`${dir}/t`);
 * for (const id of [1, 2]) await Deno.writeTextFile(`${dir}/t/${partName(id)}`, "x");
 * const done = await recoverOutput(dir, 1); // batch 2 was never committed
 * console.log(done.removed.map((p) => p.slice(dir.length)), done.runs); // [ "/t/part-000000000002.parquet" ] Map(1) { "t" => 1 }
 * ```
 */
export async function recoverOutput(
  dir: string,
  batchId: number,
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
    if (!entry.isDirectory) continue;
    const tableDir = `${dir}/${entry.name}`;
    const names: string[] = [];
    for await (const file of Deno.readDir(tableDir)) {
      if (file.name.endsWith(TEMP_SUFFIX)) await drop(tableDir, file.name);
      else names.push(file.name);
    }
    const parts = sortParts(names, batchId);
    for (const name of [...parts.uncommitted, ...parts.superseded]) {
      await drop(tableDir, name);
    }
    runs.set(entry.name, trailingRun(parts.live).length);
  }
  // The deletions must be durable before the next commit: a stale part that came back
  // after a power loss would otherwise count as committed once the checkpoint passes it.
  for (const d of touched) await syncDir(d);
  return { removed: removed.sort(), runs };
}
