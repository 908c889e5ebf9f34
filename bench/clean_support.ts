/**
 * Helpers of `bench/clean.ts`: writing the generated lake (not timed) and printing figures.
 *
 * @module
 */
import { join } from "node:path";
import type { CleanTable } from "../lib/clean/mod.ts";
import { openDirStore } from "../lib/lake/mod.ts";
import { generatePosts, toCourseJson } from "../lib/source/mod.ts";

/**
 * The three tables, in the order they are cleaned.
 *
 * @example
 * ```ts
 * import { TABLES } from "./clean_support.ts";
 * console.log(TABLES.length); // 3
 * ```
 */
export const TABLES: readonly CleanTable[] = ["pin", "geo", "user"];

/**
 * Where and how much to generate.
 *
 * @example
 * ```ts
 * import { generateLake, type LakeOptions } from "./clean_support.ts";
 * const options: LakeOptions = { posts: 10, objectRecords: 5, dir: await Deno.makeTempDir() };
 * console.log((await generateLake(options)).geo > 0); // true
 * ```
 */
export interface LakeOptions {
  posts: number;
  objectRecords: number;
  dir: string;
}

/**
 * Result of one table.
 *
 * @example
 * ```ts
 * import { formatFigures, type TableFigure } from "./clean_support.ts";
 * const figure: TableFigure = { table: "geo", records: 10, rows: 10, cleanMs: 5, writeMs: 1,
 *   rowsPerSecond: 1666, cpuSeconds: 0.01, parquetBytes: 500 };
 * console.log(formatFigures([figure], { pin: 0, geo: 1000, user: 0 }).includes("geo")); // true
 * ```
 */
export interface TableFigure {
  table: CleanTable;
  records: number;
  rows: number;
  cleanMs: number;
  writeMs: number;
  /** Input records per wall-clock second, read to Parquet written. */
  rowsPerSecond: number;
  /** CPU seconds (user + system, all threads) the table took. */
  cpuSeconds: number;
  /** Size of the Parquet file written. */
  parquetBytes: number;
  /** Share of the machine's CPU time the hypervisor gave to other guests meanwhile, %. */
  hostStealPercent?: number;
}

/**
 * Writes `posts` generated posts into a lake under `dir/lake`, as the sink lays them out.
 *
 * @example
 * ```ts
 * import { generateLake } from "./clean_support.ts";
 * const bytes = await generateLake({ posts: 10, objectRecords: 5, dir: await Deno.makeTempDir() });
 * console.log(bytes.pin > 0); // true
 * ```
 */
export async function generateLake(
  options: LakeOptions,
): Promise<Record<CleanTable, number>> {
  const store = openDirStore(join(options.dir, "lake"));
  const bytes: Record<CleanTable, number> = { pin: 0, geo: 0, user: 0 };
  const batch: Record<CleanTable, string[]> = { pin: [], geo: [], user: [] };
  let offset = 0;
  const flush = async () => {
    for (const t of TABLES) {
      const topic = `pinterest.${t}`;
      const body = batch[t].join("\n") + "\n";
      const name = `${topic}+0+${String(offset).padStart(10, "0")}.json`;
      await store.put(`topics/${topic}/partition=0/${name}`, body);
      bytes[t] += body.length;
      batch[t] = [];
    }
  };
  let n = 0;
  for (const post of generatePosts({ rows: options.posts, seed: 2024 })) {
    for (const t of TABLES) {
      batch[t].push(JSON.stringify(toCourseJson(post[t])));
    }
    if (++n % options.objectRecords === 0) {
      await flush();
      offset = n;
    }
  }
  if (batch.pin.length > 0) await flush();
  return bytes;
}

/**
 * Bytes as whole MiB.
 *
 * @example
 * ```ts
 * import { mb } from "./clean_support.ts";
 * console.log(mb(3 * 2 ** 20)); // 3 MiB
 * ```
 */
export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function loadAverage(): string {
  try {
    return Deno.loadavg().map((x) => x.toFixed(2)).join(" ");
  } catch {
    return "n/a";
  }
}

/**
 * The figures as a table: wall time split into read+parse+clean+dedup and Parquet writing,
 * rows/s over the whole, CPU seconds (all threads) and the host's steal share, with the
 * machine's load average.
 *
 * @example
 * ```ts
 * import { formatFigures } from "./clean_support.ts";
 * console.log(formatFigures([{ table: "geo", records: 10, rows: 10, cleanMs: 5, writeMs: 1,
 *   rowsPerSecond: 1666, cpuSeconds: 0.01, parquetBytes: 500 }], { pin: 0, geo: 1000, user: 0 }));
 * ```
 */
export function formatFigures(
  figures: readonly TableFigure[],
  bytes: Record<CleanTable, number>,
): string {
  const lines = [
    `cores: ${navigator.hardwareConcurrency}, load average: ${loadAverage()}`,
    "table    records   raw NDJSON  read+clean+dedup  parquet     rows/s  CPU s  parquet size  host steal %",
  ];
  for (const f of figures) {
    lines.push([
      f.table.padEnd(5),
      String(f.records).padStart(10),
      mb(bytes[f.table]).padStart(12),
      `${(f.cleanMs / 1000).toFixed(2)} s`.padStart(17),
      `${(f.writeMs / 1000).toFixed(2)} s`.padStart(8),
      Math.round(f.rowsPerSecond).toLocaleString("en-US").padStart(10),
      f.cpuSeconds.toFixed(1).padStart(6),
      mb(f.parquetBytes).padStart(12),
      (f.hostStealPercent === undefined ? "n/a" : f.hostStealPercent.toFixed(1))
        .padStart(12),
    ].join("  "));
  }
  return lines.join("\n");
}
