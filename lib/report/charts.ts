/**
 * One Vega-Lite chart per metric, built from the metric's rows.
 *
 * Categories get the same colour in every chart (one shared colour domain); long answers
 * (one row per country) are charted for their top rows and listed in full in the table.
 *
 * @module
 */
import {
  AGE_GROUPS,
  type ChartOptions,
  groupedByAge,
  hbars,
  type Row,
  top,
  vbars,
} from "./chart_marks.ts";
import type { TopLevelSpec } from "./svg.ts";

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
  const topN = options.topN ?? 20;
  const all = [...rows];
  switch (metric) {
    case "popular_category_by_country":
      return hbars(top(all, "category_count", { count: topN }), {
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
      return hbars(top(all, "follower_count", { count: topN }), {
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
