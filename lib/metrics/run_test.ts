import assert from "node:assert/strict";
import { cleanGeo, cleanPin, cleanUser, rawFrame } from "../clean/mod.ts";
import { METRIC_NAMES, metricByName, METRICS } from "./catalog.ts";
import { type MetricTables, runMetrics } from "./run.ts";

/** One hand-made post: fields of the three tables for one ind; `noGeo`/`noUser`/`noPin` omit a table's row. */
interface Post {
  category?: string | null;
  follower_count?: number | null;
  poster_name?: string | null;
  country?: string | null;
  timestamp?: string | null;
  age?: number | null;
  date_joined?: string | null;
  noPin?: boolean;
  noGeo?: boolean;
  noUser?: boolean;
}

const text = (v: number | string | null | undefined) =>
  v === null || v === undefined ? null : String(v);

/** Builds the warehouse tables through the real cleaners, so types match the batch output. */
function tables(posts: Post[]): MetricTables {
  const pins = posts.map((p, i) => ({ p, ind: String(i + 1) })).filter((
    { p },
  ) => !p.noPin);
  const geos = posts.map((p, i) => ({ p, ind: String(i + 1) })).filter((
    { p },
  ) => !p.noGeo);
  const users = posts.map((p, i) => ({ p, ind: String(i + 1) })).filter((
    { p },
  ) => !p.noUser);
  const pin = cleanPin(rawFrame(
    "pin",
    pins.map(({ p, ind }) => ({
      index: ind,
      category: p.category ?? null,
      follower_count: text(p.follower_count),
      poster_name: p.poster_name ?? null,
    })),
  ));
  const geo = cleanGeo(rawFrame(
    "geo",
    geos.map(({ p, ind }) => ({
      ind,
      country: p.country ?? null,
      timestamp: p.timestamp ?? null,
    })),
  ));
  const user = cleanUser(rawFrame(
    "user",
    users.map(({ p, ind }) => ({
      ind,
      first_name: "F",
      last_name: "L",
      age: text(p.age),
      date_joined: p.date_joined ?? null,
    })),
  ));
  for (const r of [pin, geo, user]) assert.deepEqual(r.quarantine, []);
  return { pin: pin.clean, geo: geo.clean, user: user.clean };
}

async function metric(name: string, posts: Post[]) {
  const def = metricByName(name);
  assert.ok(def, name);
  const out = await runMetrics({ tables: tables(posts), metrics: [def] });
  for (const row of out[name]) assert.deepEqual(Object.keys(row), def.columns);
  return out[name];
}

const many = (n: number, post: Post): Post[] =>
  Array.from({ length: n }, () => post);

Deno.test("metrics: popular_category_by_country (ties by category, null keys and unjoined pins left out)", async () => {
  const rows = await metric("popular_category_by_country", [
    // A: art 2, beauty 2, travel 1 -> tie broken by name: art
    ...many(2, { country: "A", category: "beauty" }),
    ...many(2, { country: "A", category: "art" }),
    { country: "A", category: "travel" },
    // B: travel 3 beats art 1
    ...many(3, { country: "B", category: "travel" }),
    { country: "B", category: "art" },
    // C: null categories do not count -> diy 1
    ...many(3, { country: "C", category: null }),
    { country: "C", category: "diy" },
    // no country: left out; a pin without a geo row: left out
    ...many(5, { country: null, category: "diy" }),
    { category: "zzz", noGeo: true },
  ]);
  assert.deepEqual(rows, [
    { country: "A", category: "art", category_count: 2 },
    { country: "B", category: "travel", category_count: 3 },
    { country: "C", category: "diy", category_count: 1 },
  ]);
});

Deno.test("metrics: popular_category_by_year (2018-2022 from the geo timestamp, ties by category)", async () => {
  const rows = await metric("popular_category_by_year", [
    ...many(5, { timestamp: "2017-12-31 23:59:59", category: "art" }),
    ...many(2, { timestamp: "2018-01-01 00:00:00", category: "beauty" }),
    ...many(2, { timestamp: "2018-06-01 12:00:00", category: "art" }),
    { timestamp: "2020-03-03 03:03:03", category: "travel" },
    { timestamp: "2022-12-31 23:59:59", category: "diy" },
    ...many(3, { timestamp: "2023-01-01 00:00:00", category: "diy" }),
    ...many(4, { timestamp: null, category: "art" }),
    ...many(4, { timestamp: "2019-05-05 05:05:05", category: null }),
  ]);
  assert.deepEqual(rows, [
    { post_year: 2018, category: "art", category_count: 2 },
    { post_year: 2020, category: "travel", category_count: 1 },
    { post_year: 2022, category: "diy", category_count: 1 },
  ]);
});

const TOP_USERS: Post[] = [
  // A: Zed and Amy tie at 100 -> Amy; the nameless poster and the unknown count are left out
  { country: "A", poster_name: "Zed", follower_count: 100 },
  { country: "A", poster_name: "Amy", follower_count: 100 },
  { country: "A", poster_name: "Bob", follower_count: 50 },
  { country: "A", poster_name: null, follower_count: 1000 },
  { country: "A", poster_name: "Cat", follower_count: null },
  // B: Bob with 300 (his other pin has 20)
  { country: "B", poster_name: "Bob", follower_count: 300 },
  { country: "B", poster_name: "Bob", follower_count: 20 },
  // no country: left out
  { country: null, poster_name: "Max", follower_count: 5000 },
];

Deno.test("metrics: top_user_by_country (both name and count known, ties by poster_name)", async () => {
  assert.deepEqual(await metric("top_user_by_country", TOP_USERS), [
    { country: "A", poster_name: "Amy", follower_count: 100 },
    { country: "B", poster_name: "Bob", follower_count: 300 },
  ]);
});

Deno.test("metrics: country_with_top_user (one row; ties by country)", async () => {
  assert.deepEqual(await metric("country_with_top_user", TOP_USERS), [
    { country: "B", follower_count: 300 },
  ]);
  assert.deepEqual(
    await metric("country_with_top_user", [
      { country: "E", poster_name: "Z", follower_count: 10 },
      { country: "D", poster_name: "Y", follower_count: 700 },
      { country: "C", poster_name: "X", follower_count: 700 },
    ]),
    [{ country: "C", follower_count: 700 }],
  );
});

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

Deno.test("metrics: all nine run on empty tables and give empty lists, keyed in order", async () => {
  const out = await runMetrics({ tables: tables([]) });
  assert.deepEqual(Object.keys(out), [...METRIC_NAMES]);
  for (const m of METRICS) assert.deepEqual(out[m.name], [], m.name);
});
