/**
 * The one adapter module over `nodejs-polars`: it re-exports `pl` and the types the rest of the
 * repo needs, and wraps the few polars I/O calls (NDJSON scan, Parquet read/write, SQL) so that
 * their quirks in 0.25.2 are handled in one place.
 *
 * `readJSON(..., { format: "lines" })` is broken in 0.25.2 (it calls a binding that does not
 * exist), so NDJSON is read with `scanJson` on a file.
 *
 * @module
 */
import pl from "nodejs-polars";
import type { DataFrame } from "nodejs-polars";

export { pl };
export type {
  DataFrame,
  DataType,
  Expr,
  LazyDataFrame,
  Series,
} from "nodejs-polars";

/**
 * Name of the row-number column {@linkcode scanNdjsonAsText} adds (0-based, per file).
 *
 * @example
 * ```ts
 * import { LINE_COLUMN } from "./polars.ts";
 * console.log(LINE_COLUMN); // _line
 * ```
 */
export const LINE_COLUMN = "_line";

/**
 * Reads an NDJSON file with every named column as text (numbers, booleans and nested values
 * become their JSON text, as Spark's JSON reader does with a string schema). Adds `_line`, the
 * 0-based number of the non-blank line each row came from. Throws on a malformed line.
 *
 * @example
 * ```ts
 * import { scanNdjsonAsText } from "./polars.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.ndjson`, '{"ind": 1, "country": "Chad"}\n');
 * const df = scanNdjsonAsText(`${dir}/a.ndjson`, ["ind", "country"]);
 * console.log(df.toRecords()); // [{ _line: 0, ind: "1", country: "Chad" }]
 * ```
 */
export function scanNdjsonAsText(
  path: string,
  columns: readonly string[],
): DataFrame {
  const schema = Object.fromEntries(columns.map((c) => [c, pl.Utf8]));
  return pl.scanJson(path, { schema, rowIndexName: LINE_COLUMN })
    .select(LINE_COLUMN, ...columns)
    .collectSync();
}

/**
 * {@linkcode scanNdjsonAsText} on polars' thread pool: the JavaScript thread stays free (to
 * read the next chunk) while polars parses.
 *
 * @example
 * ```ts
 * import { scanNdjsonAsTextAsync } from "./polars.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.ndjson`, '{"ind": 1}\n');
 * console.log((await scanNdjsonAsTextAsync(`${dir}/a.ndjson`, ["ind"])).height); // 1
 * ```
 */
export async function scanNdjsonAsTextAsync(
  path: string,
  columns: readonly string[],
): Promise<DataFrame> {
  const schema = Object.fromEntries(columns.map((c) => [c, pl.Utf8]));
  return await pl.scanJson(path, { schema, rowIndexName: LINE_COLUMN })
    .select(LINE_COLUMN, ...columns)
    .collect();
}

/** Options of {@linkcode writeParquetFile}. */
export interface WriteParquetFileOptions {
  /** Parquet compression codec; default `snappy` (Spark's default, and fast). */
  compression?: "uncompressed" | "snappy" | "zstd" | "lz4" | "gzip";
}

/**
 * Writes a DataFrame to a Parquet file (not atomically: write to a temp path and rename).
 *
 * @example
 * ```ts
 * import { pl, readParquetFile, writeParquetFile } from "./polars.ts";
 * const dir = await Deno.makeTempDir();
 * writeParquetFile(pl.DataFrame({ ind: [1, 2] }), `${dir}/t.parquet`);
 * console.log(readParquetFile(`${dir}/t.parquet`).height); // 2
 * ```
 */
export function writeParquetFile(
  df: DataFrame,
  path: string,
  options: WriteParquetFileOptions = {},
): void {
  df.writeParquet(path, { compression: options.compression ?? "snappy" });
}

/**
 * Reads a whole Parquet file into a DataFrame.
 *
 * @example
 * ```ts
 * import { pl, readParquetFile, writeParquetFile } from "./polars.ts";
 * const dir = await Deno.makeTempDir();
 * writeParquetFile(pl.DataFrame({ a: ["x"] }), `${dir}/t.parquet`);
 * console.log(readParquetFile(`${dir}/t.parquet`).columns); // ["a"]
 * ```
 */
export function readParquetFile(path: string): DataFrame {
  return pl.readParquet(path);
}

/**
 * Runs one SQL query over named DataFrames with polars' SQL engine and returns the result.
 *
 * @example
 * ```ts
 * import { pl, runSql } from "./polars.ts";
 * const geo = pl.DataFrame({ country: ["Chad", "Chad", "Peru"] });
 * const out = runSql({ geo }, "SELECT country, COUNT(*) AS n FROM geo GROUP BY country ORDER BY country");
 * console.log(out.toRecords()); // [{ country: "Chad", n: 2 }, { country: "Peru", n: 1 }]
 * ```
 */
export function runSql(
  tables: Record<string, DataFrame>,
  sql: string,
): DataFrame {
  const ctx = pl.SQLContext(tables);
  return ctx.execute(sql, { eager: true });
}
