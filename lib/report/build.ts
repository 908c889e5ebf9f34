/**
 * Builds and writes the report: a chart per metric (Vega-Lite → SVG), the tables, one HTML
 * file replaced atomically.
 *
 * @module
 */
import { dirname, join } from "node:path";
import { type MetricResults, METRICS } from "../metrics/mod.ts";
import { ReportWriteError } from "./errors.ts";
import { chartSpec } from "./charts.ts";
import { renderReportHtml, type ReportSection } from "./html.ts";
import { renderSvg } from "./svg.ts";

/**
 * Options of {@linkcode buildReport}.
 *
 * @example
 * ```ts
 * import { type BuildReportOptions, buildReport } from "./build.ts";
 * const options: BuildReportOptions = { tableRows: { pin: 2, geo: 2, user: 2 }, topN: 10 };
 * const results = { users_joined_by_year: [{ post_year: 2015, number_users_joined: 2 }] };
 * console.log((await buildReport(results, options)).includes("<svg")); // true
 * ```
 */
export interface BuildReportOptions {
  /** Rows of the batch tables, shown in the header. */
  tableRows?: Record<string, number>;
  /** Time printed on the page (default: now). */
  generatedAt?: Date;
  /** Bars in the per-country charts (default 20). */
  topN?: number;
}

/** The categories of metrics 1, 2 and 5, sorted: the shared colour domain. */
function categoriesOf(results: MetricResults): string[] {
  const set = new Set<string>();
  for (
    const name of [
      "popular_category_by_country",
      "popular_category_by_year",
      "popular_category_by_age_group",
    ]
  ) {
    for (const row of results[name] ?? []) {
      if (typeof row.category === "string") set.add(row.category);
    }
  }
  return [...set].sort();
}

/** The chart's note for metric `name` with `rows` rows, when it shows only the top `topN`. */
function noteFor(
  name: string,
  shown: { rows: number; topN: number },
): string | undefined {
  const { rows: count, topN } = shown;
  const perCountry = ["popular_category_by_country", "top_user_by_country"];
  if (perCountry.includes(name) && count > topN) {
    return `Chart: the top ${topN} of ${count} countries; the table lists all of them.`;
  }
  return undefined;
}

/**
 * Renders the report page for `results` (every metric present in `results`, in order).
 *
 * @example
 * ```ts
 * import { buildReport } from "./build.ts";
 * const html = await buildReport({ users_joined_by_year: [{ post_year: 2015, number_users_joined: 2 }] });
 * console.log(html.includes("<svg")); // true
 * ```
 */
export async function buildReport(
  results: MetricResults,
  options: BuildReportOptions = {},
): Promise<string> {
  const topN = options.topN ?? 20;
  const categories = categoriesOf(results);
  const sections: ReportSection[] = [];
  for (const metric of METRICS) {
    const rows = results[metric.name];
    if (rows === undefined) continue;
    const svg = rows.length === 0
      ? undefined
      : await renderSvg(chartSpec(metric.name, rows, { categories, topN }));
    sections.push({
      metric,
      rows,
      svg,
      note: noteFor(metric.name, { rows: rows.length, topN }),
    });
  }
  return renderReportHtml({
    sections,
    generatedAt: options.generatedAt ?? new Date(),
    tableRows: options.tableRows,
  });
}

/**
 * Writes `html` to `path` atomically (temp file in the same folder, then rename); a failure
 * is a `ReportWriteError`.
 *
 * @example
 * ```ts
 * import { writeReport } from "./build.ts";
 * const path = `${await Deno.makeTempDir()}/report.html`;
 * await writeReport(path, "<!doctype html><p>hi</p>");
 * console.log(await Deno.readTextFile(path)); // <!doctype html><p>hi</p>
 * ```
 */
export async function writeReport(path: string, html: string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.tmp-report-${crypto.randomUUID()}.html`);
  try {
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(tmp, html);
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    const folder = await Deno.stat(path).then(
      (s) => s.isDirectory,
      () => false,
    );
    throw new ReportWriteError(path, e, { folder });
  }
}
