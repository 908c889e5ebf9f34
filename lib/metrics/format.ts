/**
 * Metric results for people: aligned text tables with the question as a heading.
 *
 * @module
 */
import { METRICS } from "./catalog.ts";
import type { MetricResults, MetricRow } from "./run.ts";
import { displayWidth, terminalSafe } from "./terminal_text.ts";

/**
 * Formats one value for a table cell: numbers with up to two decimals, null as `-`.
 *
 * @example
 * ```ts
 * import { formatCell } from "./format.ts";
 * console.log(formatCell(6.5), formatCell(12000), formatCell(null)); // 6.5 12000 -
 * ```
 */
export function formatCell(value: string | number | null): string {
  if (value === null) return "-";
  if (typeof value === "number") {
    return Number.isInteger(value)
      ? String(value)
      : value.toFixed(2).replace(/0$/, "");
  }
  return value;
}

/**
 * Renders rows as an aligned text table (numbers right-aligned) under the given columns. Line
 * breaks, tabs and terminal controls in a value are printed as escapes (`\n`, `\u001b`), so
 * each row stays one line and nothing reaches the terminal as a command; columns are as wide
 * as their text is on the terminal (CJK and emoji take two columns).
 *
 * @example
 * ```ts
 * import { formatTable } from "./format.ts";
 * console.log(formatTable(["country", "n"], [{ country: "Chad", n: 3 }]));
 * // country  n
 * // -------  -
 * // Chad     3
 * ```
 */
export function formatTable(
  columns: readonly string[],
  rows: readonly MetricRow[],
): string {
  const cells = rows.map((r) =>
    columns.map((c) => terminalSafe(formatCell(r[c] ?? null)))
  );
  const numeric = columns.map((c) =>
    rows.some((r) => typeof r[c] === "number")
  );
  const widths = columns.map((c, i) =>
    Math.max(displayWidth(c), ...cells.map((r) => displayWidth(r[i])))
  );
  // Padded to the columns the text takes on the terminal, not its UTF-16 length.
  const pad = (v: string, i: number) => {
    const spaces = " ".repeat(widths[i] - displayWidth(v));
    return numeric[i] ? spaces + v : v + spaces;
  };
  const line = (values: string[]) => values.map(pad).join("  ").trimEnd();
  const lines = [line([...columns]), line(widths.map((w) => "-".repeat(w)))];
  if (cells.length === 0) lines.push("(no rows)");
  for (const r of cells) lines.push(line(r));
  return lines.join("\n");
}

/**
 * Renders every metric as `N. question (name)` followed by its table.
 *
 * @example
 * ```ts
 * import { formatResults } from "./format.ts";
 * console.log(formatResults({ users_joined_by_year: [{ post_year: 2015, number_users_joined: 2 }] }));
 * ```
 */
export function formatResults(results: MetricResults): string {
  const blocks: string[] = [];
  METRICS.forEach((m, i) => {
    const rows = results[m.name];
    if (rows === undefined) return;
    blocks.push(
      `${i + 1}. ${m.title} (${m.name})\n${formatTable(m.columns, rows)}`,
    );
  });
  return blocks.join("\n\n");
}
