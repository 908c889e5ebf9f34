/**
 * The chart shapes the report uses, as Vega-Lite specs: labelled horizontal bars, labelled
 * vertical bars, and bars grouped by age group.
 *
 * @module
 */
import type { MetricRow } from "../metrics/mod.ts";
import { CHART_CONFIG, type TopLevelSpec } from "./svg.ts";

/**
 * Age groups in their natural order (not text order, where `+50` sorts first).
 *
 * @example
 * ```ts
 * import { AGE_GROUPS } from "./chart_marks.ts";
 * console.log(AGE_GROUPS.at(-1)); // +50
 * ```
 */
export const AGE_GROUPS = ["18-24", "25-35", "36-50", "+50"];

/**
 * A result row.
 *
 * @example
 * ```ts
 * import { top, type Row } from "./chart_marks.ts";
 * const rows: Row[] = [{ country: "Chad", n: 3 }, { country: "Peru", n: 5 }];
 * console.log(top(rows, "n", { count: 1 })); // [ { country: "Peru", n: 5 } ]
 * ```
 */
export type Row = MetricRow;

/**
 * Options of `chartSpec` and the builders here.
 *
 * @example
 * ```ts
 * import { type ChartOptions, hbars } from "./chart_marks.ts";
 * const options: ChartOptions = { categories: ["art", "travel"], topN: 10, width: 400 };
 * const spec = hbars([{ country: "Chad", n: 3 }], { y: "country", x: "n", text: "n", title: "posts" }, options);
 * console.log(JSON.stringify(spec).includes("\"width\":400")); // true
 * ```
 */
export interface ChartOptions {
  /** Every category that appears in the report, for one shared colour per category. */
  categories: readonly string[];
  /** Bars shown for per-country answers (default 20). */
  topN?: number;
  /**
   * Width of the whole chart in pixels, axes and labels included (default {@linkcode CHART_WIDTH}).
   */
  width?: number;
}

const AGE_COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2"];

/**
 * Default width of a chart, axes and labels included: the page's chart column is about
 * 650 px at its widest, and a wider SVG is shrunk to fit it, its text with it.
 *
 * @example
 * ```ts
 * import { CHART_WIDTH } from "./chart_marks.ts";
 * console.log(CHART_WIDTH); // 600
 * ```
 */
export const CHART_WIDTH = 600;

/**
 * Longest axis label and bar label, in pixels (as `text_width.ts` measures them): longer ones
 * are cut with …; the tables have them whole.
 */
const LABEL_LIMIT = { axis: 220, bar: 160 };

/**
 * How many rows {@linkcode top} keeps.
 *
 * @example
 * ```ts
 * import { top, type TopOptions } from "./chart_marks.ts";
 * const options: TopOptions = { count: 1 };
 * console.log(top([{ n: 1 }, { n: 3 }], "n", options)); // [{ n: 3 }]
 * ```
 */
export interface TopOptions {
  /** Rows to keep (all of them when there are fewer). */
  count: number;
}

/**
 * The `count` rows with the largest `field`, largest first.
 *
 * @example
 * ```ts
 * import { top } from "./chart_marks.ts";
 * console.log(top([{ n: 1 }, { n: 3 }, { n: 2 }], "n", { count: 2 })); // [{ n: 3 }, { n: 2 }]
 * ```
 */
export function top(
  rows: readonly Row[],
  field: string,
  { count }: TopOptions,
): Row[] {
  return [...rows].sort((a, b) => Number(b[field]) - Number(a[field])).slice(
    0,
    count,
  );
}

/**
 * The parts every chart spec shares: schema, config, data and size. The plot is sized so that
 * the whole chart, axis labels and bar labels included, is `options.width` wide.
 */
function base(values: Row[], size: { options: ChartOptions; height: number }) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: CHART_CONFIG,
    data: { values },
    width: size.options.width ?? CHART_WIDTH,
    height: size.height,
    autosize: { type: "fit-x", contains: "padding" },
  };
}

/**
 * Axis of a count: 2k, 4M, ... (SI prefixes), and 0 as 0 (Vega gave it the prefix of the
 * largest tick: 0M, 0k).
 */
const COUNT_AXIS = {
  format: "~s",
  labelExpr: "datum.value === 0 ? '0' : datum.label",
};

/**
 * Colour encoding: by category (shared domain, no legend: bars are labelled) or plain. The bars
 * using it are not stacked (`stack: null`; one bar per band, so nothing to stack): Vega-Lite
 * sorted a stack by the domain in an expression, `indexof(["toString", ...], ...)`, where
 * Vega took a category named like an Object member for a signal and threw 'Operator not
 * defined'.
 */
function colorBy(field: string | undefined, options: ChartOptions) {
  return field
    ? {
      field,
      type: "nominal",
      scale: { domain: [...options.categories] },
      legend: null,
    }
    : { value: "#4c78a8" };
}

/**
 * Text encoding: numbers with thousands separators and up to two decimals, as the tables print
 * them (`,~r` kept 6 digits: 150000.5 was labelled 150,001), text as is.
 */
function label(field: string, numeric: boolean) {
  return numeric
    ? { field, type: "quantitative", format: ",.2~f" }
    : { field, type: "nominal" };
}

/**
 * What {@linkcode hbars} draws: the row fields on its axes, labels and colours.
 *
 * @example
 * ```ts
 * import { type HBars, hbars } from "./chart_marks.ts";
 * const bars: HBars = { y: "country", x: "category_count", text: "category", color: "category", title: "posts" };
 * const spec = hbars([{ country: "Chad", category: "art", category_count: 3 }], bars, { categories: ["art"] });
 * console.log(JSON.stringify(spec).includes("\"field\":\"category\"")); // true
 * ```
 */
export interface HBars {
  /** Field of the bars' names (vertical axis), one bar per value. */
  y: string;
  /** Field of the bars' lengths (horizontal axis). */
  x: string;
  /** Field each bar is labelled with. */
  text: string;
  /** The label is a number: print it with thousands separators (default false). */
  numericText?: boolean;
  /** Field that colours the bars, in the shared category colours (default: one colour). */
  color?: string;
  /** Title of the horizontal axis. */
  title: string;
}

/**
 * Horizontal bars of `x` per `y` (sorted, largest first), each labelled with `text`.
 *
 * @example
 * ```ts
 * import { hbars } from "./chart_marks.ts";
 * const spec = hbars([{ country: "Chad", n: 3 }], { y: "country", x: "n", text: "n", title: "posts" },
 *   { categories: [] });
 * console.log(JSON.stringify(spec).includes("\"width\":600")); // true
 * ```
 */
export function hbars(
  values: Row[],
  bars: HBars,
  options: ChartOptions,
): TopLevelSpec {
  return {
    ...base(values, {
      options,
      height: Math.max(40, values.length * 22),
    }),
    encoding: {
      y: {
        field: bars.y,
        type: "nominal",
        sort: { field: bars.x, op: "max", order: "descending" },
        title: null,
        axis: { labelLimit: LABEL_LIMIT.axis },
      },
      x: {
        field: bars.x,
        type: "quantitative",
        title: bars.title,
        axis: COUNT_AXIS,
        stack: null,
      },
    },
    layer: [
      {
        mark: { type: "bar", cornerRadiusEnd: 3 },
        encoding: { color: colorBy(bars.color, options) },
      },
      {
        mark: {
          type: "text",
          align: "left",
          dx: 4,
          fontSize: 10,
          limit: LABEL_LIMIT.bar,
          color: "#3c4257",
        },
        encoding: { text: label(bars.text, bars.numericText ?? false) },
      },
    ],
  } as TopLevelSpec;
}

/**
 * What {@linkcode vbars} draws: the row fields on its axes, titles, labels and colours.
 *
 * @example
 * ```ts
 * import { type VBars, vbars } from "./chart_marks.ts";
 * const bars: VBars = { x: "post_year", y: "number_users_joined", xTitle: "year", yTitle: "users joined",
 *   text: "number_users_joined", numericText: true };
 * const spec = vbars([{ post_year: 2015, number_users_joined: 2 }], bars, { categories: [] });
 * console.log(JSON.stringify(spec).includes("\"title\":\"users joined\"")); // true
 * ```
 */
export interface VBars {
  /** Field of the bars' names (horizontal axis, ordinal), one bar per value. */
  x: string;
  /** Field of the bars' heights (vertical axis). */
  y: string;
  /** Title of the horizontal axis. */
  xTitle: string;
  /** Title of the vertical axis. */
  yTitle: string;
  /** Field each bar is labelled with, above the bar. */
  text: string;
  /** The label is a number: print it with thousands separators (default false). */
  numericText?: boolean;
  /** Order of the `x` values (default ascending). */
  sort?: string[];
  /** Field that colours the bars, in the shared category colours (default: one colour). */
  color?: string;
}

/**
 * Vertical bars of `y` per ordinal `x`, each labelled above with `text`.
 *
 * @example
 * ```ts
 * import { vbars } from "./chart_marks.ts";
 * const spec = vbars([{ year: 2015, n: 2 }], { x: "year", y: "n", xTitle: "year", yTitle: "users",
 *   text: "n", numericText: true }, { categories: [] });
 * console.log(JSON.stringify(spec).includes("\"height\":260")); // true
 * ```
 */
export function vbars(
  values: Row[],
  bars: VBars,
  options: ChartOptions,
): TopLevelSpec {
  return {
    ...base(values, { options, height: 260 }),
    encoding: {
      x: {
        field: bars.x,
        type: "ordinal",
        sort: bars.sort ?? "ascending",
        title: bars.xTitle,
        axis: { labelAngle: 0 },
      },
      y: {
        field: bars.y,
        type: "quantitative",
        title: bars.yTitle,
        axis: COUNT_AXIS,
        stack: null,
      },
    },
    layer: [
      {
        mark: { type: "bar", cornerRadiusEnd: 3, width: { band: 0.7 } },
        encoding: { color: colorBy(bars.color, options) },
      },
      {
        mark: { type: "text", dy: -6, fontSize: 11, color: "#3c4257" },
        encoding: { text: label(bars.text, bars.numericText ?? false) },
      },
    ],
  } as TopLevelSpec;
}

/**
 * Bars per join year, one per age group side by side (metric 9).
 *
 * @example
 * ```ts
 * import { groupedByAge } from "./chart_marks.ts";
 * const spec = groupedByAge([{ age_group: "18-24", post_year: 2015, median_follower_count: 4 }],
 *   { categories: [] });
 * console.log(JSON.stringify(spec).includes("\"height\":260")); // true
 * ```
 */
export function groupedByAge(
  values: Row[],
  options: ChartOptions,
): TopLevelSpec {
  return {
    ...base(values, { options, height: 260 }),
    mark: { type: "bar", cornerRadiusEnd: 2 },
    encoding: {
      x: {
        field: "post_year",
        type: "ordinal",
        title: "year joined",
        axis: { labelAngle: 0 },
      },
      xOffset: { field: "age_group", sort: AGE_GROUPS },
      y: {
        field: "median_follower_count",
        type: "quantitative",
        title: "median followers",
        axis: COUNT_AXIS,
      },
      color: {
        field: "age_group",
        type: "nominal",
        sort: AGE_GROUPS,
        scale: { domain: AGE_GROUPS, range: AGE_COLORS },
        title: "age group",
      },
    },
  } as TopLevelSpec;
}
