import assert from "node:assert/strict";
import { failedParse, toFloat, wholeOrNull } from "./exprs.ts";
import { pairList } from "./geo.ts";
import { pl, strptimeExact } from "./polars.ts";
import { splitClean } from "./split.ts";

const c = pl.col;
const raw = () =>
  pl.DataFrame({
    _line: pl.Series("_line", [0, 1, 2, 3], pl.UInt32),
    ind: ["1", "x", null, "4"],
  });
const parsed = wholeOrNull(toFloat(c("ind")));
const reason = pl.when(c("ind").isNotNull().and(parsed.isNull()))
  .then(pl.lit("unparseable ind"))
  .otherwise(pl.lit(null).cast(pl.Utf8));
const lines = ["l0", "l1", "l2", "l3"];

for (
  const [name, flag] of [
    ["no flag", undefined],
    ["an exact flag", failedParse(c("ind"), parsed)],
    ["a wider flag", c("ind").isNull().or(failedParse(c("ind"), parsed))],
    ["a null flag", pl.lit(null).cast(pl.Bool)],
  ] as const
) {
  Deno.test(`split: with ${name}, the same rows are kept and quarantined`, () => {
    const out = splitClean(raw(), {
      table: "geo",
      columns: [parsed.alias("ind")],
      reason,
      flag,
    }, { raw: (i) => lines[i] });
    assert.deepEqual(out.clean.toRecords(), [
      { ind: 1 },
      { ind: null },
      { ind: 4 },
    ]);
    assert.deepEqual(out.quarantine, [
      { table: "geo", reason: "unparseable ind", raw: "l1" },
    ]);
  });
}

Deno.test("split: without _line, quarantine keeps the raw fields as posted", () => {
  const df = pl.DataFrame({ ind: [" x "] });
  const out = splitClean(df, {
    table: "geo",
    stages: [[c("ind").str.strip().alias("ind")]],
    columns: [c("ind")],
    reason: pl.lit("bad"),
    flag: pl.lit(true),
  });
  assert.equal(out.clean.height, 0);
  assert.deepEqual(out.quarantine.map((q) => JSON.parse(q.raw).ind), [" x "]);
});

Deno.test("pairList: the same lists as concatList, nulls kept, empty frames too", () => {
  const df = pl.DataFrame({ a: [1.5, null, 3], b: [-2, 4, null] });
  const out = df.select(pairList(c("a"), c("b")).alias("p"));
  const ref = df.select(pl.concatList([c("a"), c("b")]).alias("p"));
  assert.deepEqual(out.toRecords(), ref.toRecords());
  assert.equal(String(out.getColumn("p").dtype), String(pl.List(pl.Float64)));
  assert.equal(df.head(0).select(pairList(c("a"), c("b"))).height, 0);
});

Deno.test("strptimeExact: whole-text matches only, impossible dates null", () => {
  const df = pl.DataFrame({
    t: ["2020-01-02 03:04:05", "2020-01-02 03:04:05x", "2019-02-29 00:00:00"],
  });
  const out = df.select(strptimeExact(c("t"), "%Y-%m-%d %H:%M:%S").alias("t"));
  assert.equal(String(out.schema.t), String(pl.Datetime("us")));
  assert.deepEqual(out.getColumn("t").toArray(), [
    new Date("2020-01-02T03:04:05Z"),
    null,
    null,
  ]);
});
