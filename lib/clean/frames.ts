/**
 * Frame helpers around the cleaners: raw frames of text (`rawFrame`, `withRawColumns`), and
 * for the batch tables, keeping one row per source record (chunk by chunk) and stacking the
 * cleaned chunks.
 *
 * The emulator samples source rows with replacement and delivery is at-least-once, so one
 * source row can arrive many times. Arrival order is the order of the input frame (topic,
 * partition, offset); the first arrival wins.
 *
 * @module
 */
import { type DataFrame, type Expr, pl, type Series } from "./polars.ts";
import { type CleanTable, RAW_COLUMNS } from "./schema.ts";

/**
 * Makes sure every raw column of `table` exists as text: missing columns become all-null text
 * columns, typed columns (e.g. numbers) are cast to text. Extra columns are kept.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { withRawColumns } from "./frames.ts";
 * const df = withRawColumns(pl.DataFrame({ ind: [1] }), "user");
 * console.log(df.columns); // ["ind", "first_name", "last_name", "age", "date_joined"]
 * ```
 */
export function withRawColumns(df: DataFrame, table: CleanTable): DataFrame {
  const exprs: Expr[] = [];
  for (const c of RAW_COLUMNS[table]) {
    if (!df.columns.includes(c)) {
      exprs.push(pl.lit(null).cast(pl.Utf8).alias(c));
    } else if (!df.getColumn(c).dtype.equals(pl.Utf8)) {
      exprs.push(pl.col(c).cast(pl.Utf8).alias(c));
    }
  }
  return exprs.length === 0 ? df : df.withColumns(...exprs);
}

/**
 * Builds a raw frame of `table` from records of text (missing fields are null): the shape
 * `parseRawRecords` produces, without `_line`. Handy for tests and hand-made inputs.
 *
 * @example
 * ```ts
 * import { rawFrame } from "./frames.ts";
 * const df = rawFrame("geo", [{ ind: "1", country: "Chad" }]);
 * console.log(df.columns); // ["ind", "timestamp", "latitude", "longitude", "country"]
 * ```
 */
export function rawFrame(
  table: CleanTable,
  records: readonly Record<string, string | null | undefined>[],
): DataFrame {
  return pl.DataFrame(
    RAW_COLUMNS[table].map((c) =>
      pl.Series(c, records.map((r) => r[c] ?? null), pl.Utf8)
    ),
  );
}

/**
 * Options of {@linkcode dedupFirst}.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { dedupFirst, type DedupOptions } from "./frames.ts";
 * const df = pl.DataFrame({ index: [5, 6, 5], v: ["a", "b", "c"] });
 * const options: DedupOptions = { key: "index", seen: pl.Series("index", [6]) };
 * console.log(dedupFirst(df, options).getColumn("v").toArray()); // ["a"]
 * ```
 */
export interface DedupOptions {
  /** The key column; default `ind`. */
  key?: string;
  /**
   * Keys that arrived before `df` (in earlier chunks of the same table): their rows are
   * dropped too, so that chunk by chunk the first arrival over the whole table is kept.
   */
  seen?: Series;
}

/**
 * Keeps the first row of each key value, in input order. Rows with a null key are kept as they
 * are (the cleaners never produce a null `ind`).
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { dedupFirst } from "./frames.ts";
 * const df = pl.DataFrame({ ind: [3, 1, 3, 2, 1], v: ["a", "b", "c", "d", "e"] });
 * console.log(dedupFirst(df).getColumn("v").toArray()); // ["a", "b", "d"]
 * const seen = pl.Series("ind", [2]);
 * console.log(dedupFirst(df, { seen }).getColumn("v").toArray()); // ["a", "b"]
 * ```
 */
export function dedupFirst(
  df: DataFrame,
  options: DedupOptions = {},
): DataFrame {
  const key = options.key ?? "ind";
  if (df.height === 0) return df;
  let first = pl.col(key).isFirstDistinct();
  if (options.seen !== undefined && options.seen.length > 0) {
    const keys = df.getColumn(key);
    // Hash this chunk's keys and probe the (many more) seen ones, not the other way round.
    const seen = pl.DataFrame([options.seen.cast(keys.dtype).alias(key)]);
    const again = seen.filter(pl.col(key).isIn(pl.lit(keys))).getColumn(key);
    if (again.length > 0) {
      first = first.and(pl.col(key).isIn(pl.lit(again)).not());
    }
  }
  const keep = df.select(first.or(pl.col(key).isNull()).alias("first"))
    .getColumn("first");
  return keep.all() ? df : df.filter(keep);
}

/**
 * Stacks frames of the same columns in order (an empty list gives `undefined`).
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { stackFrames } from "./frames.ts";
 * const out = stackFrames([pl.DataFrame({ ind: [1] }), pl.DataFrame({ ind: [2] })]);
 * console.log(out?.getColumn("ind").toArray()); // [1, 2]
 * ```
 */
export function stackFrames(
  frames: readonly DataFrame[],
): DataFrame | undefined {
  if (frames.length === 0) return undefined;
  if (frames.length === 1) return frames[0];
  // No rechunk: a copy of every column that the consumers (dedup, Parquet sink) do not need.
  return pl.concat([...frames], { rechunk: false, how: "vertical" });
}
