/**
 * The Confluent S3 sink layout of the lake and the NDJSON encoding of its objects.
 *
 * An object `topics/{topic}/partition={p}/{topic}+{p}+{startOffset}.json` (start offset
 * zero-padded to 10 digits) holds the records `[startOffset, startOffset + n)` of one
 * partition, one JSON value per line, each line ending in `\n`.
 *
 * @module
 */
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "../json_depth.ts";

/**
 * A parsed object name.
 *
 * @example
 * ```ts
 * import { objectKey, type ObjectName } from "./layout.ts";
 * const name: ObjectName = { topic: "demo.geo", partition: 2, startOffset: 1500 };
 * console.log(objectKey(name)); // topics/demo.geo/partition=2/demo.geo+2+0000001500.json
 * ```
 */
export interface ObjectName {
  topic: string;
  partition: number;
  startOffset: number;
}

/**
 * The key prefix of one partition's objects, ending in `/`.
 *
 * @example
 * ```ts
 * import { partitionPrefix } from "./layout.ts";
 * console.log(partitionPrefix("demo.pin", 0)); // topics/demo.pin/partition=0/
 * ```
 */
export function partitionPrefix(topic: string, partition: number): string {
  return `topics/${topic}/partition=${partition}/`;
}

/**
 * The key of the object of `topic` and `partition` whose first record has `startOffset`
 * (the inverse of {@linkcode parseObjectKey}).
 *
 * @example
 * ```ts
 * import { objectKey } from "./layout.ts";
 * console.log(objectKey({ topic: "demo.pin", partition: 0, startOffset: 3 }));
 * // topics/demo.pin/partition=0/demo.pin+0+0000000003.json
 * ```
 */
export function objectKey(name: ObjectName): string {
  const { topic, partition, startOffset } = name;
  const start = String(startOffset).padStart(10, "0");
  return `${
    partitionPrefix(topic, partition)
  }${topic}+${partition}+${start}.json`;
}

const NAME =
  /^topics\/([^/]+)\/partition=(0|[1-9]\d*)\/\1\+\2\+(\d{10,})\.json$/;

/**
 * Parses a key written by {@linkcode objectKey}; `null` for any other key.
 *
 * @example
 * ```ts
 * import { parseObjectKey } from "./layout.ts";
 * console.log(parseObjectKey("topics/d.pin/partition=1/d.pin+1+0000000500.json"));
 * // { topic: "d.pin", partition: 1, startOffset: 500 }
 * ```
 */
export function parseObjectKey(key: string): ObjectName | null {
  const m = NAME.exec(key);
  if (!m) return null;
  const startOffset = Number(m[3]);
  if (!Number.isSafeInteger(startOffset)) return null;
  if (String(startOffset).padStart(10, "0") !== m[3]) return null;
  return { topic: m[1], partition: Number(m[2]), startOffset };
}

const NL = 0x0a;
const CR = 0x0d;
const encoder = new TextEncoder();
const SPACE = 0x20;
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * One NDJSON line (without its `\n`) for a record value: the value text itself, `null` for
 * an empty value, and for a value spanning lines its JSON without the whitespace outside
 * strings, every token as produced (or, when it is not JSON, the text as a JSON string), so
 * one record is always one line. A
 * value that is not UTF-8 keeps its bytes (line breaks become spaces): the batch then
 * quarantines it as it was produced.
 *
 * A value nested deeper than {@linkcode MAX_JSON_DEPTH} levels is stored as a JSON string of
 * its text: the batch's JSON reader (polars) would overflow its stack on the value itself
 * and kill the process, while the string is one level deep. The batch quarantines such a
 * line with the reason the stream path gives. Values that deep never pass the gateway; they
 * come from clients that produce to Kafka directly. (Confluent's S3 sink refuses them too:
 * its JSON converter, Jackson, stops at 1,000 levels.)
 *
 * @example
 * ```ts
 * import { encodeLine } from "./layout.ts";
 * const line = encodeLine(new TextEncoder().encode('{\n "a": 1\n}'));
 * console.log(new TextDecoder().decode(line)); // {"a":1}
 * const deep = "[".repeat(1001) + "]".repeat(1001);
 * console.log(new TextDecoder().decode(encodeLine(new TextEncoder().encode(deep))) === JSON.stringify(deep)); // true
 * ```
 */
export function encodeLine(value: Uint8Array): Uint8Array {
  if (value.length === 0) return encoder.encode("null");
  const multiLine = value.includes(NL) || value.includes(CR);
  // A text of at most MAX_JSON_DEPTH bytes cannot nest deeper: only longer ones are decoded.
  if (!multiLine && value.length <= MAX_JSON_DEPTH) return value;
  let text: string;
  try {
    text = strictDecoder.decode(value);
  } catch {
    // Not UTF-8: kept byte for byte, on one line, for the batch to quarantine as it is.
    return multiLine
      ? value.map((b) => b === NL || b === CR ? SPACE : b)
      : value;
  }
  if (jsonDepthExceeds(text)) return encoder.encode(JSON.stringify(text));
  if (!multiLine) return value;
  try {
    JSON.parse(text);
  } catch {
    return encoder.encode(JSON.stringify(text));
  }
  // Valid JSON holds line breaks only outside its strings: dropping the whitespace there
  // keeps every token as produced (a re-serialisation would round numbers past 2^53, write
  // 1.0 as 1, reorder members such as "1" and drop repeated ones).
  return compactJson(value);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** `json` (valid JSON bytes) without the whitespace outside its strings. */
function compactJson(json: Uint8Array): Uint8Array {
  const out = new Uint8Array(json.length);
  let n = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      out[n++] = c;
      if (c === BACKSLASH) out[n++] = json[++i];
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
      out[n++] = c;
    } else if (c !== SPACE && c !== NL && c !== CR && c !== 0x09) {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}

/**
 * The body of an object: each line followed by `\n`.
 *
 * @example
 * ```ts
 * import { joinLines } from "./layout.ts";
 * const e = new TextEncoder();
 * console.log(new TextDecoder().decode(joinLines([e.encode("1"), e.encode("2")]))); // "1\n2\n"
 * ```
 */
export function joinLines(lines: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const l of lines) size += l.length + 1;
  const body = new Uint8Array(size);
  let at = 0;
  for (const l of lines) {
    body.set(l, at);
    at += l.length;
    body[at++] = NL;
  }
  return body;
}

/**
 * The number of records in an object body, or `null` when the body is not whole NDJSON
 * (empty, or its last line lacks the final `\n`).
 *
 * @example
 * ```ts
 * import { countLines } from "./layout.ts";
 * console.log(countLines(new TextEncoder().encode("1\n2\n"))); // 2
 * ```
 */
export function countLines(body: Uint8Array): number | null {
  if (body.length === 0 || body[body.length - 1] !== NL) return null;
  let n = 0;
  for (let i = 0; i < body.length; i++) if (body[i] === NL) n++;
  return n;
}
