import assert from "node:assert/strict";
import { many, metric } from "./test_util.ts";

Deno.test("metrics: popular_category_by_age_group (boundaries 17/18/24/25/35/36/50/51, ties by category)", async () => {
  const rows = await metric("popular_category_by_age_group", [
    ...many(3, { age: 17, category: "art" }), // under 18: no group
    { age: 18, category: "beauty" },
    { age: 24, category: "beauty" },
    { age: 20, category: "art" }, // 18-24: beauty 2
    { age: 25, category: "travel" },
    { age: 35, category: "diy" }, // 25-35: diy 1 = travel 1 -> diy
    { age: 36, category: "art" },
    { age: 50, category: "art" }, // 36-50: art 2
    { age: 51, category: "quotes" },
    { age: 70, category: "quotes" },
    { age: 60, category: "art" }, // +50: quotes 2
    ...many(5, { age: null, category: "art" }),
  ]);
  assert.deepEqual(rows, [
    { age_group: "18-24", category: "beauty", category_count: 2 },
    { age_group: "25-35", category: "diy", category_count: 1 },
    { age_group: "36-50", category: "art", category_count: 2 },
    { age_group: "+50", category: "quotes", category_count: 2 },
  ]);
});

Deno.test("metrics: median_followers_by_age_group (exact medians, even counts averaged, nulls left out)", async () => {
  const rows = await metric("median_followers_by_age_group", [
    { age: 18, follower_count: 10 },
    { age: 24, follower_count: 20 },
    { age: 20, follower_count: 40 },
    { age: 22, follower_count: null }, // 18-24: [10, 20, 40] -> 20
    { age: 25, follower_count: 5 },
    { age: 35, follower_count: 8 }, // 25-35: [5, 8] -> 6.5
    { age: 36, follower_count: 1 },
    { age: 50, follower_count: 2 },
    { age: 40, follower_count: 3 },
    { age: 45, follower_count: 100 }, // 36-50: [1, 2, 3, 100] -> 2.5
    { age: 51, follower_count: 7 }, // +50: [7] -> 7
    { age: 17, follower_count: 1000 }, // no group
  ]);
  assert.deepEqual(rows, [
    { age_group: "18-24", median_follower_count: 20 },
    { age_group: "25-35", median_follower_count: 6.5 },
    { age_group: "36-50", median_follower_count: 2.5 },
    { age_group: "+50", median_follower_count: 7 },
  ]);
});

Deno.test("metrics: users_joined_by_year (2015-2020, over user records incl. users without pins)", async () => {
  const rows = await metric("users_joined_by_year", [
    { date_joined: "2014-12-31 23:59:59" },
    ...many(2, { date_joined: "2015-01-01 00:00:00", noPin: true }),
    { date_joined: "2017-07-07 07:07:07" },
    ...many(3, { date_joined: "2020-12-31 23:59:59" }),
    { date_joined: "2021-01-01 00:00:00" },
    ...many(2, { date_joined: null }),
  ]);
  assert.deepEqual(rows, [
    { post_year: 2015, number_users_joined: 2 },
    { post_year: 2017, number_users_joined: 1 },
    { post_year: 2020, number_users_joined: 3 },
  ]);
});

Deno.test("metrics: median_followers_by_join_year (2015-2020, exact medians)", async () => {
  const rows = await metric("median_followers_by_join_year", [
    { date_joined: "2015-02-02 00:00:00", follower_count: 10 },
    { date_joined: "2015-03-03 00:00:00", follower_count: 30 },
    { date_joined: "2015-04-04 00:00:00", follower_count: null }, // 2015: [10, 30] -> 20
    ...[1, 2, 3].map((f) => ({
      date_joined: "2016-01-01 00:00:00",
      follower_count: f,
    })),
    { date_joined: "2014-06-06 00:00:00", follower_count: 99 },
    { date_joined: "2021-06-06 00:00:00", follower_count: 99 },
    ...[5, 6, 7, 8].map((f) => ({
      date_joined: "2020-01-01 00:00:00",
      follower_count: f,
    })),
  ]);
  assert.deepEqual(rows, [
    { post_year: 2015, median_follower_count: 20 },
    { post_year: 2016, median_follower_count: 2 },
    { post_year: 2020, median_follower_count: 6.5 },
  ]);
});

Deno.test("metrics: median_followers_by_join_year_and_age_group (ordered by group, then year)", async () => {
  const rows = await metric("median_followers_by_join_year_and_age_group", [
    { age: 19, date_joined: "2016-01-01 00:00:00", follower_count: 10 },
    { age: 23, date_joined: "2016-05-01 00:00:00", follower_count: 11 },
    { age: 18, date_joined: "2015-01-01 00:00:00", follower_count: 4 },
    ...[100, 200, 300].map((f) => ({
      age: 80,
      date_joined: "2015-09-09 00:00:00",
      follower_count: f,
    })),
    { age: 25, date_joined: "2020-01-01 00:00:00", follower_count: 1 },
    { age: 35, date_joined: "2020-02-01 00:00:00", follower_count: 3 },
    { age: 17, date_joined: "2016-01-01 00:00:00", follower_count: 5 },
    { age: 40, date_joined: "2021-01-01 00:00:00", follower_count: 5 },
    { age: 40, date_joined: "2017-01-01 00:00:00", follower_count: null },
  ]);
  assert.deepEqual(rows, [
    { age_group: "18-24", post_year: 2015, median_follower_count: 4 },
    { age_group: "18-24", post_year: 2016, median_follower_count: 10.5 },
    { age_group: "25-35", post_year: 2020, median_follower_count: 2 },
    { age_group: "+50", post_year: 2015, median_follower_count: 200 },
  ]);
});
