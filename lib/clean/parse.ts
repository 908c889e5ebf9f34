/**
 * Raw NDJSON (the records the emulator posts) to a frame of text columns plus quarantine.
 *
 * Every field is read as text, as Spark's JSON reader does with a string schema: numbers keep
 * their digits, booleans become `true`/`false`, objects and arrays their JSON text. The cleaners
 * then parse numbers and dates and quarantine what does not parse. Lines that are not JSON
 * objects are quarantined here with reason `malformed JSON`. Blank lines are skipped.
 *
 * Polars reads the lines (fast, native); when it rejects a chunk, the lines are checked one by
 * one so that only the bad ones are set aside.
 *
 * @module
 */
import {
  type DataFrame,
  LINE_COLUMN,
  pl,
  scanNdjsonAsTextAsync,
} from "./polars.ts";
import { type CleanTable, type QuarantineRow, RAW_COLUMNS } from "./schema.ts";

/** Options of {@linkcode parseRawRecords} and {@linkcode parseRawNdjson}. */
export interface ParseOptions {
  /** Directory for the scratch NDJSON file polars reads; default a fresh temp dir. */
  tempDir?: string;
}

/** Raw records as a frame of text columns, the lines that were not JSON, and the raw lines. */
export interface ParsedRecords {
  /** `_line` (UInt32, the line number) then the table's raw columns, all text. */
  df: DataFrame;
  /** Lines that are not JSON objects. */
  quarantine: QuarantineRow[];
  /** The raw line numbered `line`; pass it to the cleaners as `raw`. */
  raw: (line: number) => string | undefined;
}

const BLANK = /^[ \t\r]*$/;

/**
 * Parses NDJSON lines for `table`. `_line` in the result is the index into `lines`.
 *
 * @example
 * ```ts
 * import { parseRawRecords } from "./parse.ts";
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
  for (let i = 0; i < lines.length; i++) {
    if (!BLANK.test(lines[i])) keep.push(i);
  }
  const quarantine: QuarantineRow[] = [];
  const df = await withScratch(options, async (path) => {
    const text = (i: number) => lines[i].replace(/[\r\n]+/g, " ");
    try {
      return await scanLines(path, table, keep, text);
    } catch {
      const good: number[] = [];
      for (const i of keep) {
        const why = jsonProblem(lines[i]);
        if (why === undefined) good.push(i);
        else quarantine.push({ table, reason: why, raw: lines[i] });
      }
      return await bisect(path, table, good, text, quarantine, raw);
    }
  });
  return { df, quarantine, raw };
}

/**
 * Parses raw NDJSON bytes (for example lake objects, concatenated in arrival order) for
 * `table`. `_line` counts non-blank lines across all chunks, starting at 0.
 *
 * @example
 * ```ts
 * import { parseRawNdjson } from "./parse.ts";
 * const body = new TextEncoder().encode('{"ind":1,"age":20}\n\n{"ind":2,"age":30}\n');
 * const parsed = await parseRawNdjson("user", [body]);
 * console.log(parsed.df.getColumn("_line").toArray(), parsed.raw(1)); // [0, 1] '{"ind":2,"age":30}'
 * ```
 */
export async function parseRawNdjson(
  table: CleanTable,
  chunks: readonly Uint8Array[],
  options: ParseOptions = {},
): Promise<ParsedRecords> {
  let lines: string[] | undefined;
  const allLines = () => {
    lines ??= splitLines(chunks);
    return lines;
  };
  const fast = await withScratch(options, async (path) => {
    await writeChunks(path, chunks);
    try {
      return await scanNdjsonAsTextAsync(path, RAW_COLUMNS[table]);
    } catch {
      return undefined;
    }
  });
  if (fast) return { df: fast, quarantine: [], raw: (i) => allLines()[i] };
  return await parseRawRecords(table, allLines(), options);
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
  return isObject ? undefined : "malformed JSON: not an object";
}

/** Scans `indices` of the lines; rows get their original line numbers in `_line`. */
async function scanLines(
  path: string,
  table: CleanTable,
  indices: readonly number[],
  text: (i: number) => string,
): Promise<DataFrame> {
  const body = indices.map(text).join("\n") + "\n";
  await Deno.writeTextFile(path, indices.length === 0 ? "" : body);
  const columns = RAW_COLUMNS[table];
  if (indices.length === 0) return emptyRaw(columns);
  const df = await scanNdjsonAsTextAsync(path, columns);
  const lines = pl.Series(LINE_COLUMN, [...indices], pl.UInt32);
  return df.withColumns(lines);
}

/** Scans `indices`, splitting in halves around lines polars rejects (which are quarantined). */
async function bisect(
  path: string,
  table: CleanTable,
  indices: readonly number[],
  text: (i: number) => string,
  quarantine: QuarantineRow[],
  raw: (i: number) => string | undefined,
): Promise<DataFrame> {
  try {
    return await scanLines(path, table, indices, text);
  } catch (error) {
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
    const left = await bisect(
      path,
      table,
      indices.slice(0, mid),
      text,
      quarantine,
      raw,
    );
    const right = await bisect(
      path,
      table,
      indices.slice(mid),
      text,
      quarantine,
      raw,
    );
    return pl.concat([left, right]);
  }
}

function emptyRaw(columns: readonly string[]): DataFrame {
  return pl.DataFrame([
    pl.Series(LINE_COLUMN, [], pl.UInt32),
    ...columns.map((c) => pl.Series(c, [], pl.Utf8)),
  ]);
}

async function withScratch<T>(
  options: ParseOptions,
  body: (path: string) => Promise<T>,
): Promise<T> {
  const dir = options.tempDir ?? await Deno.makeTempDir({ prefix: "clean-" });
  const path = `${dir}/raw-${crypto.randomUUID()}.ndjson`;
  try {
    return await body(path);
  } finally {
    await Deno.remove(path).catch(() => {});
    if (options.tempDir === undefined) await Deno.remove(dir).catch(() => {});
  }
}

async function writeChunks(path: string, chunks: readonly Uint8Array[]) {
  using file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  const newline = new Uint8Array([0x0a]);
  for (const chunk of chunks) {
    await writeAll(file, chunk);
    if (chunk.length > 0 && chunk[chunk.length - 1] !== 0x0a) {
      await writeAll(file, newline);
    }
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array) {
  for (let off = 0; off < bytes.length;) {
    off += await file.write(bytes.subarray(off));
  }
}

function splitLines(chunks: readonly Uint8Array[]): string[] {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (const chunk of chunks) {
    for (const line of decoder.decode(chunk).split("\n")) {
      if (!BLANK.test(line)) out.push(line);
    }
  }
  return out;
}
