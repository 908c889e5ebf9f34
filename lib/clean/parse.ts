/**
 * Raw NDJSON in bulk (lake objects) to a frame of text columns plus quarantine: from bytes in
 * memory (`parseRawNdjson`, via a scratch file, as polars 0.25.2 reads NDJSON only from files)
 * or from files polars reads in place (`parseNdjsonFiles`, no copy).
 *
 * Both try polars on everything at once (fast, native, parallel); when polars rejects the
 * input, they fall back to `parseRawRecords`, which checks the lines one by one so that only
 * the bad ones are set aside. `_line` counts non-blank lines across all inputs from 0, and
 * `raw(line)` returns that line (split from the input only when first asked, which the
 * cleaners do only for quarantined rows).
 *
 * @module
 */
import { scratchStep, ScratchWriteError } from "./errors.ts";
import { scanNdjsonAsText, scanNdjsonFilesAsText } from "./polars.ts";
import { type CleanTable, RAW_COLUMNS } from "./schema.ts";
import {
  type DecodedTexts,
  decodeUtf8,
  isBlankLine,
  type ParsedRecords,
  type ParseOptions,
  parseRawRecords,
  withScratch,
} from "./parse_lines.ts";

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
  let lines: DecodedTexts | undefined;
  const allLines = () => (lines ??= splitNdjsonLines(chunks));
  const fast = await withScratch(options, async (path) => {
    await writeChunks(path, chunks);
    try {
      return await scanNdjsonAsText(path, RAW_COLUMNS[table]);
    } catch {
      return undefined;
    }
  });
  if (fast) {
    return {
      df: fast,
      quarantine: [],
      raw: (i) => allLines().texts[i],
    };
  }
  return await parseDecoded(table, allLines(), options);
}

/** `parseRawRecords` over decoded lines, the ones that were not UTF-8 marked as such. */
function parseDecoded(
  table: CleanTable,
  lines: DecodedTexts,
  options: ParseOptions,
): Promise<ParsedRecords> {
  return parseRawRecords(table, lines.texts, {
    ...options,
    invalidUtf8: lines.invalidUtf8,
  });
}

/**
 * Parses NDJSON files (for example lake objects, in arrival order) for `table`, read by polars
 * in place, in parallel. The result is the same as {@linkcode parseRawNdjson} over the files'
 * bytes: `_line` counts non-blank lines across all files from 0. The files must stay as they
 * are while `raw` may be called (lake objects are never rewritten).
 *
 * @example
 * ```ts
 * import { parseNdjsonFiles } from "./parse.ts";
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.json`, '{"ind":1,"age":20}\n');
 * await Deno.writeTextFile(`${dir}/b.json`, '{"ind":2,"age":30}\n');
 * const parsed = await parseNdjsonFiles("user", [`${dir}/a.json`, `${dir}/b.json`]);
 * console.log(parsed.df.getColumn("_line").toArray(), parsed.raw(1)); // [0, 1] '{"ind":2,"age":30}'
 * ```
 */
export async function parseNdjsonFiles(
  table: CleanTable,
  paths: readonly string[],
  options: ParseOptions = {},
): Promise<ParsedRecords> {
  if (paths.length > 0) {
    let lines: DecodedTexts | undefined;
    const allLines = () => (lines ??= splitNdjsonLines(paths.map((p) =>
      Deno.readFileSync(p)
    )));
    try {
      const df = await scanNdjsonFilesAsText(paths, RAW_COLUMNS[table], {
        tempDir: options.tempDir,
      });
      return {
        df,
        quarantine: [],
        raw: (i) =>
          allLines().texts[i],
      };
    } catch (e) {
      if (e instanceof ScratchWriteError) throw e; // the fallback needs scratch space too
      // polars rejected a line: fall back to the line-by-line path below
    }
  }
  const chunks = await Promise.all(paths.map((p) => Deno.readFile(p)));
  return await parseDecoded(table, splitNdjsonLines(chunks), options);
}

/**
 * The non-blank lines of NDJSON chunks, in order (a chunk's last line ends the line even
 * without a trailing newline; a `\r` ending a line is the line end's, not the line's), and
 * which of them were not valid UTF-8 (`texts` indices).
 *
 * @example
 * ```ts
 * import { splitNdjsonLines } from "./parse.ts";
 * const enc = (s: string) => new TextEncoder().encode(s);
 * console.log(splitNdjsonLines([enc('{"a":1}\n\n{"a":2}'), enc('{"a":3}\n')]).texts);
 * // ['{"a":1}', '{"a":2}', '{"a":3}']
 * ```
 */
export function splitNdjsonLines(chunks: readonly Uint8Array[]): DecodedTexts {
  const out: DecodedTexts = { texts: [], invalidUtf8: new Set() };
  for (const chunk of chunks.flatMap(textSized)) {
    // One decode per chunk; line by line only when the chunk is not all UTF-8.
    const whole = decodeUtf8([chunk]);
    const lines = whole.invalidUtf8.size === 0
      ? { texts: whole.texts[0].split("\n"), invalidUtf8: whole.invalidUtf8 }
      : decodeUtf8(byteLines(chunk));
    lines.texts.forEach((text, i) => {
      if (lines.invalidUtf8.has(i)) out.invalidUtf8.add(out.texts.length);
      else if (isBlankLine(text)) return;
      out.texts.push(text.endsWith("\r") ? text.slice(0, -1) : text);
    });
  }
  return out;
}

/** Bytes decoded as one text at most: well below V8's longest string (2^29 - 24 characters). */
const MAX_TEXT_BYTES = 64 << 20;

/**
 * `chunk` as views of at most {@linkcode MAX_TEXT_BYTES} each (a longer line is one view),
 * each ending after a newline but the last: a big object decodes in parts, not as one text.
 */
function textSized(chunk: Uint8Array): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let start = 0;
  while (chunk.length - start > MAX_TEXT_BYTES) {
    const nl = chunk.lastIndexOf(0x0a, start + MAX_TEXT_BYTES - 1);
    const end = nl >= start ? nl + 1 : chunk.indexOf(0x0a, start) + 1;
    if (end === 0) break; // one line to the end
    parts.push(chunk.subarray(start, end));
    start = end;
  }
  parts.push(chunk.subarray(start));
  return parts;
}

/** The lines of `chunk` (split at `\n`), as views of its bytes. */
function byteLines(chunk: Uint8Array): Uint8Array[] {
  const lines: Uint8Array[] = [];
  for (let start = 0; start <= chunk.length;) {
    const nl = chunk.indexOf(0x0a, start);
    const end = nl === -1 ? chunk.length : nl;
    lines.push(chunk.subarray(start, end));
    start = end + 1;
  }
  return lines;
}

/** Writes the chunks as one file, a newline after each chunk that lacks one. */
async function writeChunks(path: string, chunks: readonly Uint8Array[]) {
  // One buffer and one write: thousands of small objects (one record each, as the course's
  // S3 sink writes them) cost two awaited writes apiece otherwise.
  const ends = (c: Uint8Array) => c.length === 0 || c[c.length - 1] === 0x0a;
  let size = 0;
  for (const chunk of chunks) size += chunk.length + (ends(chunk) ? 0 : 1);
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
    if (!ends(chunk)) all[at++] = 0x0a;
  }
  await scratchStep(path, () => Deno.writeFile(path, all));
}
