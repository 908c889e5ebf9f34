/**
 * Datetimes and numbers turned into text and back, from the source to the report, give the
 * same answers whatever the machine's time zone and locale: a data engineer in Kiritimati
 * (UTC+14) with a Turkish locale or in Los Angeles with an Arabic one gets the course JSON,
 * years and page a UTC machine gets. The chain runs in child processes whose `TZ` and
 * `LC_ALL` are set (the test process's own stay as they are): source `Date`s → course JSON
 * (the emulator's body) → polars NDJSON parse and cleaning (the batch) → the metric SQL's
 * years → the report's tables and charts.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const mod = (path: string) =>
  JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));

/** Year ends, a DST gap (LA, 2019-03-10 02:30) and a fold (LA, 2019-11-03 01:30). */
const STAMPS = [
  "2015-01-01 00:00:00",
  "2017-12-31 20:00:00",
  "2018-01-01 03:00:00",
  "2019-03-10 02:30:00",
  "2019-11-03 01:30:00",
  "2019-12-31 23:30:00",
  "2020-01-01 00:30:00",
  "2020-12-31 23:59:59",
];

const CODE = `
import { parseCourseDatetime, toCourseJson } from ${mod("../source/mod.ts")};
import { cleanGeo, cleanPin, cleanUser, parseRawNdjson } from ${
  mod("../clean/mod.ts")
};
import { METRICS, runMetrics } from ${mod("../metrics/mod.ts")};
import { buildReport } from ${mod("./build.ts")};
const stamps = ${JSON.stringify(STAMPS)};
const enc = (records) => [new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join("\\n"))];
const user = stamps.map((s, i) => toCourseJson({
  ind: i, first_name: "Ada", last_name: "Lovelace", age: 30, date_joined: parseCourseDatetime(s),
}));
const geo = stamps.map((s, i) => toCourseJson({
  ind: i, timestamp: parseCourseDatetime(s), latitude: 1.5, longitude: -2.25, country: "Chad",
}));
const pin = stamps.map((_, i) => ({
  index: i, unique_id: "u" + i, title: "t", description: "d", poster_name: "P" + i,
  follower_count: i === 0 ? "1234k" : "5", tag_list: "a", is_image_or_video: "image",
  image_src: "x", downloaded: 1, save_location: "Local save in /data/art", category: "art",
}));
const clean = async (table, records, cleaner) => {
  const parsed = await parseRawNdjson(table, enc(records));
  return cleaner(parsed.df, { raw: parsed.raw }).clean;
};
const tables = {
  pin: await clean("pin", pin, cleanPin),
  geo: await clean("geo", geo, cleanGeo),
  user: await clean("user", user, cleanUser),
};
const results = await runMetrics({ tables, metrics: METRICS });
const html = await buildReport(results, { generatedAt: new Date(0), tableRows: { pin: 1234567 } });
console.log(JSON.stringify({
  json: user.map((u) => u.date_joined).concat(geo.map((g) => g.timestamp)),
  joined: tables.user.getColumn("date_joined").toArray().map((d) => d?.toISOString() ?? null),
  results,
  html,
}));
`;

interface Outcome {
  json: string[];
  joined: string[];
  results: Record<string, Record<string, unknown>[]>;
  html: string;
}

/** The chain's outcome in a child process with `TZ=zone` and `LC_ALL=locale`. */
async function runIn(zone: string, locale: string): Promise<Outcome> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", CODE],
    cwd: ROOT,
    env: { TZ: zone, LC_ALL: locale, LANG: locale },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.ok(out.success, `child in ${zone} ${locale} failed: ${err}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test("time zone and locale: course JSON, cleaned datetimes, metric years and the report are those of UTC", async () => {
  const [utc, kiritimati, losAngeles] = await Promise.all([
    runIn("UTC", "C.UTF-8"),
    runIn("Pacific/Kiritimati", "tr_TR.UTF-8"),
    runIn("America/Los_Angeles", "ar_EG.UTF-8"),
  ]);
  assert.deepEqual(utc.json, [...STAMPS, ...STAMPS]);
  assert.deepEqual(
    utc.joined,
    STAMPS.map((s) => s.replace(" ", "T") + ".000Z"),
  );
  assert.deepEqual(utc.results.users_joined_by_year, [
    { post_year: 2015, number_users_joined: 1 },
    { post_year: 2017, number_users_joined: 1 },
    { post_year: 2018, number_users_joined: 1 },
    { post_year: 2019, number_users_joined: 3 },
    { post_year: 2020, number_users_joined: 2 },
  ]);
  assert.deepEqual(
    utc.results.popular_category_by_year.map((r) => [
      r.post_year,
      r.category_count,
    ]),
    [[2018, 1], [2019, 3], [2020, 2]],
  );
  assert.ok(utc.html.includes("<b>1,234,567</b>"));
  assert.ok(utc.html.includes('<td class="num">1,234,000</td>'));
  assert.ok(utc.html.includes("Generated 1970-01-01 00:00:00 UTC."));
  assert.deepEqual(kiritimati, utc);
  assert.deepEqual(losAngeles, utc);
});
