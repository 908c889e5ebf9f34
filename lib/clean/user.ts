/**
 * Cleaning of the user table (`user_data`), as the course's batch notebook does it.
 *
 * @module
 */
import {
  failureReason,
  firstReason,
  indReason,
  nullIfPlaceholder,
  parseDatetimeText,
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
 * `first + " " + last`, null when either part is null (Spark's `concat` semantics, as in the
 * course).
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { fullName } from "./user.ts";
 * const df = pl.DataFrame({ a: ["Ada", "Bo"], b: ["Lovelace", null] });
 * console.log(df.select(fullName(pl.col("a"), pl.col("b")).alias("n")).getColumn("n").toArray()); // ["Ada Lovelace", null]
 * ```
 */
export function fullName(first: Expr, last: Expr): Expr {
  return pl.when(first.isNull().or(last.isNull()))
    .then(pl.lit(null).cast(pl.Utf8))
    .otherwise(pl.concatString([first, pl.lit(" "), last], ""));
}

/**
 * Cleans raw user rows: `user_name` = first_name + " " + last_name (the two dropped),
 * `date_joined` parsed to a datetime, `age` and `ind` Int64, empty strings null. Output
 * columns: ind, user_name, age, date_joined. Rows with a missing or unparseable `ind`, an
 * unparseable age or date_joined go to quarantine.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { cleanUser } from "./user.ts";
 * const raw = pl.DataFrame({ ind: ["7"], first_name: ["Ada"], last_name: ["Lovelace"],
 *   age: ["36"], date_joined: ["2016-05-01 10:00:00"] });
 * console.log(cleanUser(raw).clean.toRecords()[0].user_name); // "Ada Lovelace"
 * ```
 */
export function cleanUser(
  df: DataFrame,
  options: CleanOptions = {},
): CleanResult {
  const src = withRawColumns(df, "user");
  const age = parseIntText(text("age"));
  const joined = parseDatetimeText(text("date_joined"));
  const reason = firstReason([
    indReason("ind"),
    failureReason(text("age"), age, "age", "a whole number"),
    failureReason(text("date_joined"), joined, "date_joined", "a datetime"),
  ]);
  const columns = [
    parseIntText(pl.col("ind")).alias("ind"),
    fullName(text("first_name"), text("last_name")).alias("user_name"),
    age.alias("age"),
    joined.alias("date_joined"),
  ];
  return splitClean("user", src, columns, reason, options);
}
