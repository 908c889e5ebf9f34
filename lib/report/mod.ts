/**
 * The HTML report of the nine answers: tables plus Vega-Lite charts rendered to inline SVG.
 *
 * @example
 * ```ts
 * import { metricsFromWarehouse } from "../metrics/mod.ts";
 * import { buildReport, writeReport } from "./mod.ts";
 * const { results, rows } = await metricsFromWarehouse(".data/warehouse");
 * await writeReport(".data/report.html", await buildReport(results, { tableRows: rows }));
 * ```
 *
 * @module
 */
export { buildReport, type BuildReportOptions, writeReport } from "./build.ts";
export { chartSpec } from "./charts.ts";
export { ReportWriteError, type ReportWriteErrorOptions } from "./errors.ts";
export {
  AGE_GROUPS,
  CHART_WIDTH,
  type ChartOptions,
  groupedByAge,
  type HBars,
  hbars,
  type Row,
  top,
  type TopOptions,
  type VBars,
  vbars,
} from "./chart_marks.ts";
export {
  escapeHtml,
  renderReportHtml,
  type ReportPage,
  type ReportSection,
} from "./html.ts";
export {
  CHART_CONFIG,
  renderSvg,
  type RenderSvgOptions,
  type TopLevelSpec,
} from "./svg.ts";
