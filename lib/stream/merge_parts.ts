/**
 * Compaction's merge of a table's Parquet parts into one file.
 *
 * The parts are scanned and written by polars' streaming engine, a row group at a time:
 * reading them all into memory first took every row of the run at once (256 parts of a
 * backlog's 10,000-row batches: 2.5 million pin rows, 2.2 GB), while a micro-batch is
 * bounded to 10,000 records or about 64 MiB a stream so that a backlog does not run the
 * processor out of memory.
 *
 * @module
 */
import { pl } from "../clean/mod.ts";

/**
 * Writes the Parquet files `paths`, their rows in order, as one Parquet file at `out`
 * (not fsynced). A row group holds as many rows as the largest part, so the merge holds
 * about as much in memory as the micro-batch that wrote that part did.
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import { mergeParquetParts } from "./merge_parts.ts";
 * const dir = await Deno.makeTempDir();
 * for (const i of [1, 2]) {
 *   Deno.writeFileSync(`${dir}/${i}.parquet`, new Uint8Array(pl.DataFrame({ ind: [i] }).writeParquet()));
 * }
 * await mergeParquetParts([`${dir}/1.parquet`, `${dir}/2.parquet`], `${dir}/all.parquet`);
 * console.log(pl.readParquet(`${dir}/all.parquet`).getColumn("ind").toArray()); // [1, 2]
 * ```
 */
export async function mergeParquetParts(
  paths: readonly string[],
  out: string,
): Promise<void> {
  const rows = paths.map((path) =>
    Number(pl.scanParquet(path).select(pl.len()).collectSync().row(0)[0])
  );
  const scans = paths.map((path) => pl.scanParquet(path));
  const all = scans.length === 1
    ? scans[0]
    : pl.concat(scans, { how: "vertical" });
  await all.sinkParquet(out, {
    compression: "zstd",
    rowGroupSize: Math.max(1, ...rows),
    maintainOrder: true,
  }).collect();
}
