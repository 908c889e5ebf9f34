/**
 * Cleaning of the geolocation table (`geolocation_data`), as the course's batch notebook does it.
 *
 * @module
 */
import {
  failureReason,
  finiteOrNull,
  firstReason,
  indReason,
  nullIfPlaceholder,
  parseDatetimeText,
  toFloat,
  wholeOrNull,
} from "./exprs.ts";
import { type DataFrame, pl } from "./polars.ts";
import { RAW_COLUMNS } from "./schema.ts";
import { withRawColumns } from "./frames.ts";
import { type CleanOptions, type CleanResult, splitClean } from "./split.ts";

/**
 * Cleans raw geolocation rows: `coordinates` = [latitude, longitude] (a list of Float64, the
 * two source columns dropped), `timestamp` parsed to a datetime, `ind` an Int64, empty strings
 * null. Output columns: ind, country, coordinates, timestamp. Rows with a missing or
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
    RAW_COLUMNS.geo.map((n) =>
      nullIfPlaceholder(c(n).str.strip(), [""]).alias(`__${n}`)
    ),
    [
      toFloat(c("__ind")).alias("__ind_f"),
      toFloat(c("__latitude")).alias("__lat_f"),
      toFloat(c("__longitude")).alias("__lon_f"),
      parseDatetimeText(c("__timestamp")).alias("__ts"),
    ],
    [
      wholeOrNull(c("__ind_f")).alias("__ind_i"),
      finiteOrNull(c("__lat_f")).alias("__lat"),
      finiteOrNull(c("__lon_f")).alias("__lon"),
    ],
  ];
  const reason = firstReason([
    indReason(c("__ind"), c("__ind_i"), "ind"),
    failureReason(c("__latitude"), c("__lat"), "latitude", "a number"),
    failureReason(c("__longitude"), c("__lon"), "longitude", "a number"),
    failureReason(c("__timestamp"), c("__ts"), "timestamp", "a datetime"),
  ]);
  const columns = [
    c("__ind_i").alias("ind"),
    nullIfPlaceholder(c("country"), [""]).alias("country"),
    pl.concatList([c("__lat"), c("__lon")]).alias("coordinates"),
    c("__ts").alias("timestamp"),
  ];
  return splitClean("geo", withRawColumns(df, "geo"), {
    stages,
    columns,
    reason,
  }, options);
}
