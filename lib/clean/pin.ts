/**
 * Cleaning of the pin table (`pinterest_data`), as the course's batch notebook does it.
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
  toFloat,
  wholeOrNull,
} from "./exprs.ts";
import { type DataFrame, type Expr, pl } from "./polars.ts";
import { PLACEHOLDERS, RAW_COLUMNS } from "./schema.ts";
import { withRawColumns } from "./frames.ts";
import { type CleanOptions, type CleanResult, splitClean } from "./split.ts";

/** The shape of a follower count: a number, optional spaces, an optional k/M suffix. */
const FOLLOWERS = "^[0-9]+(?:\\.[0-9]+)?\\s*[kKmM]?$";
const SAVE_PREFIX = "Local save in ";

/** Pin columns that hold text (everything but the two numbers). */
const TEXT_COLUMNS = RAW_COLUMNS.pin.filter((c) =>
  c !== "index" && c !== "downloaded"
);

/**
 * A trimmed follower count to Int64 (null when it has another shape). One regex test, then
 * cheap string operations: about half the CPU of extracting the number and the suffix with
 * two capturing regexes.
 */
function followers(trimmed: Expr): Expr {
  const number = trimmed.str.stripCharsEnd("kKmM").str.rstrip()
    .cast(pl.Float64, false);
  const suffix = trimmed.str.slice(-1, 1);
  const scale = pl.when(suffix.isIn(["k", "K"])).then(pl.lit(1_000))
    .when(suffix.isIn(["m", "M"])).then(pl.lit(1_000_000))
    .otherwise(pl.lit(1));
  return pl.when(trimmed.str.contains(FOLLOWERS))
    .then(finiteOrNull(number).mul(scale).round(0).cast(pl.Int64))
    .otherwise(pl.lit(null).cast(pl.Int64));
}

/**
 * Cleans raw pin rows (text columns as posted): placeholders and empty strings become null,
 * `follower_count` becomes an integer (`12k` → 12000, `1M` → 1000000), `index` (renamed `ind`)
 * and `downloaded` must be whole numbers, `save_location` keeps only the path. Output columns:
 * ind, unique_id, title, description, follower_count, poster_name, tag_list,
 * is_image_or_video, image_src, save_location, category (`downloaded` is checked, then dropped
 * as in the course). Rows with a missing or unparseable `index`, an unparseable
 * `follower_count` or `downloaded` go to quarantine.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { cleanPin } from "./pin.ts";
 * const raw = pl.DataFrame({ index: ["7"], follower_count: ["12k"], downloaded: ["1"],
 *   save_location: ["Local save in /data/art"], title: ["No Title Data Available"] });
 * const { clean, quarantine } = cleanPin(raw);
 * console.log(clean.toRecords()[0].follower_count, clean.toRecords()[0].save_location); // 12000 "/data/art"
 * console.log(quarantine.length); // 0
 * ```
 */
export function cleanPin(
  df: DataFrame,
  options: CleanOptions = {},
): CleanResult {
  const c = pl.col;
  const stages = [
    [
      ...TEXT_COLUMNS.map((n) =>
        nullIfPlaceholder(c(n), PLACEHOLDERS).alias(n)
      ),
      nullIfPlaceholder(c("downloaded"), PLACEHOLDERS).alias("downloaded"),
      c("index").str.strip().alias("__index"),
    ],
    [
      c("__index").cast(pl.Float64, false).alias("__index_f"), // trimmed already
      toFloat(c("downloaded")).alias("__downloaded_f"),
      c("follower_count").str.strip().alias("__fc"),
    ],
    [
      wholeOrNull(c("__index_f")).alias("__ind"),
      wholeOrNull(c("__downloaded_f")).alias("__downloaded"),
      followers(c("__fc")).alias("__followers"),
      nullIfPlaceholder(
        pl.when(c("save_location").str.startsWith(SAVE_PREFIX))
          .then(c("save_location").str.slice(SAVE_PREFIX.length))
          .otherwise(c("save_location")),
        [""],
      ).alias("save_location"),
    ],
  ];
  const reason = firstReason([
    indReason(c("__index"), c("__ind"), "index"),
    failureReason(
      c("follower_count"),
      c("__followers"),
      "follower_count",
      "a follower count",
    ),
    failureReason(c("downloaded"), c("__downloaded"), "downloaded", "0 or 1"),
  ]);
  const flag = failedParse(c("__index"), c("__ind"), true)
    .or(failedParse(c("follower_count"), c("__followers")))
    .or(failedParse(c("downloaded"), c("__downloaded")));
  const columns = [
    c("__ind").alias("ind"),
    c("unique_id"),
    c("title"),
    c("description"),
    c("__followers").alias("follower_count"),
    c("poster_name"),
    c("tag_list"),
    c("is_image_or_video"),
    c("image_src"),
    c("save_location"),
    c("category"),
  ];
  return splitClean("pin", withRawColumns(df, "pin"), {
    stages,
    columns,
    reason,
    flag,
  }, options);
}
