/**
 * Test fixtures for the metric queries: hand-made posts turned into batch tables through the
 * real cleaners, so column types match what the batch writes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { cleanGeo, cleanPin, cleanUser, rawFrame } from "../clean/mod.ts";
import { metricByName } from "./catalog.ts";
import { type MetricRow, type MetricTables, runMetrics } from "./run.ts";

/**
 * One hand-made post: fields of the three tables for one ind; `noGeo`/`noUser`/`noPin` omit a table's row.
 *
 * @example
 * ```ts
 * import type { Post } from "./test_util.ts";
 * import { tables } from "./test_util.ts";
 * const posts: Post[] = [{ category: "art", country: "Chad", age: 30 }, { noGeo: true }];
 * const t = tables(posts);
 * console.log(t.pin.height, t.geo.height, t.user.height); // 2 1 2
 * ```
 */
export interface Post {
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

/** A value as raw text, as the emulator would post it. */
const text = (v: number | string | null | undefined) =>
  v === null || v === undefined ? null : String(v);

/**
 * Builds the warehouse tables from posts (ind = position + 1) through the real cleaners.
 *
 * @example
 * ```ts
 * import { tables } from "./test_util.ts";
 * const t = tables([{ country: "Chad", category: "art", age: 30 }]);
 * console.log(t.pin.height, t.geo.height, t.user.height); // 1 1 1
 * ```
 */
export function tables(posts: Post[]): MetricTables {
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

/**
 * Runs one metric over tables built from `posts`, checking its output columns.
 *
 * @example
 * ```ts
 * import { metric } from "./test_util.ts";
 * console.log(await metric("users_joined_by_year", [{ date_joined: "2016-01-01 00:00:00" }]));
 * // [{ post_year: 2016, number_users_joined: 1 }]
 * ```
 */
export async function metric(
  name: string,
  posts: Post[],
): Promise<MetricRow[]> {
  const def = metricByName(name);
  assert.ok(def, name);
  const out = await runMetrics({ tables: tables(posts), metrics: [def] });
  for (const row of out[name]) assert.deepEqual(Object.keys(row), def.columns);
  return out[name];
}

/**
 * `n` copies of one post.
 *
 * @example
 * ```ts
 * import { many } from "./test_util.ts";
 * console.log(many(2, { category: "art" }).length); // 2
 * ```
 */
export const many = (n: number, post: Post): Post[] =>
  Array.from({ length: n }, () => post);
