import assert from "node:assert/strict";
import { dedupFirst, rawFrame, stackFrames, withRawColumns } from "./frames.ts";
import { pl } from "./polars.ts";

Deno.test("dedup: first arrival of each ind kept, input order preserved", () => {
  const df = pl.DataFrame({
    ind: pl.Series("ind", [5, 3, 5, 1, 3, 5], pl.Int64),
    v: ["a", "b", "c", "d", "e", "f"],
  });
  const out = dedupFirst(df);
  assert.deepEqual(out.toRecords(), [
    { ind: 5, v: "a" },
    { ind: 3, v: "b" },
    { ind: 1, v: "d" },
  ]);
});

Deno.test("dedup: another key column, and an empty frame", () => {
  const df = pl.DataFrame({ k: ["x", "x", "y"], n: [1, 2, 3] });
  assert.deepEqual(dedupFirst(df, { key: "k" }).getColumn("n").toArray(), [
    1,
    3,
  ]);
  const empty = pl.DataFrame({ ind: pl.Series("ind", [], pl.Int64) });
  assert.equal(dedupFirst(empty).height, 0);
});

Deno.test("dedup: keys seen in earlier chunks are dropped too; nulls kept", () => {
  const df = pl.DataFrame({
    ind: pl.Series("ind", [4, 2, 9, 4, null, 7, 2], pl.Int64),
    v: ["a", "b", "c", "d", "e", "f", "g"],
  });
  const seen = pl.Series("ind", [1, 2, 3, 7], pl.Int64);
  assert.deepEqual(dedupFirst(df, { seen }).getColumn("v").toArray(), [
    "a",
    "c",
    "e",
  ]);
  const none = pl.Series("ind", [], pl.Int64);
  assert.equal(dedupFirst(df, { seen: none }).height, 5);
});

Deno.test("stackFrames: concatenates in order; none gives undefined", () => {
  const out = stackFrames([
    pl.DataFrame({ ind: [1, 2] }),
    pl.DataFrame({ ind: [3] }),
  ]);
  assert.deepEqual(out?.getColumn("ind").toArray(), [1, 2, 3]);
  assert.equal(stackFrames([]), undefined);
});

Deno.test("rawFrame: text columns in raw order, missing fields null", () => {
  const df = rawFrame("geo", [{ ind: "1", country: "Chad" }, { ind: "2" }]);
  assert.deepEqual(df.columns, [
    "ind",
    "timestamp",
    "latitude",
    "longitude",
    "country",
  ]);
  assert.ok(df.dtypes.every((t) => t.equals(pl.String)));
  assert.deepEqual(df.getColumn("country").toArray(), ["Chad", null]);
});

Deno.test("withRawColumns: adds missing columns as null text, casts numbers to text, keeps extras", () => {
  const df = withRawColumns(
    pl.DataFrame({ extra: ["x"], age: pl.Series("age", [36], pl.Int64) }),
    "user",
  );
  assert.deepEqual(df.columns, [
    "extra",
    "age",
    "ind",
    "first_name",
    "last_name",
    "date_joined",
  ]);
  assert.deepEqual(df.toRecords(), [{
    extra: "x",
    age: "36",
    ind: null,
    first_name: null,
    last_name: null,
    date_joined: null,
  }]);
});
