/**
 * The common tail of every cleaner: evaluate the clean columns and the per-row reason in one
 * pass, keep the rows without a reason, and turn the others into quarantine rows.
 *
 * @module
 */
import { type DataFrame, type Expr, LINE_COLUMN, pl } from "./polars.ts";
import { type CleanTable, type QuarantineRow, RAW_COLUMNS } from "./schema.ts";

/**
 * Options shared by `cleanPin`, `cleanGeo` and `cleanUser`.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import type { CleanOptions } from "./split.ts";
 * import { cleanGeo } from "./geo.ts";
 * const lines = ['{"ind":"x","country":"Chad"}'];
 * const options: CleanOptions = { raw: (line) => lines[line] };
 * const df = pl.DataFrame({ _line: [0], ind: ["x"], timestamp: [null], latitude: [null], longitude: [null], country: ["Chad"] });
 * console.log(cleanGeo(df, options).quarantine[0].raw); // {"ind":"x","country":"Chad"}
 * ```
 */
export interface CleanOptions {
  /**
   * Returns the raw NDJSON line numbered `line` (the `_line` column of a parsed frame), so
   * quarantine rows keep the record exactly as received. Without it, or when the frame has no
   * `_line`, `raw` is the row's raw fields as JSON text.
   */
  raw?: (line: number) => string | undefined;
}

/**
 * What a cleaner returns: the clean rows (fixed columns, input order) and the rejects.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { type CleanResult, splitClean } from "./split.ts";
 * const df = pl.DataFrame({ ind: ["1", ""] });
 * const reason = pl.when(pl.col("ind").eq(pl.lit(""))).then(pl.lit("missing ind")).otherwise(pl.lit(null));
 * const result: CleanResult = splitClean(df, { table: "geo", columns: [pl.col("ind")], reason });
 * console.log(result.clean.height, result.quarantine[0].reason); // 1 missing ind
 * ```
 */
export interface CleanResult {
  /** Clean rows, in input order, with the table's clean columns only. */
  clean: DataFrame;
  /** Rows that could not be cleaned, with their reason and raw record. */
  quarantine: QuarantineRow[];
}

const REASON = "__reason";
const FLAG = "__flag";

/**
 * How a cleaner computes the output of `table`: `stages` of helper columns (each stage may refer to the
 * columns of earlier ones, so every intermediate value is computed once), then the clean
 * `columns` (aliased to their clean names, in order) and the per-row `reason` (null = clean).
 *
 * `flag`, when given, is a cheap boolean that is true on every row whose `reason` is not null
 * (it may be true on more). The reason texts are then computed only for flagged rows, not for
 * the whole frame; the rows kept and the reasons are the same as without it.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { type CleanPlan, splitClean } from "./split.ts";
 * const plan: CleanPlan = {
 *   table: "user",
 *   stages: [[pl.col("age").cast(pl.Float64).alias("_age")]],
 *   columns: [pl.col("ind"), pl.col("_age").cast(pl.Int32).alias("age")],
 *   reason: pl.when(pl.col("_age").lt(0)).then(pl.lit("negative age")).otherwise(pl.lit(null)),
 * };
 * const df = pl.DataFrame({ ind: ["1", "2"], age: ["30", "-1"] });
 * console.log(splitClean(df, plan).clean.toRecords()); // [{ ind: "1", age: 30 }]
 * ```
 */
export interface CleanPlan {
  /** The table cleaned (named in its quarantine rows). */
  table: CleanTable;
  stages?: Expr[][];
  columns: Expr[];
  reason: Expr;
  flag?: Expr;
}

/**
 * Runs a {@linkcode CleanPlan} over `df` (lazily, in one pass per stage) and splits the rows on
 * whether the reason is null.
 *
 * @example
 * ```ts
 * import { pl } from "./polars.ts";
 * import { splitClean } from "./split.ts";
 * const df = pl.DataFrame({ ind: ["1", null] });
 * const reason = pl.when(pl.col("ind").isNull()).then(pl.lit("missing ind")).otherwise(pl.lit(null));
 * const out = splitClean(df, { table: "geo", columns: [pl.col("ind").cast(pl.Int64)], reason });
 * console.log(out.clean.height, out.quarantine[0].reason); // 1 "missing ind"
 * ```
 */
export function splitClean(
  df: DataFrame,
  plan: CleanPlan,
  options: CleanOptions = {},
): CleanResult {
  const { table } = plan;
  let lazy = df.lazy();
  for (const stage of plan.stages ?? []) lazy = lazy.withColumns(...stage);
  const flag = plan.flag ?? plan.reason.isNotNull();
  const staged = lazy.withColumns(flag.fillNull(true).alias(FLAG))
    .collectSync();
  const flags = staged.getColumn(FLAG);
  if (!flags.any()) {
    return { clean: staged.select(...plan.columns), quarantine: [] };
  }
  const flagged = staged.filter(pl.col(FLAG)).select(plan.reason.alias(REASON));
  // The flag may be wider than the reason: then decide on the reason itself.
  const exact = flagged.getColumn(REASON).nullCount() === 0;
  const rejected = exact
    ? flags
    : staged.select(plan.reason.isNotNull().alias(FLAG)).getColumn(FLAG);
  const reasons = exact
    ? flagged.getColumn(REASON)
    : staged.filter(rejected).select(plan.reason.alias(REASON)).getColumn(
      REASON,
    );
  const clean = staged.filter(rejected.not()).select(...plan.columns);
  const bad = df.filter(rejected).withColumns(reasons);
  return { clean, quarantine: quarantineRows(table, bad, options) };
}

function quarantineRows(
  table: CleanTable,
  bad: DataFrame,
  options: CleanOptions,
): QuarantineRow[] {
  const hasLine = bad.columns.includes(LINE_COLUMN);
  return bad.toRecords().map((row) => {
    const line = hasLine ? Number(row[LINE_COLUMN]) : undefined;
    const fromLine = line !== undefined ? options.raw?.(line) : undefined;
    const fields: Record<string, unknown> = {};
    for (const c of RAW_COLUMNS[table]) fields[c] = row[c] ?? null;
    return {
      table,
      reason: String(row[REASON]),
      raw: fromLine ?? JSON.stringify(fields),
    };
  });
}
