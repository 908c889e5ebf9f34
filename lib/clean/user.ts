/**
 * Cleaning of the user table (`user_data`), as the course's batch notebook does it.
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
  parseDatetimeText,
  wholeOrNull,
} from "./exprs.ts";
import { type DataFrame, type Expr, pl } from "./polars.ts";
import { withRawColumns } from "./frames.ts";
import { type CleanOptions, type CleanResult, splitClean } from "./split.ts";

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
 * `date_joined` parsed to a datetime, `age` and `ind` Int64, empty strings (or only spaces)
 * null. Output
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
  const c = pl.col;
  const stages = [
    [
      ...["ind", "age", "date_joined"].map((n) =>
        nullIfPlaceholder(c(n).str.strip(), [""]).alias(`__${n}`)
      ),
      nullIfSpacedPlaceholder(c("first_name"), [""]).alias("__first"),
      nullIfSpacedPlaceholder(c("last_name"), [""]).alias("__last"),
    ],
    [
      // The `__` columns are trimmed already: cast without `toFloat`'s second strip.
      c("__ind").cast(pl.Float64, false).alias("__ind_f"),
      c("__age").cast(pl.Float64, false).alias("__age_f"),
      parseDatetimeText(c("__date_joined")).alias("__joined"),
    ],
    [
      wholeOrNull(c("__ind_f")).alias("__ind_i"),
      wholeOrNull(c("__age_f")).alias("__age_i"),
    ],
  ];
  const reason = firstReason([
    indReason(c("__ind"), c("__ind_i"), { column: "ind" }),
    failureReason(c("__age"), c("__age_i"), {
      column: "age",
      expected: "a whole number",
    }),
    failureReason(c("__date_joined"), c("__joined"), {
      column: "date_joined",
      expected: "a datetime",
    }),
  ]);
  const flag = failedParse(c("__ind"), c("__ind_i"), { missing: true })
    .or(failedParse(c("__age"), c("__age_i")))
    .or(failedParse(c("__date_joined"), c("__joined")));
  const columns = [
    c("__ind_i").alias("ind"),
    fullName(c("__first"), c("__last")).alias("user_name"),
    c("__age_i").alias("age"),
    c("__joined").alias("date_joined"),
  ];
  return splitClean(withRawColumns(df, "user"), {
    table: "user",
    stages,
    columns,
    reason,
    flag,
  }, options);
}
