/**
 * Running the nine metric queries over the batch tables with polars SQL.
 *
 * The SQL text lives in `lib/metrics/sql/*.sql` and is written to run unchanged on Spark SQL
 * (Databricks), so the same files serve both engines.
 *
 * @module
 */
import {
  readWarehouse,
  WarehouseDamagedError,
  WarehouseEmptyError,
} from "../batch/mod.ts";
import { CLEAN_COLUMNS, type DataFrame, runSql } from "../clean/mod.ts";
import { type MetricDef, METRICS } from "./catalog.ts";
import { columnTypeMismatch } from "./column_types.ts";

/**
 * A result row: column → JSON-safe value (string, number or null).
 *
 * @example
 * ```ts
 * import type { MetricRow } from "./run.ts";
 * const row: MetricRow = { country: "Chad", category: "art", category_count: 1 };
 * console.log(Object.keys(row).length); // 3
 * ```
 */
export type MetricRow = Record<string, string | number | null>;

/**
 * Every metric's rows, keyed by metric name, in {@linkcode METRICS} order.
 *
 * @example
 * ```ts
 * import type { MetricResults } from "./run.ts";
 * const results: MetricResults = {
 *   users_joined_by_year: [{ post_year: 2016, number_users_joined: 1 }],
 * };
 * console.log(results.users_joined_by_year[0].number_users_joined); // 1
 * ```
 */
export type MetricResults = Record<string, MetricRow[]>;

/**
 * The batch tables the queries read.
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import type { MetricTables } from "./run.ts";
 * const pin = pl.DataFrame({ ind: [1], category: ["art"], follower_count: [5], poster_name: ["Ada"] });
 * const geo = pl.DataFrame({ ind: [1], country: ["Chad"], timestamp: [new Date("2019-01-01")] });
 * const user = pl.DataFrame({ ind: [1], age: [30], date_joined: [new Date("2016-01-01")] });
 * const tables: MetricTables = { pin, geo, user };
 * console.log(tables.pin.height); // 1
 * ```
 */
export interface MetricTables {
  pin: DataFrame;
  geo: DataFrame;
  user: DataFrame;
}

/**
 * Options of {@linkcode runMetrics}.
 *
 * @example
 * ```ts
 * import { METRICS } from "./catalog.ts";
 * import { runMetrics, type RunMetricsOptions } from "./run.ts";
 * import { tables } from "./test_util.ts";
 * const options: RunMetricsOptions = {
 *   tables: tables([{ date_joined: "2016-01-01 00:00:00" }]),
 *   metrics: METRICS.filter((m) => m.name === "users_joined_by_year"),
 * };
 * console.log(Object.keys(await runMetrics(options))); // [ "users_joined_by_year" ]
 * ```
 */
export interface RunMetricsOptions {
  /** The batch tables `pin`, `geo`, `user`. */
  tables: MetricTables;
  /** Only these metrics (default: all nine). */
  metrics?: readonly MetricDef[];
}

/**
 * Reads a metric's SQL text from `lib/metrics/sql/`.
 *
 * @example
 * ```ts
 * import { loadMetricSql } from "./run.ts";
 * import { METRICS } from "./catalog.ts";
 * console.log((await loadMetricSql(METRICS[0])).includes("ROW_NUMBER()")); // true
 * ```
 */
export async function loadMetricSql(metric: MetricDef): Promise<string> {
  return await Deno.readTextFile(
    new URL(`./sql/${metric.file}`, import.meta.url),
  );
}

/**
 * Turns a result frame into plain rows with JSON-safe values, in the metric's column order.
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import { toMetricRows } from "./run.ts";
 * console.log(toMetricRows(pl.DataFrame({ b: [1], a: ["x"] }), ["a", "b"])); // [{ a: "x", b: 1 }]
 * ```
 */
export function toMetricRows(
  df: DataFrame,
  columns: readonly string[],
): MetricRow[] {
  return df.toRecords().map((record) => {
    const row: MetricRow = {};
    for (const c of columns) row[c] = jsonSafe(record[c]);
    return row;
  });
}

function jsonSafe(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  return String(value);
}

/**
 * Runs the metric queries and returns `{ "<name>": [ {row}, ... ] }`.
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import { runMetrics } from "./run.ts";
 * const pin = pl.DataFrame({ ind: [1], category: ["art"], follower_count: [5], poster_name: ["Ada"] });
 * const geo = pl.DataFrame({ ind: [1], country: ["Chad"], timestamp: [new Date("2019-01-01")] });
 * const user = pl.DataFrame({ ind: [1], age: [30], date_joined: [new Date("2016-01-01")] });
 * const out = await runMetrics({ tables: { pin, geo, user } });
 * console.log(out.popular_category_by_country); // [{ country: "Chad", category: "art", category_count: 1 }]
 * ```
 */
export async function runMetrics(
  options: RunMetricsOptions,
): Promise<MetricResults> {
  const { pin, geo, user } = options.tables;
  const out: MetricResults = {};
  for (const metric of options.metrics ?? METRICS) {
    const sql = await loadMetricSql(metric);
    const df = runSql({ pin, geo, user }, sql, { name: metric.file });
    out[metric.name] = toMetricRows(df, metric.columns);
  }
  return out;
}

/**
 * The metrics and the sizes of the tables they were computed from.
 *
 * @example
 * ```ts
 * import type { WarehouseMetrics } from "./run.ts";
 * const metrics: WarehouseMetrics = {
 *   results: { users_joined_by_year: [{ post_year: 2016, number_users_joined: 1 }] },
 *   rows: { pin: 1, geo: 1, user: 1 },
 * };
 * console.log(JSON.stringify(metrics.rows)); // {"pin":1,"geo":1,"user":1}
 * ```
 */
export interface WarehouseMetrics {
  results: MetricResults;
  /** Rows of `pin`, `geo`, `user`. */
  rows: { pin: number; geo: number; user: number };
}

/**
 * Reads `pin`, `geo`, `user` from `warehouseDir` and computes the nine metrics. Throws
 * `WarehouseMissingError` when a table is absent, `WarehouseEmptyError` when all are
 * empty, and `WarehouseDamagedError` when a file cannot be read, lacks one of its table's
 * clean columns (the file of another table, say) or holds another type in a column the
 * queries read (timestamps as text); each message says to run `deno task batch`.
 *
 * @example
 * ```ts
 * import { metricsFromWarehouse } from "./run.ts";
 * try {
 *   await metricsFromWarehouse(await Deno.makeTempDir());
 * } catch (e) {
 *   console.log((e as Error).message); // ... run `deno task batch` first ...
 * }
 * ```
 */
export async function metricsFromWarehouse(
  warehouseDir: string,
): Promise<WarehouseMetrics> {
  const tables = await readWarehouse(
    warehouseDir,
    ["pin", "geo", "user"] as const,
  );
  const rows = {
    pin: tables.pin.height,
    geo: tables.geo.height,
    user: tables.user.height,
  };
  if (rows.pin === 0 && rows.geo === 0 && rows.user === 0) {
    throw new WarehouseEmptyError(warehouseDir);
  }
  // A file of another table (or program) would fail a query with polars' TypeError
  // '_ldf.collectSync is not a function'; name the file instead.
  for (const table of ["pin", "geo", "user"] as const) {
    const columns = tables[table].columns;
    const lacking = CLEAN_COLUMNS[table].filter((c) => !columns.includes(c));
    // A column of another type failed a query ('`year` operation not supported for dtype
    // `str`'), naming neither the file nor the column.
    const why = lacking.length > 0
      ? `it has no column ${lacking.join(", ")}; its columns are ${
        columns.join(", ") || "none"
      }`
      : columnTypeMismatch(table, tables[table]);
    if (why === undefined) continue;
    throw new WarehouseDamagedError(warehouseDir, table, {
      cause: new Error(why),
    });
  }
  return { results: await runMetrics({ tables }), rows };
}
