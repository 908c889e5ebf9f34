/**
 * Cleaning of the pin table (`pinterest_data`), as the course's batch notebook does it.
 *
 * @module
 */
import {
  failureReason,
  firstReason,
  indReason,
  nullIfPlaceholder,
  parseFloatText,
  parseIntText,
} from "./exprs.ts";
import { type DataFrame, type Expr, pl } from "./polars.ts";
import { PLACEHOLDERS } from "./schema.ts";
import {
  type CleanOptions,
  type CleanResult,
  splitClean,
  withRawColumns,
} from "./split.ts";

const FOLLOWERS = "^([0-9]+(?:\\.[0-9]+)?)\\s*([kKmM]?)$";
const SAVE_PREFIX = "^Local save in ";

/** A pin text column with placeholders turned into null. */
function text(col: string): Expr {
  return nullIfPlaceholder(pl.col(col), PLACEHOLDERS);
}

/**
 * Parses a follower count: digits (`812`), thousands (`12k`) or millions (`1M`, `1.5M`) into
 * Int64; null when the text is null or has another shape.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { parseFollowerCount } from "./pin.ts";
 * const df = pl.DataFrame({ f: ["812", "12k", "1M", "12x"] });
 * console.log(df.select(parseFollowerCount(pl.col("f")).alias("f")).getColumn("f").toArray());
 * // [812, 12000, 1000000, null]
 * ```
 */
export function parseFollowerCount(raw: Expr): Expr {
  const t = raw.str.strip();
  const number = parseFloatText(t.str.extract(FOLLOWERS, 1));
  const suffix = t.str.extract(FOLLOWERS, 2).str.toLowerCase();
  const scale = pl.when(suffix.eq(pl.lit("k"))).then(pl.lit(1_000))
    .when(suffix.eq(pl.lit("m"))).then(pl.lit(1_000_000))
    .otherwise(pl.lit(1));
  return number.mul(scale).round(0).cast(pl.Int64);
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
  const src = withRawColumns(df, "pin");
  const ind = parseIntText(pl.col("index"));
  const followers = parseFollowerCount(text("follower_count"));
  const downloaded = parseIntText(text("downloaded"));
  const save = nullIfPlaceholder(
    text("save_location").str.replace(SAVE_PREFIX, ""),
    [""],
  );
  const reason = firstReason([
    indReason("index"),
    failureReason(
      text("follower_count"),
      followers,
      "follower_count",
      "a follower count",
    ),
    failureReason(text("downloaded"), downloaded, "downloaded", "0 or 1"),
  ]);
  const columns = [
    ind.alias("ind"),
    text("unique_id").alias("unique_id"),
    text("title").alias("title"),
    text("description").alias("description"),
    followers.alias("follower_count"),
    text("poster_name").alias("poster_name"),
    text("tag_list").alias("tag_list"),
    text("is_image_or_video").alias("is_image_or_video"),
    text("image_src").alias("image_src"),
    save.alias("save_location"),
    text("category").alias("category"),
  ];
  return splitClean("pin", src, columns, reason, options);
}
