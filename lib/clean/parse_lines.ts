/**
 * Raw NDJSON lines (the records the emulator posts) to a frame of text columns plus quarantine.
 *
 * Every field is read as text, as Spark's JSON reader does with a string schema: numbers keep
 * their digits, booleans become `true`/`false`, objects and arrays their JSON text. The cleaners
 * then parse numbers and dates and quarantine what does not parse. Lines that are not JSON
 * objects are quarantined here with reason `malformed JSON`, and so are lines nested deeper
 * than 1,000 levels (`lib/json_depth.ts`) and lines whose bytes were not UTF-8, before polars
 * sees them. Blank lines are skipped.
 *
 * Polars reads the lines (fast, native); when it rejects them, the lines are checked one by
 * one so that only the bad ones are set aside.
 *
 * @module
 */
import { tmpdir } from "node:os";
import { scratchStep, ScratchWriteError } from "./errors.ts";
import { type DataFrame, LINE_COLUMN, pl, scanNdjsonAsText } from "./polars.ts";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "../json_depth.ts";
import { type CleanTable, type QuarantineRow, RAW_COLUMNS } from "./schema.ts";

/**
 * Options of the NDJSON parsers (`parseRawRecords`, `parseRawNdjson`, `parseNdjsonFiles`).
 *
 * @example
 * ```ts
 * import { decodeUtf8, type ParseOptions, parseRawRecords } from "./parse_lines.ts";
 * const { texts, invalidUtf8 } = decodeUtf8([new Uint8Array([0x7b, 0x7d]), new Uint8Array([0x22, 0xff, 0x22])]);
 * const options: ParseOptions = { invalidUtf8, tempDir: await Deno.makeTempDir() };
 * const parsed = await parseRawRecords("user", texts, options);
 * console.log(parsed.df.height, parsed.quarantine[0].reason); // 1 malformed UTF-8
 * ```
 */
export interface ParseOptions {
  /**
   * Directory for the scratch NDJSON file polars reads (`raw-{uuid}.ndjson.tmp`, removed
   * after the read); default a fresh temp dir, removed too.
   */
  tempDir?: string;
  /**
   * For `parseRawRecords`: indices of `lines` whose bytes were not valid UTF-8 (see
   * {@linkcode decodeUtf8}); they are quarantined as `malformed UTF-8`, never parsed.
   */
  invalidUtf8?: ReadonlySet<number>;
}

/**
 * Texts decoded from bytes, and which of them were not valid UTF-8.
 *
 * @example
 * ```ts
 * import { type DecodedTexts, decodeUtf8 } from "./parse_lines.ts";
 * const decoded: DecodedTexts = decodeUtf8([new TextEncoder().encode('{"ind":1}')]);
 * console.log(decoded.texts, decoded.invalidUtf8.size); // ['{"ind":1}'] 0
 * ```
 */
export interface DecodedTexts {
  /** One text per input; bytes that are not UTF-8 became U+FFFD. */
  texts: string[];
  /** Indices of the texts whose bytes were not valid UTF-8. */
  invalidUtf8: Set<number>;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const lossyUtf8 = new TextDecoder();

/**
 * Decodes each byte array as UTF-8. A text that is not valid UTF-8 is decoded with U+FFFD
 * in place of the bad bytes and its index noted: it must be quarantined, not cleaned, since
 * its text is not what was posted (the gateway refuses such bodies; a client writing to
 * Kafka or Kinesis directly is not checked).
 *
 * @example
 * ```ts
 * import { decodeUtf8 } from "./parse_lines.ts";
 * const { texts, invalidUtf8 } = decodeUtf8([new Uint8Array([0x7b, 0x7d]), new Uint8Array([0xff])]);
 * console.log(texts, [...invalidUtf8]); // ["{}", "\ufffd"] [1]
 * ```
 */
export function decodeUtf8(bytes: readonly Uint8Array[]): DecodedTexts {
  const invalidUtf8 = new Set<number>();
  const texts = bytes.map((b, i) => {
    try {
      return strictUtf8.decode(b);
    } catch {
      invalidUtf8.add(i);
      return lossyUtf8.decode(b);
    }
  });
  return { texts, invalidUtf8 };
}

/**
 * Raw records as a frame of text columns, the lines that were not JSON, and the raw lines.
 *
 * @example
 * ```ts
 * import { type ParsedRecords, parseRawRecords } from "./parse_lines.ts";
 * const parsed: ParsedRecords = await parseRawRecords("geo", ['{"ind":1,"country":"Chad"}']);
 * console.log(parsed.df.columns); // ["_line", "ind", "timestamp", "latitude", "longitude", "country"]
 * console.log(parsed.raw(0)); // {"ind":1,"country":"Chad"}
 * ```
 */
export interface ParsedRecords {
  /** `_line` (UInt32, the line number) then the table's raw columns, all text. */
  df: DataFrame;
  /** Lines that are not JSON objects. */
  quarantine: QuarantineRow[];
  /** The raw line numbered `line`; pass it to the cleaners as `raw`. */
  raw: (line: number) => string | undefined;
}

const BLANK = /^[ \t\r]*$/;
const TOO_DEEP = `malformed JSON: nested deeper than ${MAX_JSON_DEPTH} levels`;

/**
 * Whether an NDJSON line is blank (only spaces, tabs and `\r`): blank lines are no records.
 *
 * @example
 * ```ts
 * import { isBlankLine } from "./parse_lines.ts";
 * console.log(isBlankLine(" \r"), isBlankLine("{}")); // true false
 * ```
 */
export function isBlankLine(line: string): boolean {
  return BLANK.test(line);
}

/**
 * Parses NDJSON lines for `table`. `_line` in the result is the index into `lines`.
 *
 * @example
 * ```ts
 * import { parseRawRecords } from "./parse_lines.ts";
 * import { cleanGeo } from "./geo.ts";
 * const lines = ['{"ind":1,"timestamp":"2020-01-02 03:04:05","latitude":1.5,"longitude":2,"country":"Chad"}', "{oops"];
 * const parsed = await parseRawRecords("geo", lines);
 * console.log(parsed.df.height, parsed.quarantine[0].reason); // 1 "malformed JSON"
 * const { clean } = cleanGeo(parsed.df, { raw: parsed.raw });
 * console.log(clean.height); // 1
 * ```
 */
export async function parseRawRecords(
  table: CleanTable,
  lines: readonly string[],
  options: ParseOptions = {},
): Promise<ParsedRecords> {
  const raw = (line: number) => lines[line];
  const keep: number[] = [];
  const quarantine: QuarantineRow[] = [];
  for (let i = 0; i < lines.length; i++) {
    // Never handed to polars: text that is not what was posted, or nesting that would
    // overflow its reader's stack.
    const reason = options.invalidUtf8?.has(i)
      ? "malformed UTF-8"
      : isBlankLine(lines[i])
      ? null
      : jsonDepthExceeds(lines[i])
      ? TOO_DEEP
      : undefined;
    if (reason) quarantine.push({ table, reason, raw: lines[i] });
    else if (reason === undefined) keep.push(i);
  }
  const df = await withScratch(options, async (path) => {
    const scan: LineScan = {
      path,
      table,
      text: (i) => lines[i].replace(/[\r\n]+/g, " "),
      quarantine,
      raw,
    };
    try {
      return await scanLines(scan, keep);
    } catch (error) {
      // The line-by-line fallback needs the scratch file too.
      if (error instanceof ScratchWriteError) throw error;
      const good: number[] = [];
      for (const i of keep) {
        const why = jsonProblem(lines[i]);
        if (why === undefined) good.push(i);
        else quarantine.push({ table, reason: why, raw: lines[i] });
      }
      return await bisect(scan, good);
    }
  });
  return { df, quarantine, raw };
}

/**
 * Runs `body` with the path of a scratch file (removed afterwards) in `options.tempDir`, or in
 * a fresh temp dir that is removed too.
 *
 * @example
 * ```ts
 * import { withScratch } from "./parse_lines.ts";
 * const n = await withScratch({}, async (path) => {
 *   await Deno.writeTextFile(path, "{}\n");
 *   return (await Deno.readTextFile(path)).length;
 * });
 * console.log(n); // 3
 * ```
 */
export async function withScratch<T>(
  options: ParseOptions,
  body: (path: string) => Promise<T>,
): Promise<T> {
  const dir = options.tempDir ??
    await scratchStep(
      tmpdir(),
      () => Deno.makeTempDir({ prefix: "clean-" }),
    );
  // `.tmp`: a file the process could not remove (it was killed) reads as scratch to whoever
  // cleans the folder up (the stream table store removes `*.tmp` files when it opens).
  const path = `${dir}/raw-${crypto.randomUUID()}.ndjson.tmp`;
  try {
    return await body(path);
  } finally {
    await Deno.remove(path).catch(() => {});
    if (options.tempDir === undefined) await Deno.remove(dir).catch(() => {});
  }
}

/** Why `line` is not a JSON object, or undefined when it is one. */
function jsonProblem(line: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return "malformed JSON";
  }
  const isObject = typeof value === "object" && value !== null &&
    !Array.isArray(value);
  if (isObject) return undefined;
  // The sink stores a value nested too deep for polars as a JSON string of its text.
  if (typeof value === "string" && jsonDepthExceeds(value)) return TOO_DEEP;
  return "malformed JSON: not an object";
}

/** How lines are scanned: through scratch file `path`, for `table`. */
interface LineScan {
  path: string;
  table: CleanTable;
  /** Line `i` as polars gets it (one line). */
  text: (i: number) => string;
  /** Where rejected lines go. */
  quarantine: QuarantineRow[];
  /** Line `i` as it came, for its quarantine row. */
  raw: (i: number) => string | undefined;
}

/** Scans `indices` of the lines; rows get their original line numbers in `_line`. */
async function scanLines(
  scan: LineScan,
  indices: readonly number[],
): Promise<DataFrame> {
  const { path, table, text } = scan;
  const columns = RAW_COLUMNS[table];
  // Nothing to scan: no scratch file to write, or to fail writing.
  if (indices.length === 0) return emptyRaw(columns);
  const body = indices.map(text).join("\n") + "\n";
  await scratchStep(path, () => Deno.writeTextFile(path, body));
  const df = await scanNdjsonAsText(path, columns);
  const lines = pl.Series(LINE_COLUMN, [...indices], pl.UInt32);
  return df.withColumns(lines);
}

/** Scans `indices`, splitting in halves around lines polars rejects (which are quarantined). */
async function bisect(
  scan: LineScan,
  indices: readonly number[],
): Promise<DataFrame> {
  const { table, quarantine, raw } = scan;
  try {
    return await scanLines(scan, indices);
  } catch (error) {
    // Not a line's fault: splitting would only fail again.
    if (error instanceof ScratchWriteError) throw error;
    if (indices.length === 1) {
      const why = error instanceof Error ? error.message : String(error);
      quarantine.push({
        table,
        reason: `malformed JSON: ${why}`,
        raw: raw(indices[0]) ?? "",
      });
      return emptyRaw(RAW_COLUMNS[table]);
    }
    const mid = indices.length >> 1;
    const halves = [indices.slice(0, mid), indices.slice(mid)];
    const parts: DataFrame[] = [];
    for (const half of halves) {
      parts.push(await bisect(scan, half));
    }
    return pl.concat(parts);
  }
}

function emptyRaw(columns: readonly string[]): DataFrame {
  return pl.DataFrame([
    pl.Series(LINE_COLUMN, [], pl.UInt32),
    ...columns.map((c) => pl.Series(c, [], pl.Utf8)),
  ]);
}
