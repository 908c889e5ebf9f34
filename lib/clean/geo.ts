/**
 * Cleaning of the geolocation table (`geolocation_data`), as the course's batch notebook does it.
 *
 * @module
 */
import {
  failureReason,
  firstReason,
  indReason,
  nullIfPlaceholder,
  parseDatetimeText,
  parseFloatText,
  parseIntText,
} from "./exprs.ts";
import { type DataFrame, type Expr, pl } from "./polars.ts";
import {
  type CleanOptions,
  type CleanResult,
  splitClean,
  withRawColumns,
} from "./split.ts";

/** A raw column with empty strings turned into null. */
function text(col: string): Expr {
  return nullIfPlaceholder(pl.col(col), [""]);
}

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
  const src = withRawColumns(df, "geo");
  const latitude = parseFloatText(text("latitude"));
  const longitude = parseFloatText(text("longitude"));
  const timestamp = parseDatetimeText(text("timestamp"));
  const reason = firstReason([
    indReason("ind"),
    failureReason(text("latitude"), latitude, "latitude", "a number"),
    failureReason(text("longitude"), longitude, "longitude", "a number"),
    failureReason(text("timestamp"), timestamp, "timestamp", "a datetime"),
  ]);
  const columns = [
    parseIntText(pl.col("ind")).alias("ind"),
    text("country").alias("country"),
    pl.concatList([latitude, longitude]).alias("coordinates"),
    timestamp.alias("timestamp"),
  ];
  return splitClean("geo", src, columns, reason, options);
}
