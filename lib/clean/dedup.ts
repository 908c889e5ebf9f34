/**
 * Keeping one row per source record: the batch tables hold each `ind` once.
 *
 * The emulator samples source rows with replacement and delivery is at-least-once, so one
 * source row can arrive many times. Arrival order is the order of the input frame (topic,
 * partition, offset); the first arrival wins.
 *
 * @module
 */
import { type DataFrame, pl } from "./polars.ts";

/** Options of {@linkcode dedupFirst}. */
export interface DedupOptions {
  /** The key column; default `ind`. */
  key?: string;
}

/**
 * Keeps the first row of each key value, in input order. Rows with a null key are kept as they
 * are (the cleaners never produce a null `ind`).
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { dedupFirst } from "./dedup.ts";
 * const df = pl.DataFrame({ ind: [3, 1, 3, 2, 1], v: ["a", "b", "c", "d", "e"] });
 * console.log(dedupFirst(df).getColumn("v").toArray()); // ["a", "b", "d"]
 * ```
 */
export function dedupFirst(
  df: DataFrame,
  options: DedupOptions = {},
): DataFrame {
  const key = options.key ?? "ind";
  if (df.height === 0) return df;
  return df.filter(
    pl.col(key).isFirstDistinct().or(pl.col(key).isNull()),
  );
}

/**
 * Stacks frames of the same columns in order (an empty list gives `undefined`).
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { stackFrames } from "./dedup.ts";
 * const out = stackFrames([pl.DataFrame({ ind: [1] }), pl.DataFrame({ ind: [2] })]);
 * console.log(out?.getColumn("ind").toArray()); // [1, 2]
 * ```
 */
export function stackFrames(
  frames: readonly DataFrame[],
): DataFrame | undefined {
  if (frames.length === 0) return undefined;
  if (frames.length === 1) return frames[0];
  return pl.concat([...frames], { rechunk: true, how: "vertical" });
}
