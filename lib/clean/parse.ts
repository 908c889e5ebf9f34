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
import { scanNdjsonAsText, scanNdjsonFilesAsText } from "./polars.ts";
import { type CleanTable, RAW_COLUMNS } from "./schema.ts";
import {
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
  let lines: string[] | undefined;
  const allLines = () => (lines ??= splitNdjsonLines(chunks));
  const fast = await withScratch(options, async (path) => {
    await writeChunks(path, chunks);
    try {
      return await scanNdjsonAsText(path, RAW_COLUMNS[table]);
    } catch {
      return undefined;
    }
  });
  if (fast) return { df: fast, quarantine: [], raw: (i) => allLines()[i] };
  return await parseRawRecords(table, allLines(), options);
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
    let lines: string[] | undefined;
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
          allLines()[i],
      };
    } catch {
      // polars rejected a line: fall back to the line-by-line path below
    }
  }
  const chunks = await Promise.all(paths.map((p) => Deno.readFile(p)));
  return await parseRawRecords(table, splitNdjsonLines(chunks), options);
}

/**
 * The non-blank lines of NDJSON chunks, in order (a chunk's last line ends the line even
 * without a trailing newline).
 *
 * @example
 * ```ts
 * import { splitNdjsonLines } from "./parse.ts";
 * const enc = (s: string) => new TextEncoder().encode(s);
 * console.log(splitNdjsonLines([enc('{"a":1}\n\n{"a":2}'), enc('{"a":3}\n')]));
 * // ['{"a":1}', '{"a":2}', '{"a":3}']
 * ```
 */
export function splitNdjsonLines(chunks: readonly Uint8Array[]): string[] {
  const decoder = new TextDecoder();
  const out: string[] = [];
  for (const chunk of chunks) {
    for (const line of decoder.decode(chunk).split("\n")) {
      if (!isBlankLine(line)) out.push(line);
    }
  }
  return out;
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
