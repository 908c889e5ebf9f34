/**
 * Cleaning of the three course tables with polars, shared by the batch and streaming stages:
 * raw NDJSON → text frame (`parseRawRecords`, `parseRawNdjson`, `parseNdjsonFiles`) → clean
 * frame + quarantine (`cleanPin`, `cleanGeo`, `cleanUser`) → one row per `ind` for batch
 * tables (`dedupFirst`).
 *
 * @example
 * ```ts
 * import { cleanUser, parseRawRecords } from "./mod.ts";
 * const lines = ['{"ind":1,"first_name":"Ada","last_name":"Lovelace","age":36,"date_joined":"2016-05-01 10:00:00"}'];
 * const parsed = await parseRawRecords("user", lines);
 * const { clean, quarantine } = cleanUser(parsed.df, { raw: parsed.raw });
 * console.log(clean.toRecords(), quarantine);
 * ```
 *
 * @module
 */
export { ScratchWriteError, SqlQueryError } from "./errors.ts";
export {
  LINE_COLUMN,
  pl,
  readParquetFile,
  runSql,
  type RunSqlOptions,
  scanNdjsonAsText,
  scanNdjsonFilesAsText,
  sinkParquetFile,
  strptimeExact,
} from "./polars.ts";
export type {
  DataFrame,
  DataType,
  Expr,
  LazyDataFrame,
  ScanNdjsonFilesOptions,
  Series,
  SinkParquetFileOptions,
} from "./polars.ts";
export {
  CLEAN_COLUMNS,
  CLEAN_TABLES,
  type CleanTable,
  isCleanTable,
  PLACEHOLDERS,
  type QuarantineRow,
  RAW_COLUMNS,
} from "./schema.ts";
export {
  type CleanOptions,
  type CleanPlan,
  type CleanResult,
  splitClean,
} from "./split.ts";
export { cleanPin } from "./pin.ts";
export { cleanGeo } from "./geo.ts";
export { cleanUser, fullName } from "./user.ts";
export {
  type DecodedTexts,
  decodeUtf8,
  isBlankLine,
  type ParsedRecords,
  type ParseOptions,
  parseRawRecords,
} from "./parse_lines.ts";
export { parseNdjsonFiles, parseRawNdjson, splitNdjsonLines } from "./parse.ts";
export {
  dedupFirst,
  type DedupOptions,
  rawFrame,
  stackFrames,
  withRawColumns,
} from "./frames.ts";
export {
  failureReason,
  type FailureReasonOptions,
  firstReason,
  indReason,
  type IndReasonOptions,
  nullIfPlaceholder,
  parseDatetimeText,
} from "./exprs.ts";
