/**
 * The nesting limit of posted JSON, shared by the gateway (which refuses deeper values) and
 * the cleaners (which quarantine deeper lines).
 *
 * Why a limit: polars' NDJSON reader parses nested values recursively in native code, and a
 * line nested some 6,000-7,000 levels deep overflows its thread's stack. That is a
 * segmentation fault, not an error: the whole batch or stream process dies, and dies again
 * on every restart, since the record stays in the lake or the stream. A Pinterest post nests
 * one level. Jackson, the JSON reader of Kafka's REST Proxy, refuses documents nested deeper
 * than 1,000 levels (its default since 2.15), and so does this pipeline:
 *
 * - the gateway answers 422 for a topic value or a stream `Data` nested deeper;
 * - the stream cleaner quarantines such a record (its lines pass through JavaScript anyway);
 * - the sink stores such a record (produced to Kafka by another client, past the gateway)
 *   as a JSON string of its text, and the batch cleaner quarantines that string with the
 *   same reason. The batch reads lake objects with polars directly, with no JavaScript pass
 *   over their lines (such a pass, only to find long lines, measured 0.7-0.9 CPU s per
 *   million pins: over a tenth of the batch), so it relies on the lake's writer: this
 *   pipeline's sink, or Confluent's S3 sink, whose JSON converter (Jackson) refuses such
 *   records. A lake object written by other means with such a line still crashes it.
 *
 * @module
 */

/**
 * The deepest nesting of a record value (or line) the pipeline takes: 1,000 levels.
 *
 * @example
 * ```ts
 * import { MAX_JSON_DEPTH } from "./json_depth.ts";
 * console.log(MAX_JSON_DEPTH); // 1000
 * ```
 */
export const MAX_JSON_DEPTH = 1000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests deeper than `max` levels (default {@linkcode MAX_JSON_DEPTH}):
 * `[` and `{` open a level, `]` and `}` close one, brackets inside strings do not count.
 * Text that is not JSON is read the same way (its brackets outside quotes count). Text of
 * at most `max` characters cannot nest deeper, so it is not scanned.
 *
 * @example
 * ```ts
 * import { jsonDepthExceeds } from "./json_depth.ts";
 * console.log(jsonDepthExceeds('{"a":[1]}', 2), jsonDepthExceeds('{"a":[[1]]}', 2)); // false true
 * console.log(jsonDepthExceeds('["[[[["]', 1)); // false: those brackets are text
 * ```
 */
export function jsonDepthExceeds(
  text: string,
  max: number = MAX_JSON_DEPTH,
): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++; // the escaped character cannot end the string
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
