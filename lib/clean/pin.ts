/**
 * Cleaning of the pin table (`pinterest_data`), as the course's batch notebook does it.
 *
 * @module
 */
import {
  failedParse,
  failureReason,
  firstReason,
  indReason,
  nullIfPlaceholder,
  nullIfSpacedPlaceholder,
  wholeOrNull,
} from "./exprs.ts";
import { type DataFrame, type Expr, pl } from "./polars.ts";
import { PLACEHOLDERS, RAW_COLUMNS } from "./schema.ts";
import { withRawColumns } from "./frames.ts";
import { type CleanOptions, type CleanResult, splitClean } from "./split.ts";

/** The shape of a follower count: a number, optional spaces, an optional k/M suffix. */
const FOLLOWERS = "^[0-9]+(?:\\.[0-9]+)?\\s*[kKmM]?$";
const SAVE_PREFIX = "Local save in ";

/** Pin columns that hold text (everything but the three numbers). */
const TEXT_COLUMNS = RAW_COLUMNS.pin.filter((c) =>
  c !== "index" && c !== "downloaded" && c !== "follower_count"
);

/**
 * The parts of a trimmed follower count, as two columns for a later stage: the number before
 * an optional k/M suffix (Float64; null when the text has another shape) and the suffix's
 * scale (1, 1,000 or 1,000,000). One regex test, then cheap string operations: about half the
 * CPU of extracting the number and the suffix with two capturing regexes.
 */
function followerParts(trimmed: Expr, names: [string, string]): Expr[] {
  const number = trimmed.str.stripCharsEnd("kKmM").str.rstrip()
    .cast(pl.Float64, false);
  const suffix = trimmed.str.slice(-1, 1);
  const scale = pl.when(suffix.isIn(["k", "K"])).then(pl.lit(1_000))
    .when(suffix.isIn(["m", "M"])).then(pl.lit(1_000_000))
    .otherwise(pl.lit(1));
  return [
    pl.when(trimmed.str.contains(FOLLOWERS)).then(number)
      .otherwise(pl.lit(null).cast(pl.Float64)).alias(names[0]),
    scale.alias(names[1]),
  ];
}

/**
 * The follower count (Int64) from the parts {@linkcode followerParts} computed. A count with
 * a k/M suffix is rounded to a whole number of followers; one without must be whole already
 * (`12.7` is no count), and every count must be below 2^53, where Float64 still holds each
 * integer exactly (else null).
 */
function followers(number: Expr, scale: Expr): Expr {
  return wholeOrNull(
    pl.when(scale.eq(pl.lit(1))).then(number)
      .otherwise(number.mul(scale).round(0)),
  );
}

/**
 * Cleans raw pin rows (text columns as posted): placeholders and empty strings become null,
 * also with spaces around them (other text keeps its spaces), `follower_count`
 * becomes an integer (`12k` → 12000, `1M` → 1000000; without a suffix it must be whole),
 * `index` (renamed `ind`) and `downloaded` must be whole numbers, `save_location` keeps only
 * the path. Output columns:
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
        nullIfSpacedPlaceholder(c(n), PLACEHOLDERS).alias(n)
      ),
      c("index").str.strip().alias("__index"),
      c("downloaded").str.strip().alias("__dl_t"),
      c("follower_count").str.strip().alias("__fc_t"),
    ],
    [
      // The numbers are trimmed first: a placeholder or an empty value with spaces
      // around it is null too (as in geo and user), not an unparseable number.
      nullIfPlaceholder(c("__dl_t"), PLACEHOLDERS).alias("__dl"),
      nullIfPlaceholder(c("__fc_t"), PLACEHOLDERS).alias("__fc"),
      // The `__` columns are trimmed already: cast without `toFloat`'s second strip.
      c("__index").cast(pl.Float64, false).alias("__index_f"),
    ],
    [
      c("__dl").cast(pl.Float64, false).alias("__downloaded_f"),
      ...followerParts(c("__fc"), ["__fc_n", "__fc_s"]),
    ],
    [
      wholeOrNull(c("__index_f")).alias("__ind"),
      wholeOrNull(c("__downloaded_f")).alias("__downloaded"),
      followers(c("__fc_n"), c("__fc_s")).alias("__followers"),
      nullIfSpacedPlaceholder(
        pl.when(c("save_location").str.startsWith(SAVE_PREFIX))
          .then(c("save_location").str.slice(SAVE_PREFIX.length))
          .otherwise(c("save_location")),
        [""],
      ).alias("save_location"),
    ],
  ];
  const reason = firstReason([
    indReason(c("__index"), c("__ind"), { column: "index" }),
    failureReason(c("__fc"), c("__followers"), {
      column: "follower_count",
      expected: "a follower count",
    }),
    failureReason(c("__dl"), c("__downloaded"), {
      column: "downloaded",
      expected: "a whole number",
    }),
  ]);
  const flag = failedParse(c("__index"), c("__ind"), { missing: true })
    .or(failedParse(c("__fc"), c("__followers")))
    .or(failedParse(c("__dl"), c("__downloaded")));
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
  return splitClean(withRawColumns(df, "pin"), {
    table: "pin",
    stages,
    columns,
    reason,
    flag,
  }, options);
}
