/**
 * A hand-built warehouse of the metric queries' edge cases, and every row they give on it.
 *
 * Generated posts rarely hit ties, the age boundaries (17/18, 24/25, 35/36, 50/51), the
 * years just outside 2018-2022 (geo timestamp) and 2015-2020 (join date), even-count
 * medians, null keys, or pins without a geo or user row; this warehouse has all of them, in
 * one set of posts built with the unit tests' builders (`lib/metrics/test_util.ts`).
 * Geo-side posts (country, timestamp, poster) have no age or join date, and user-side posts
 * no country or timestamp, so each metric's answer can be worked out from a few lines.
 * Where the tie winner goes by name, the loser is posted first, so an engine that kept the
 * first row it met would give another answer.
 *
 * @module
 */
import { writeWarehouse } from "../../lib/batch/mod.ts";
import type { MetricResults } from "../../lib/metrics/mod.ts";
import { many, type Post, tables } from "../../lib/metrics/test_util.ts";

/**
 * The edge posts (ind = position + 1).
 *
 * @example
 * ```ts
 * import { EDGE_POSTS } from "./metrics_edge_warehouse.ts";
 * console.log(EDGE_POSTS.filter((p) => p.noGeo).length); // 1
 * ```
 */
export const EDGE_POSTS: readonly Post[] = [
  // Geo side. Chad: beauty 2 = art 2 -> art; Zed 100 = Amy 100 -> Amy; the nameless
  // 1000 and Cat's unknown count are left out. 2018: beauty 2 = art 2 -> art, from
  // 2018-01-01 00:00:00 on. Bob's travel pin has no user row.
  ...many(2, c("Chad", "beauty", "2018-01-01 00:00:00", "Zed", 100)),
  ...many(2, c("Chad", "art", "2018-06-01 12:00:00", "Amy", 100)),
  { ...c("Chad", "travel", "2020-03-03 03:03:03", "Bob", 50), noUser: true },
  c("Chad", "diy", null, null, 1000),
  c("Chad", null, "2019-05-05 05:05:05", "Cat", null),
  // Benin: travel 3 (2022, to its last second); Bob 300 beats his 20s and Eve.
  c("Benin", "travel", "2022-12-31 23:59:59", "Bob", 20),
  c("Benin", "travel", "2022-12-31 23:59:59", "Bob", 300),
  c("Benin", "travel", "2022-12-31 23:59:59", "Bob", 20),
  c("Benin", "art", "2023-01-01 00:00:00", "Eve", 10),
  // Angola: Max 300 ties Benin's Bob -> Angola is the country with the top user.
  c("Angola", "diy", "2023-01-01 00:00:00", "Max", 300),
  // Eritrea: only nulls -> no row anywhere. No country: Ned's 5000 left out; 2017.
  c("Eritrea", null, null, "Gus", null),
  ...many(3, c(null, "art", "2017-12-31 23:59:59", "Ned", 5000)),
  // User side. Age 17: no group; join year 2014 (its last second): no year.
  ...many(3, u(17, "art", 1000, "2014-12-31 23:59:59")),
  // 18-24: beauty 2; followers [10, 20, 40] -> 20; 2015 [10, 20] -> 15, 2016 [40].
  u(18, "beauty", 10, "2015-01-01 00:00:00"),
  u(24, "beauty", 20, "2015-06-01 00:00:00"),
  u(20, "art", 40, "2016-01-01 00:00:00"),
  u(22, null, null, "2016-05-05 00:00:00"),
  // 25-35: travel 1 = diy 1 -> diy; [5, 8] -> 6.5, all in 2020 (to its last second).
  u(25, "travel", 5, "2020-12-31 23:59:59"),
  u(35, "diy", 8, "2020-01-01 00:00:00"),
  // 36-50: art 2; [1, 2, 3, 100] -> 2.5; 2017 [1, 2] -> 1.5; 2021 and no date: no year.
  u(36, "art", 1, "2017-07-07 07:07:07"),
  u(50, "art", 2, "2017-08-08 00:00:00"),
  u(40, null, 3, "2021-01-01 00:00:00"),
  u(45, null, 100, null),
  // +50: quotes 2; [7] (the pin without a geo row still counts); 2015 [7].
  { ...u(51, "quotes", 7, "2015-03-03 00:00:00"), noGeo: true },
  u(70, "quotes", null, "2015-04-04 00:00:00"),
  u(60, "art", null, "2016-02-02 00:00:00"),
  // No age: no group, but 2018 [50 x5] -> 50. A user without pins joined in 2015.
  ...many(5, u(null, "art", 50, "2018-08-08 00:00:00")),
  { date_joined: "2015-01-01 00:00:00", noPin: true },
];

/** A geo-side post: no age, no join date. */
function c(
  country: string | null,
  category: string | null,
  timestamp: string | null,
  poster_name: string | null,
  follower_count: number | null,
): Post {
  return { country, category, timestamp, poster_name, follower_count };
}

/** A user-side post: no country, no timestamp, no poster. */
function u(
  age: number | null,
  category: string | null,
  follower_count: number | null,
  date_joined: string | null,
): Post {
  return { age, category, follower_count, date_joined };
}

/**
 * The rows every metric gives on {@linkcode EDGE_POSTS}, worked out by hand.
 *
 * @example
 * ```ts
 * import { EDGE_METRICS } from "./metrics_edge_warehouse.ts";
 * console.log(EDGE_METRICS.country_with_top_user); // [{ country: "Angola", follower_count: 300 }]
 * ```
 */
export const EDGE_METRICS: Readonly<MetricResults> = {
  popular_category_by_country: [
    { country: "Angola", category: "diy", category_count: 1 },
    { country: "Benin", category: "travel", category_count: 3 },
    { country: "Chad", category: "art", category_count: 2 },
  ],
  popular_category_by_year: [
    { post_year: 2018, category: "art", category_count: 2 },
    { post_year: 2020, category: "travel", category_count: 1 },
    { post_year: 2022, category: "travel", category_count: 3 },
  ],
  top_user_by_country: [
    { country: "Angola", poster_name: "Max", follower_count: 300 },
    { country: "Benin", poster_name: "Bob", follower_count: 300 },
    { country: "Chad", poster_name: "Amy", follower_count: 100 },
  ],
  country_with_top_user: [{ country: "Angola", follower_count: 300 }],
  popular_category_by_age_group: [
    { age_group: "18-24", category: "beauty", category_count: 2 },
    { age_group: "25-35", category: "diy", category_count: 1 },
    { age_group: "36-50", category: "art", category_count: 2 },
    { age_group: "+50", category: "quotes", category_count: 2 },
  ],
  median_followers_by_age_group: [
    { age_group: "18-24", median_follower_count: 20 },
    { age_group: "25-35", median_follower_count: 6.5 },
    { age_group: "36-50", median_follower_count: 2.5 },
    { age_group: "+50", median_follower_count: 7 },
  ],
  users_joined_by_year: [
    { post_year: 2015, number_users_joined: 5 },
    { post_year: 2016, number_users_joined: 3 },
    { post_year: 2017, number_users_joined: 2 },
    { post_year: 2018, number_users_joined: 5 },
    { post_year: 2020, number_users_joined: 2 },
  ],
  median_followers_by_join_year: [
    { post_year: 2015, median_follower_count: 10 },
    { post_year: 2016, median_follower_count: 40 },
    { post_year: 2017, median_follower_count: 1.5 },
    { post_year: 2018, median_follower_count: 50 },
    { post_year: 2020, median_follower_count: 6.5 },
  ],
  median_followers_by_join_year_and_age_group: [
    { age_group: "18-24", post_year: 2015, median_follower_count: 15 },
    { age_group: "18-24", post_year: 2016, median_follower_count: 40 },
    { age_group: "25-35", post_year: 2020, median_follower_count: 6.5 },
    { age_group: "36-50", post_year: 2017, median_follower_count: 1.5 },
    { age_group: "+50", post_year: 2015, median_follower_count: 7 },
  ],
};

/**
 * Writes {@linkcode EDGE_POSTS} as the batch tables `pin`, `geo`, `user` of `dir`, through
 * the real cleaners.
 *
 * @example
 * ```ts
 * import { metricsFromWarehouse } from "../../lib/metrics/mod.ts";
 * import { writeEdgeWarehouse } from "./metrics_edge_warehouse.ts";
 * const dir = await Deno.makeTempDir();
 * await writeEdgeWarehouse(dir);
 * console.log((await metricsFromWarehouse(dir)).rows); // { pin: 37, geo: 37, user: 37 }
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeEdgeWarehouse(dir: string): Promise<void> {
  const { pin, geo, user } = tables([...EDGE_POSTS]);
  await writeWarehouse(dir, { pin, geo, user });
}
