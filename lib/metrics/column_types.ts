/**
 * The column types the metric queries need of the batch tables, checked before they run, so
 * that a table of another type (written by hand, by another program or version) is reported
 * with its file and column rather than as a failed query.
 *
 * @module
 */
import type { DataFrame } from "../clean/mod.ts";

/** What a column must hold. */
type Kind = "integer" | "number" | "datetime" | "text";

/** The columns the nine queries read, per table, and what each must hold. */
const NEEDED: Readonly<Record<string, Readonly<Record<string, Kind>>>> = {
  pin: {
    ind: "integer",
    category: "text",
    follower_count: "number",
    poster_name: "text",
  },
  geo: { ind: "integer", country: "text", timestamp: "datetime" },
  user: { ind: "integer", age: "number", date_joined: "datetime" },
};

const INTEGERS = [
  "Int8",
  "Int16",
  "Int32",
  "Int64",
  "UInt8",
  "UInt16",
  "UInt32",
  "UInt64",
];

/** The polars type variants each kind takes; `Null` (a column of nulls only) fits every kind. */
const VARIANTS: Readonly<Record<Kind, readonly string[]>> = {
  integer: INTEGERS,
  number: [...INTEGERS, "Float32", "Float64"],
  datetime: ["Datetime", "Date"],
  text: ["String", "Utf8", "Categorical"],
};

const KIND_NAMES: Readonly<Record<Kind, string>> = {
  integer: "whole numbers",
  number: "numbers",
  datetime: "date-times",
  text: "text",
};

/**
 * Why `df`, the batch table `table`, cannot serve the metric queries: the first column they
 * read that holds another type, e.g. `its column timestamp holds String values, not
 * date-times`; `undefined` when every such column fits (absent columns are not its concern).
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import { columnTypeMismatch } from "./column_types.ts";
 * const geo = pl.DataFrame([
 *   pl.Series("ind", [1], pl.Int64), // a JS number alone would make a Float64 column
 *   pl.Series("country", ["Chad"]),
 *   pl.Series("timestamp", ["2019-01-01"]),
 * ]);
 * console.log(columnTypeMismatch("geo", geo)); // its column timestamp holds String values, not date-times
 * ```
 */
export function columnTypeMismatch(
  table: string,
  df: DataFrame,
): string | undefined {
  const schema = df.schema as Record<string, { variant: string } | undefined>;
  for (const [column, kind] of Object.entries(NEEDED[table] ?? {})) {
    const variant = schema[column]?.variant;
    if (variant === undefined || variant === "Null") continue;
    if (VARIANTS[kind].includes(variant)) continue;
    return `its column ${column} holds ${variant} values, not ${
      KIND_NAMES[kind]
    }`;
  }
  return undefined;
}
