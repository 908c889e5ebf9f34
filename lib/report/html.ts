/**
 * The report page: one self-contained HTML file (inline CSS and SVG, no scripts, no network)
 * with a section per metric holding its chart and its full table.
 *
 * @module
 */
import { formatCell, type MetricDef, type MetricRow } from "../metrics/mod.ts";

/**
 * One metric on the page.
 *
 * @example
 * ```ts
 * import { type ReportSection, renderReportHtml } from "./html.ts";
 * import { METRICS } from "../metrics/mod.ts";
 * const section: ReportSection = { metric: METRICS[6], rows: [{ post_year: 2015, number_users_joined: 2 }],
 *   svg: "<svg></svg>", note: "one year only" };
 * console.log(renderReportHtml({ generatedAt: new Date(0), sections: [section] }).includes("one year only")); // true
 * ```
 */
export interface ReportSection {
  metric: MetricDef;
  rows: MetricRow[];
  /** The chart, as SVG markup rendered by Vega; none when `rows` is empty (the page says so). */
  svg?: string;
  /** A note under the chart, e.g. "top 20 of 95 countries". */
  note?: string;
}

/**
 * Everything the page shows.
 *
 * @example
 * ```ts
 * import { type ReportPage, renderReportHtml } from "./html.ts";
 * const page: ReportPage = { sections: [], generatedAt: new Date(0), tableRows: { pin: 2, geo: 2, user: 2 } };
 * console.log(renderReportHtml(page).startsWith("<!doctype html>")); // true
 * ```
 */
export interface ReportPage {
  sections: ReportSection[];
  generatedAt: Date;
  /** Rows of the batch tables the answers come from. */
  tableRows?: Record<string, number>;
}

/**
 * Escapes text for HTML content and attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./html.ts";
 * console.log(escapeHtml(`<a href="x">&`)); // &lt;a href=&quot;x&quot;&gt;&amp;
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

const STYLE = `
:root { --ink: #1a1f36; --muted: #697386; --line: #e3e8ee; --bg: #f6f8fa; --accent: #4c78a8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
header { background: #1a1f36; color: #fff; padding: 28px 40px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; }
header p { margin: 0; color: #c1c9d6; }
.stats { display: flex; gap: 12px; margin-top: 16px; flex-wrap: wrap; }
.stat { background: rgba(255,255,255,.08); border-radius: 8px; padding: 8px 14px; }
.stat b { display: block; font-size: 18px; color: #fff; }
.stat span { font-size: 12px; color: #c1c9d6; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 40px 48px; }
nav ol { columns: 3; margin: 0 0 24px; padding-left: 20px; color: var(--muted); }
nav a { color: var(--accent); text-decoration: none; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px;
  margin: 0 0 20px; padding: 20px 24px; }
section h2 { margin: 0; font-size: 17px; font-weight: 650; }
section h2 small { color: var(--muted); font-weight: 400; font-size: 12px; margin-left: 6px;
  font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.body { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 24px;
  margin-top: 14px; align-items: start; }
.chart svg { max-width: 100%; height: auto; }
.note { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
.table { max-height: 460px; overflow: auto; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th { position: sticky; top: 0; background: #f6f8fa; text-align: left; font-weight: 600;
  border-bottom: 1px solid var(--line); }
th, td { padding: 6px 10px; vertical-align: top; }
th, td.num { white-space: nowrap; }
tr:nth-child(even) td { background: #fafbfc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.empty { color: var(--muted); padding: 12px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding-bottom: 32px; }
@media (max-width: 900px) { .body { grid-template-columns: 1fr; } nav ol { columns: 1; } }
`;

/**
 * A cell as the charts label it: numbers with thousands separators and up to two decimals
 * (a median's .5), years (columns named `*_year`) as they are, text and null as the terminal
 * tables print them.
 */
function cellText(column: string, value: string | number | null): string {
  if (typeof value !== "number" || column.endsWith("_year")) {
    return formatCell(value);
  }
  return value.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

function tableHtml(
  columns: readonly string[],
  rows: readonly MetricRow[],
): string {
  if (rows.length === 0) {
    return `<div class="table"><p class="empty">No rows.</p></div>`;
  }
  const numeric = columns.map((c) =>
    rows.some((r) => typeof r[c] === "number")
  );
  const cls = (i: number) => (numeric[i] ? ` class="num"` : "");
  const head = columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c)}</th>`).join(
    "",
  );
  const body = rows.map((r) =>
    `<tr>${
      columns.map((c, i) =>
        `<td${cls(i)}>${escapeHtml(cellText(c, r[c] ?? null))}</td>`
      ).join("")
    }</tr>`
  ).join("\n");
  return `<div class="table"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** In place of the chart of an answer without rows (Vega would draw blank axes ticked NaN). */
const NO_DATA =
  `<p class="empty">No data to chart: the batch tables hold no rows for this answer.</p>`;

function sectionHtml(s: ReportSection, i: number): string {
  const note = s.note ? `<p class="note">${escapeHtml(s.note)}</p>` : "";
  return `<section id="${escapeHtml(s.metric.name)}">
<h2>${i + 1}. ${escapeHtml(s.metric.title)}<small>${
    escapeHtml(s.metric.name)
  }</small></h2>
<div class="body"><div class="chart">${s.svg ?? NO_DATA}${note}</div>
${tableHtml(s.metric.columns, s.rows)}</div>
</section>`;
}

/**
 * Renders the whole page.
 *
 * @example
 * ```ts
 * import { renderReportHtml } from "./html.ts";
 * import { METRICS } from "../metrics/mod.ts";
 * const html = renderReportHtml({
 *   generatedAt: new Date(0),
 *   sections: [{ metric: METRICS[6], rows: [{ post_year: 2015, number_users_joined: 2 }], svg: "<svg></svg>" }],
 * });
 * console.log(html.includes("<table>")); // true
 * ```
 */
export function renderReportHtml(page: ReportPage): string {
  const stats = Object.entries(page.tableRows ?? {}).map(([t, n]) =>
    `<div class="stat"><b>${n.toLocaleString("en-US")}</b><span>${
      escapeHtml(t)
    } rows</span></div>`
  ).join("");
  const toc = page.sections.map((s) =>
    `<li><a href="#${escapeHtml(s.metric.name)}">${
      escapeHtml(s.metric.title)
    }</a></li>`
  ).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pinterest pipeline report</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Pinterest pipeline: the nine answers</h1>
<p>Computed with polars SQL from the batch tables; charts rendered with Vega-Lite.
Generated ${
    escapeHtml(page.generatedAt.toISOString().replace("T", " ").slice(0, 19))
  } UTC.</p>
<div class="stats">${stats}</div>
</header>
<main>
<nav><ol>${toc}</ol></nav>
${page.sections.map(sectionHtml).join("\n")}
</main>
<footer>pinterest-pipeline · deno task report</footer>
</body>
</html>
`;
}
