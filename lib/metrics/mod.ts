/**
 * The nine course metrics as SQL files (`lib/metrics/sql/`), run with polars SQL over the
 * batch tables; the same text runs on Spark SQL, with the same rows
 * (`tests/integration/spark_metrics_test.ts` checks it on a real Spark).
 *
 * @example
 * ```ts
 * import { readWarehouse } from "../batch/mod.ts";
 * import { formatResults, runMetrics } from "./mod.ts";
 * const tables = await readWarehouse(".data/warehouse", ["pin", "geo", "user"]);
 * console.log(formatResults(await runMetrics({ tables })));
 * ```
 *
 * @module
 */
export {
  METRIC_NAMES,
  metricByName,
  type MetricDef,
  METRICS,
} from "./catalog.ts";
export {
  loadMetricSql,
  type MetricResults,
  type MetricRow,
  metricsFromWarehouse,
  type MetricTables,
  runMetrics,
  type RunMetricsOptions,
  toMetricRows,
  type WarehouseMetrics,
} from "./run.ts";
export { formatCell, formatResults, formatTable } from "./format.ts";
