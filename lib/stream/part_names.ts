/**
 * Names of the stream tables' part files, and which of them a table is made of.
 *
 * A micro-batch writes `part-{batchId}.parquet` (12 digits). Compaction
 * (`compaction.ts`) merges a run of them into one `part-{first}-{last}.parquet` holding
 * the rows of batches `first..last`, in order, and then deletes the run. A part covering
 * `first..last` is committed when `last` ≤ the checkpoint's batch id; a part whose batches
 * a wider part also covers is superseded (the merged file is renamed into place before the
 * run is deleted, so until the deletions finish both are on disk, and readers take the
 * merged one).
 *
 * @module
 */

const PART_RE = /^part-(\d{12})(?:-(\d{12}))?\.parquet$/;

/**
 * The batches a part file holds.
 *
 * @example
 * ```ts
 * import { parsePartRange, type PartRange } from "./part_names.ts";
 * const range: PartRange | null = parsePartRange("part-000000000001-000000000256.parquet");
 * console.log(range && range.last - range.first + 1); // 256
 * ```
 */
export interface PartRange {
  /** First batch id. */
  first: number;
  /** Last batch id (equal to `first` for a micro-batch's own part). */
  last: number;
}

const id12 = (batchId: number) => String(batchId).padStart(12, "0");

/**
 * The file name of the part of batch `batchId`.
 *
 * @example
 * ```ts
 * import { partName } from "./part_names.ts";
 * console.log(partName(7)); // part-000000000007.parquet
 * ```
 */
export function partName(batchId: number): string {
  return `part-${id12(batchId)}.parquet`;
}

/**
 * The file name of a compacted part holding batches `first..last`.
 *
 * @example
 * ```ts
 * import { mergedPartName } from "./part_names.ts";
 * console.log(mergedPartName(1, 256)); // part-000000000001-000000000256.parquet
 * ```
 */
export function mergedPartName(first: number, last: number): string {
  return `part-${id12(first)}-${id12(last)}.parquet`;
}

/**
 * The batches of a part file name, or `null` when `name` is not a part.
 *
 * @example
 * ```ts
 * import { parsePartRange } from "./part_names.ts";
 * console.log(parsePartRange("part-000000000001-000000000004.parquet")); // { first: 1, last: 4 }
 * console.log(parsePartRange("part-000000000007.parquet.tmp")); // null
 * ```
 */
export function parsePartRange(name: string): PartRange | null {
  const m = PART_RE.exec(name);
  if (!m) return null;
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  return last >= first ? { first, last } : null;
}

/**
 * The last batch id of a part file name (the one that decides whether it is committed), or
 * `null` when `name` is not a part.
 *
 * @example
 * ```ts
 * import { parsePartName } from "./part_names.ts";
 * console.log(parsePartName("part-000000000007.parquet"), parsePartName("x.tmp")); // 7 null
 * ```
 */
export function parsePartName(name: string): number | null {
  return parsePartRange(name)?.last ?? null;
}

/**
 * What {@linkcode sortParts} returns: file names split by their fate.
 *
 * @example
 * ```ts
 * import { partName, type SortedParts, sortParts } from "./part_names.ts";
 * const parts: SortedParts = sortParts([partName(1), partName(2)], 1);
 * console.log(parts.live, parts.uncommitted); // [ "part-000000000001.parquet" ] [ "part-000000000002.parquet" ]
 * ```
 */
export interface SortedParts {
  /** Committed parts no wider part covers, in batch order: the table. */
  live: string[];
  /** Committed parts a wider part covers (left over by an interrupted compaction). */
  superseded: string[];
  /** Parts of batches past the checkpoint (left over by an interrupted commit). */
  uncommitted: string[];
}

/**
 * Sorts the file names of one table directory (other names are ignored) against the
 * checkpoint's batch id.
 *
 * @example
 * ```ts
 * import { mergedPartName, partName, sortParts } from "./part_names.ts";
 * const names = [partName(2), mergedPartName(1, 2), partName(3), partName(4)];
 * console.log(sortParts(names, 3));
 * // { live: [ "part-000000000001-000000000002.parquet", "part-000000000003.parquet" ],
 * //   superseded: [ "part-000000000002.parquet" ], uncommitted: [ "part-000000000004.parquet" ] }
 * ```
 */
export function sortParts(
  names: readonly string[],
  batchId: number,
): SortedParts {
  const out: SortedParts = { live: [], superseded: [], uncommitted: [] };
  const committed: [PartRange, string][] = [];
  for (const name of names) {
    const range = parsePartRange(name);
    if (range === null) continue;
    if (range.last > batchId) out.uncommitted.push(name);
    else committed.push([range, name]);
  }
  // Widest first among parts starting together, so a cover comes before what it covers.
  committed.sort(([a], [b]) => a.first - b.first || b.last - a.last);
  let coveredTo = 0;
  for (const [range, name] of committed) {
    if (range.last <= coveredTo) out.superseded.push(name);
    else {
      out.live.push(name);
      coveredTo = range.last;
    }
  }
  return out;
}

/**
 * The part files of one table directory, sorted by {@linkcode sortParts} against the
 * checkpoint's batch id; all empty when the directory does not exist yet.
 *
 * @example
 * ```ts
 * import { readTableParts } from "./part_names.ts";
 * console.log(await readTableParts(await Deno.makeTempDir(), 0));
 * // { live: [], superseded: [], uncommitted: [] }
 * ```
 */
export async function readTableParts(
  tableDir: string,
  batchId: number,
): Promise<SortedParts> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(tableDir)) {
      if (entry.isFile) names.push(entry.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return sortParts(names, batchId);
}
