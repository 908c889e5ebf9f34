import assert from "node:assert/strict";
import { dedupFirst, stackFrames } from "./dedup.ts";
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

Deno.test("stackFrames: concatenates in order; none gives undefined", () => {
  const out = stackFrames([
    pl.DataFrame({ ind: [1, 2] }),
    pl.DataFrame({ ind: [3] }),
  ]);
  assert.deepEqual(out?.getColumn("ind").toArray(), [1, 2, 3]);
  assert.equal(stackFrames([]), undefined);
});
