/**
 * The nine course metrics: their names (fixed), SQL files, output columns and the question
 * each one answers.
 *
 * @module
 */

/**
 * One metric of the course.
 *
 * @example
 * ```ts
 * import { type MetricDef, METRICS } from "./catalog.ts";
 * const first: MetricDef = METRICS[0];
 * console.log(first.name, first.columns.join(","));
 * // popular_category_by_country country,category,category_count
 * ```
 */
export interface MetricDef {
  /** Fixed name, the key in `deno task metrics --json`. */
  name: string;
  /** SQL file under `lib/metrics/sql/`. */
  file: string;
  /** Output columns, in order. */
  columns: readonly string[];
  /** The question, for people. */
  title: string;
}

/** Metric number `n`: its SQL file is `NN_<name>.sql`. */
function def(
  n: number,
  metric: { name: string; columns: string[]; title: string },
): MetricDef {
  const { name, columns, title } = metric;
  return {
    name,
    file: `${String(n).padStart(2, "0")}_${name}.sql`,
    columns,
    title,
  };
}

/**
 * The nine metrics, in the course's order.
 *
 * @example
 * ```ts
 * import { METRICS } from "./catalog.ts";
 * console.log(METRICS.length, METRICS[0].file); // 9 "01_popular_category_by_country.sql"
 * ```
 */
export const METRICS: readonly MetricDef[] = [
  def(1, {
    name: "popular_category_by_country",
    columns: ["country", "category", "category_count"],
    title: "Most popular category in each country",
  }),
  def(2, {
    name: "popular_category_by_year",
    columns: ["post_year", "category", "category_count"],
    title: "Most popular category each year, 2018-2022",
  }),
  def(3, {
    name: "top_user_by_country",
    columns: ["country", "poster_name", "follower_count"],
    title: "User with the most followers in each country",
  }),
  def(4, {
    name: "country_with_top_user",
    columns: ["country", "follower_count"],
    title: "Country whose top user has the most followers",
  }),
  def(5, {
    name: "popular_category_by_age_group",
    columns: ["age_group", "category", "category_count"],
    title: "Most popular category for each age group",
  }),
  def(6, {
    name: "median_followers_by_age_group",
    columns: ["age_group", "median_follower_count"],
    title: "Median follower count for each age group",
  }),
  def(7, {
    name: "users_joined_by_year",
    columns: ["post_year", "number_users_joined"],
    title: "Users joined each year, 2015-2020",
  }),
  def(8, {
    name: "median_followers_by_join_year",
    columns: ["post_year", "median_follower_count"],
    title: "Median follower count of users by join year, 2015-2020",
  }),
  def(9, {
    name: "median_followers_by_join_year_and_age_group",
    columns: ["age_group", "post_year", "median_follower_count"],
    title: "Median follower count by join year and age group, 2015-2020",
  }),
];

/**
 * Names of the nine metrics, in order.
 *
 * @example
 * ```ts
 * import { METRIC_NAMES } from "./catalog.ts";
 * console.log(METRIC_NAMES[3]); // country_with_top_user
 * ```
 */
export const METRIC_NAMES: readonly string[] = METRICS.map((m) => m.name);

/**
 * Finds a metric by name.
 *
 * @example
 * ```ts
 * import { metricByName } from "./catalog.ts";
 * console.log(metricByName("users_joined_by_year")?.columns); // ["post_year", "number_users_joined"]
 * ```
 */
export function metricByName(name: string): MetricDef | undefined {
  return METRICS.find((m) => m.name === name);
}
