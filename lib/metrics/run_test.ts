import assert from "node:assert/strict";
import { METRIC_NAMES, METRICS } from "./catalog.ts";
import { metricsFromWarehouse, runMetrics } from "./run.ts";
import {
  WarehouseDamagedError,
  WarehouseEmptyError,
  writeWarehouse,
} from "../batch/mod.ts";
import { pl, runSql, SqlQueryError } from "../clean/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { many, metric, type Post, tables } from "./test_util.ts";

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
    // D: only null categories -> no row (not a null category)
    ...many(2, { country: "D", category: null }),
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

Deno.test("metrics: all nine run on empty tables and give empty lists, keyed in order", async () => {
  const out = await runMetrics({ tables: tables([]) });
  assert.deepEqual(Object.keys(out), [...METRIC_NAMES]);
  for (const m of METRICS) assert.deepEqual(out[m.name], [], m.name);
});

Deno.test("metrics: a warehouse whose tables are all empty asks for data first", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const empty = pl.DataFrame({ ind: pl.Series("ind", [], pl.Int64) });
    await writeWarehouse(dir, { pin: empty, geo: empty, user: empty });
    const error = await metricsFromWarehouse(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof WarehouseEmptyError, String(error));
    assert.equal(error.code, "WAREHOUSE_EMPTY");
    assert.equal(
      error.message,
      `The warehouse in ${dir} has no rows: post some data with \`deno task emulate\`, then run \`deno task batch\` first.`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("metrics: a warehouse table holding another table's file is a WarehouseDamagedError naming it, not a polars TypeError", async () => {
  await using tmp = await makeTestDir();
  const t = tables([{ category: "art", country: "Chad" }]);
  // geo.parquet replaced by a copy of user.parquet
  await writeWarehouse(tmp.path, { pin: t.pin, geo: t.user, user: t.user });
  const error = await metricsFromWarehouse(tmp.path).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof WarehouseDamagedError, String(error));
  assert.deepEqual(error.context, { dir: tmp.path, table: "geo" });
  assert.equal(
    error.message,
    `The warehouse table ${tmp.path}/geo.parquet cannot be read (it has no column country, coordinates, timestamp; its columns are ind, user_name, age, date_joined): the file is damaged. Run \`deno task batch\` again: it rewrites every table from the lake.`,
  );
});

Deno.test("metrics: a table of the right names but another type is a SqlQueryError naming the query", async () => {
  const pin = pl.DataFrame({
    ind: [1],
    category: ["art"],
    follower_count: [5],
    poster_name: ["Ada"],
  });
  // timestamp as text, not a datetime: YEAR() cannot take it.
  const geo = pl.DataFrame({
    ind: [1],
    country: ["Chad"],
    timestamp: ["2019-01-01"],
  });
  const user = pl.DataFrame({
    ind: [1],
    age: [30],
    date_joined: [new Date("2016-01-01")],
  });
  await assert.rejects(
    runMetrics({ tables: { pin, geo, user } }),
    (e: unknown) =>
      e instanceof SqlQueryError &&
      e.message ===
        "Query 02_popular_category_by_year.sql failed: `year` operation not supported for dtype `str`. The tables it reads lack what it needs: if the warehouse was written by hand or by another version, run `deno task batch` again.",
  );
  // A column polars cannot find: its error came back as a LazyDataFrame, not thrown.
  assert.throws(
    () => runSql({ geo }, "SELECT nope FROM geo", { name: "probe.sql" }),
    (e: unknown) =>
      e instanceof SqlQueryError && e.context.query === "probe.sql" &&
      e.message.startsWith(
        'Query probe.sql failed: not found: unable to find column "nope"',
      ),
  );
});

Deno.test("metrics: a warehouse column of another type (timestamp as text, say) is a WarehouseDamagedError naming the file, not only the failed query", async () => {
  // It was 'Query 02_popular_category_by_year.sql failed: `year` operation not supported for
  // dtype `str`. ...': no warehouse, table or column named.
  const t = tables([{ category: "art", country: "Chad", age: 30 }]);
  const cases = [
    {
      table: "geo",
      tables: {
        ...t,
        geo: t.geo.withColumns(pl.col("timestamp").cast(pl.Utf8)),
      },
      why: "its column timestamp holds String values, not date-times",
    },
    {
      table: "pin",
      tables: {
        ...t,
        pin: t.pin.withColumns(pl.col("follower_count").cast(pl.Utf8)),
      },
      why: "its column follower_count holds String values, not numbers",
    },
    {
      table: "user",
      tables: {
        ...t,
        user: t.user.withColumns(pl.col("ind").cast(pl.Float64)),
      },
      why: "its column ind holds Float64 values, not whole numbers",
    },
  ];
  for (const c of cases) {
    await using tmp = await makeTestDir();
    await writeWarehouse(tmp.path, c.tables);
    const error = await metricsFromWarehouse(tmp.path).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof WarehouseDamagedError, String(error));
    assert.deepEqual(error.context, { dir: tmp.path, table: c.table });
    assert.equal(
      error.message,
      `The warehouse table ${tmp.path}/${c.table}.parquet cannot be read (${c.why}): the file is damaged. Run \`deno task batch\` again: it rewrites every table from the lake.`,
    );
  }
});
