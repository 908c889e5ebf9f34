/**
 * Cleaning of the geolocation table (`geolocation_data`), as the course's batch notebook does it.
 *
 * @module
 */
import {
  failedParse,
  failureReason,
  finiteOrNull,
  firstReason,
  indReason,
  nullIfPlaceholder,
  nullIfSpacedPlaceholder,
  parseDatetimeText,
  wholeOrNull,
} from "./exprs.ts";
import { type DataFrame, type Expr, pl } from "./polars.ts";
import { withRawColumns } from "./frames.ts";
import { type CleanOptions, type CleanResult, splitClean } from "./split.ts";

/** Raw columns read trimmed (country is kept as posted, as in the course). */
const TRIMMED = ["ind", "timestamp", "latitude", "longitude"];

/**
 * Cleans raw geolocation rows: `coordinates` = [latitude, longitude] (a list of Float64, the
 * two source columns dropped), `timestamp` parsed to a datetime, `ind` an Int64, empty strings
 * (or only spaces) null. Output columns: ind, country, coordinates, timestamp. Rows with a missing or
 * unparseable `ind`, an unparseable latitude, longitude or timestamp go to quarantine.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { cleanGeo } from "./geo.ts";
 * const raw = pl.DataFrame({ ind: ["7"], timestamp: ["2020-01-02 03:04:05"], latitude: ["1.5"],
 *   longitude: ["-2"], country: ["Chad"] });
 * console.log(cleanGeo(raw).clean.toRecords()[0].coordinates); // [1.5, -2]
 * ```
 */
export function cleanGeo(
  df: DataFrame,
  options: CleanOptions = {},
): CleanResult {
  const c = pl.col;
  const stages = [
    TRIMMED.map((n) =>
      nullIfPlaceholder(c(n).str.strip(), [""]).alias(`__${n}`)
    ),
    [
      // The `__` columns are trimmed already: cast without `toFloat`'s second strip.
      c("__ind").cast(pl.Float64, false).alias("__ind_f"),
      c("__latitude").cast(pl.Float64, false).alias("__lat_f"),
      c("__longitude").cast(pl.Float64, false).alias("__lon_f"),
      parseDatetimeText(c("__timestamp")).alias("__ts"),
    ],
    [
      wholeOrNull(c("__ind_f")).alias("__ind_i"),
      finiteOrNull(c("__lat_f")).alias("__lat"),
      finiteOrNull(c("__lon_f")).alias("__lon"),
    ],
  ];
  const reason = firstReason([
    indReason(c("__ind"), c("__ind_i"), { column: "ind" }),
    failureReason(c("__latitude"), c("__lat"), {
      column: "latitude",
      expected: "a number",
    }),
    failureReason(c("__longitude"), c("__lon"), {
      column: "longitude",
      expected: "a number",
    }),
    failureReason(c("__timestamp"), c("__ts"), {
      column: "timestamp",
      expected: "a datetime",
    }),
  ]);
  const flag = failedParse(c("__ind"), c("__ind_i"), { missing: true })
    .or(failedParse(c("__latitude"), c("__lat")))
    .or(failedParse(c("__longitude"), c("__lon")))
    .or(failedParse(c("__timestamp"), c("__ts")));
  const columns = [
    c("__ind_i").alias("ind"),
    nullIfSpacedPlaceholder(c("country"), [""]).alias("country"),
    pairList(c("__lat"), c("__lon")).alias("coordinates"),
    c("__ts").alias("timestamp"),
  ];
  return splitClean(withRawColumns(df, "geo"), {
    table: "geo",
    stages,
    columns,
    reason,
    flag,
  }, options);
}

/**
 * `[a, b]` per row as a List(Float64) column (the same values as `pl.concatList([a, b])`,
 * nulls kept as elements), built by interleaving the two columns into one and cutting it in
 * pairs: about 4x cheaper than `concatList` in polars 0.25.2.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { pairList } from "./geo.ts";
 * const df = pl.DataFrame({ a: [1.5, null], b: [2, 3] });
 * console.log(df.select(pairList(pl.col("a"), pl.col("b")).alias("p")).getColumn("p").toArray());
 * // [[1.5, 2], [null, 3]]
 * ```
 */
export function pairList(a: Expr, b: Expr): Expr {
  const n = pl.len();
  const i = pl.intRange(0, n.mul(2), 1, pl.Int64);
  const odd = i.rem(2);
  const from = odd.mul(n).add(i.sub(odd).div(2).cast(pl.Int64));
  const both = a.cast(pl.Float64).implode().lst.concat(
    b.cast(pl.Float64).implode(),
  );
  return both.explode().gather(from).reshape([-1, 2]).cast(
    pl.List(pl.Float64),
  );
}
