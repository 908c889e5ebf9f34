/**
 * One Vega-Lite chart per metric, built from the metric's rows.
 *
 * Categories get the same colour in every chart (one shared colour domain); long answers
 * (one row per country) are charted for their top rows and listed in full in the table.
 *
 * @module
 */
import type { MetricRow } from "../metrics/mod.ts";
import { CHART_CONFIG, type TopLevelSpec } from "./svg.ts";

/** Age groups in their natural order (not text order, where `+50` sorts first). */
export const AGE_GROUPS = ["18-24", "25-35", "36-50", "+50"];

/** Options of {@linkcode chartSpec}. */
export interface ChartOptions {
  /** Every category that appears in the report, for one shared colour per category. */
  categories: readonly string[];
  /** Bars shown for per-country answers (default 20). */
  topN?: number;
  /** Plot width in pixels (default 520). */
  width?: number;
}

type Row = MetricRow;

const AGE_COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2"];

function top(rows: readonly Row[], field: string, n: number): Row[] {
  return [...rows].sort((a, b) => Number(b[field]) - Number(a[field])).slice(
    0,
    n,
  );
}

function base(values: Row[], width: number, height: number) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: CHART_CONFIG,
    data: { values },
    width,
    height,
  };
}

/** Colour encoding: by category (shared domain, no legend: bars are labelled) or plain. */
function colorBy(field: string | undefined, c: ChartOptions) {
  return field
    ? {
      field,
      type: "nominal",
      scale: { domain: [...c.categories] },
      legend: null,
    }
    : { value: "#4c78a8" };
}

/** Text encoding: numbers with thousands separators, text as is. */
function label(field: string, numeric: boolean) {
  return numeric
    ? { field, type: "quantitative", format: ",~r" }
    : { field, type: "nominal" };
}

interface HBars {
  y: string;
  x: string;
  text: string;
  numericText?: boolean;
  color?: string;
  title: string;
}

/** Horizontal bars of `x` per `y` (sorted, largest first), each labelled with `text`. */
function hbars(values: Row[], o: HBars, c: ChartOptions): TopLevelSpec {
  return {
    ...base(values, c.width ?? 520, Math.max(40, values.length * 22)),
    encoding: {
      y: {
        field: o.y,
        type: "nominal",
        sort: { field: o.x, op: "max", order: "descending" },
        title: null,
        axis: { labelLimit: 220 },
      },
      x: {
        field: o.x,
        type: "quantitative",
        title: o.title,
        axis: { format: "~s" },
      },
    },
    layer: [
      {
        mark: { type: "bar", cornerRadiusEnd: 3 },
        encoding: { color: colorBy(o.color, c) },
      },
      {
        mark: {
          type: "text",
          align: "left",
          dx: 4,
          fontSize: 10,
          color: "#3c4257",
        },
        encoding: { text: label(o.text, o.numericText ?? false) },
      },
    ],
  } as TopLevelSpec;
}

interface VBars {
  x: string;
  y: string;
  xTitle: string;
  yTitle: string;
  text: string;
  numericText?: boolean;
  sort?: string[];
  color?: string;
}

/** Vertical bars of `y` per ordinal `x`, each labelled above with `text`. */
function vbars(values: Row[], o: VBars, c: ChartOptions): TopLevelSpec {
  return {
    ...base(values, c.width ?? 520, 260),
    encoding: {
      x: {
        field: o.x,
        type: "ordinal",
        sort: o.sort ?? "ascending",
        title: o.xTitle,
        axis: { labelAngle: 0 },
      },
      y: {
        field: o.y,
        type: "quantitative",
        title: o.yTitle,
        axis: { format: "~s" },
      },
    },
    layer: [
      {
        mark: { type: "bar", cornerRadiusEnd: 3, width: { band: 0.7 } },
        encoding: { color: colorBy(o.color, c) },
      },
      {
        mark: { type: "text", dy: -6, fontSize: 11, color: "#3c4257" },
        encoding: { text: label(o.text, o.numericText ?? false) },
      },
    ],
  } as TopLevelSpec;
}

/**
 * The chart of one metric.
 *
 * @example
 * ```ts
 * import { chartSpec } from "./charts.ts";
 * const spec = chartSpec("users_joined_by_year", [{ post_year: 2015, number_users_joined: 2 }], { categories: [] });
 * console.log(JSON.stringify(spec).includes("number_users_joined")); // true
 * ```
 */
export function chartSpec(
  metric: string,
  rows: readonly Row[],
  options: ChartOptions,
): TopLevelSpec {
  const n = options.topN ?? 20;
  const all = [...rows];
  switch (metric) {
    case "popular_category_by_country":
      return hbars(top(all, "category_count", n), {
        y: "country",
        x: "category_count",
        text: "category",
        color: "category",
        title: "posts in the top category",
      }, options);
    case "popular_category_by_year":
      return vbars(all, {
        x: "post_year",
        y: "category_count",
        xTitle: "year posted",
        yTitle: "posts in the top category",
        text: "category",
        color: "category",
      }, options);
    case "top_user_by_country":
      return hbars(top(all, "follower_count", n), {
        y: "country",
        x: "follower_count",
        text: "poster_name",
        title: "followers of the top user",
      }, options);
    case "country_with_top_user":
      return hbars(all, {
        y: "country",
        x: "follower_count",
        text: "follower_count",
        numericText: true,
        title: "followers of the top user",
      }, options);
    case "popular_category_by_age_group":
      return vbars(all, {
        x: "age_group",
        y: "category_count",
        xTitle: "age group",
        yTitle: "posts in the top category",
        text: "category",
        color: "category",
        sort: AGE_GROUPS,
      }, options);
    case "median_followers_by_age_group":
      return vbars(all, {
        x: "age_group",
        y: "median_follower_count",
        xTitle: "age group",
        yTitle: "median followers",
        text: "median_follower_count",
        numericText: true,
        sort: AGE_GROUPS,
      }, options);
    case "users_joined_by_year":
      return vbars(all, {
        x: "post_year",
        y: "number_users_joined",
        xTitle: "year joined",
        yTitle: "users joined",
        text: "number_users_joined",
        numericText: true,
      }, options);
    case "median_followers_by_join_year":
      return vbars(all, {
        x: "post_year",
        y: "median_follower_count",
        xTitle: "year joined",
        yTitle: "median followers",
        text: "median_follower_count",
        numericText: true,
      }, options);
    default:
      return groupedByAge(all, options);
  }
}

/** Bars per join year, one per age group side by side (metric 9). */
function groupedByAge(values: Row[], c: ChartOptions): TopLevelSpec {
  return {
    ...base(values, c.width ?? 520, 260),
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
        axis: { format: "~s" },
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
