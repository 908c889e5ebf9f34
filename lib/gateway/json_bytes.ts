/**
 * A validating JSON reader over raw UTF-8 bytes that reports where values are instead of
 * building them, so that a request body's values can be stored as the very bytes the
 * client sent (no `JSON.parse` into objects, no `JSON.stringify` and `TextEncoder` back).
 *
 * It accepts exactly RFC 8259 JSON in well-formed UTF-8 (what `TextDecoder` with `fatal`
 * plus `JSON.parse` accept, less a byte-order mark, and less escapes of lone UTF-16
 * surrogates such as `"\ud800"`, which are no characters), and gives up
 * (throws {@linkcode NOT_FAST}) on anything else or on nesting deeper than 256: callers
 * then take the general path, which reports the problem. It counts the whitespace met
 * inside values (`loose`), so that a caller can tell a compact value from an indented one,
 * and `compact` removes that whitespace (tokens stay as the client wrote them).
 *
 * @module
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MAX_DEPTH = 256;
const WORDS = [[0x74, 0x72, 0x75, 0x65], [0x66, 0x61, 0x6c, 0x73, 0x65], [
  0x6e,
  0x75,
  0x6c,
  0x6c,
]];

/**
 * Thrown by {@linkcode JsonBytes} when the input is not JSON it reads (invalid, or too
 * deep): the caller falls back to `JSON.parse`.
 *
 * @example
 * ```ts
 * import { JsonBytes, NOT_FAST } from "./json_bytes.ts";
 * try {
 *   new JsonBytes(new TextEncoder().encode("{oops}")).value(0);
 * } catch (e) {
 *   console.log(e === NOT_FAST); // true
 * }
 * ```
 */
export const NOT_FAST: Error = new Error("not JSON this reader takes");

/** Bytes a string may hold as they are (printable ASCII but `"` and `\\`): 1. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) {
  PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** Continuation bytes of a UTF-8 sequence: [first byte's range for the second, count]. */
function utf8Tail(lead: number): [number, number, number] {
  if (lead >= 0xc2 && lead <= 0xdf) return [0x80, 0xbf, 1];
  if (lead === 0xe0) return [0xa0, 0xbf, 2];
  if (lead === 0xed) return [0x80, 0x9f, 2]; // no UTF-16 surrogates
  if (lead >= 0xe1 && lead <= 0xef) return [0x80, 0xbf, 2];
  if (lead === 0xf0) return [0x90, 0xbf, 3];
  if (lead >= 0xf1 && lead <= 0xf3) return [0x80, 0xbf, 3];
  if (lead === 0xf4) return [0x80, 0x8f, 3]; // up to U+10FFFF
  throw NOT_FAST;
}

/**
 * Reads JSON values in a byte array: each method takes the index where a token starts
 * and returns the index just after it.
 *
 * @example
 * ```ts
 * import { JsonBytes } from "./json_bytes.ts";
 * const bytes = new TextEncoder().encode('[1, {"a":"b"}]');
 * const json = new JsonBytes(bytes);
 * console.log(json.value(0), json.loose); // 14 1
 * ```
 */
export class JsonBytes {
  /** The bytes read. */
  readonly bytes: Uint8Array;
  /** Whitespace bytes met inside the values read so far. */
  loose = 0;
  /** Whether the last string read had a backslash escape. */
  escaped = false;
  #depth = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  /** The index of the first byte at or after `i` that is not JSON whitespace. */
  space(i: number): number {
    const b = this.bytes;
    while (i < b.length) {
      const c = b[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    return i;
  }

  /** Reads the value starting at `i` (not whitespace). */
  value(i: number): number {
    const c = this.bytes[i];
    if (c === QUOTE) return this.string(i);
    if (c === OPEN_OBJECT) {
      return this.members(i, (_k, _e, v) => this.value(v));
    }
    if (c === OPEN_ARRAY) return this.elements(i, (v) => this.value(v));
    if (c === 0x74) return this.#word(i, WORDS[0]);
    if (c === 0x66) return this.#word(i, WORDS[1]);
    if (c === 0x6e) return this.#word(i, WORDS[2]);
    return this.#number(i);
  }

  /** Reads the string starting at `i` (a quote); sets `escaped`. */
  string(i: number): number {
    const b = this.bytes;
    this.escaped = false;
    i++;
    while (true) {
      while (PLAIN[b[i]] === 1) i++;
      const c = b[i];
      if (c === QUOTE) return i + 1;
      if (c === BACKSLASH) {
        this.escaped = true;
        i = this.#escape(i + 1);
      } else if (c >= 0x20 && c < 0x80) i++;
      else if (c >= 0x80) i = this.#utf8(i);
      else throw NOT_FAST; // a control character, or the end of the input
    }
  }

  /**
   * Reads the object starting at `i` (a brace), calling `member(keyStart, keyEnd, at)` for
   * each member with the key's span (quotes included) and where its value starts; `member`
   * reads the value and returns where it ends.
   */
  members(
    i: number,
    member: (keyStart: number, keyEnd: number, at: number) => number,
  ): number {
    const b = this.bytes;
    if (++this.#depth > MAX_DEPTH) throw NOT_FAST;
    i = this.#inner(i + 1);
    if (b[i] !== CLOSE_OBJECT) {
      while (true) {
        if (b[i] !== QUOTE) throw NOT_FAST;
        const keyEnd = this.string(i);
        const colon = this.#inner(keyEnd);
        if (b[colon] !== COLON) throw NOT_FAST;
        const end = member(i, keyEnd, this.#inner(colon + 1));
        i = this.#inner(end);
        if (b[i] === CLOSE_OBJECT) break;
        if (b[i] !== COMMA) throw NOT_FAST;
        i = this.#inner(i + 1);
      }
    }
    this.#depth--;
    return i + 1;
  }

  /**
   * Reads the array starting at `i` (a bracket), calling `element(at)` for each element;
   * `element` reads it and returns where it ends.
   */
  elements(i: number, element: (at: number) => number): number {
    const b = this.bytes;
    if (++this.#depth > MAX_DEPTH) throw NOT_FAST;
    i = this.#inner(i + 1);
    if (b[i] !== CLOSE_ARRAY) {
      while (true) {
        i = this.#inner(element(i));
        if (b[i] === CLOSE_ARRAY) break;
        if (b[i] !== COMMA) throw NOT_FAST;
        i = this.#inner(i + 1);
      }
    }
    this.#depth--;
    return i + 1;
  }

  /**
   * The value read by {@linkcode JsonBytes.value} that spans `[start, end)`, without the
   * whitespace outside its strings: its tokens stay the client's bytes (numbers such as
   * `1.0` or `12345678901234567890`, string escapes), only compacted. A copy; use the span
   * itself for a value without whitespace.
   */
  compact(start: number, end: number): Uint8Array {
    const b = this.bytes;
    const out = new Uint8Array(end - start);
    let n = 0;
    let i = start;
    while (i < end) {
      const c = b[i];
      if (c === QUOTE) {
        let j = i + 1;
        while (b[j] !== QUOTE) j += b[j] === BACKSLASH ? 2 : 1;
        out.set(b.subarray(i, j + 1), n);
        n += j + 1 - i;
        i = j + 1;
      } else {
        if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) out[n++] = c;
        i++;
      }
    }
    return out.subarray(0, n);
  }

  /** Whether the key spanning `[start, end)` (quotes included) is `name`, unescaped. */
  keyIs(start: number, end: number, name: string): boolean {
    if (end - start !== name.length + 2) return false;
    for (let k = 0; k < name.length; k++) {
      if (this.bytes[start + 1 + k] !== name.charCodeAt(k)) return false;
    }
    return true;
  }

  /** Whitespace inside a value: skipped, and counted in `loose`. */
  #inner(i: number): number {
    const j = this.space(i);
    this.loose += j - i;
    return j;
  }

  #escape(i: number): number {
    const c = this.bytes[i];
    if (
      c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 ||
      c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74
    ) return i + 1;
    if (c !== 0x75) throw NOT_FAST;
    const unit = this.#hex4(i + 1);
    if (unit < 0xd800 || unit > 0xdfff) return i + 5;
    // Half a surrogate pair must be followed by its other half (an emoji escaped by
    // Python's json.dumps); a lone one goes to the general path, which refuses it.
    const low = this.bytes[i + 5] === BACKSLASH && this.bytes[i + 6] === 0x75
      ? this.#hex4(i + 7)
      : -1;
    if (unit > 0xdbff || low < 0xdc00 || low > 0xdfff) throw NOT_FAST;
    return i + 11;
  }

  /** The value of the four hex digits at `i`. */
  #hex4(i: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.bytes[i + k];
      if (!isHex(c)) throw NOT_FAST;
      v = v * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
    }
    return v;
  }

  #utf8(i: number): number {
    const b = this.bytes;
    const [low, high, count] = utf8Tail(b[i]);
    if (!(b[i + 1] >= low && b[i + 1] <= high)) throw NOT_FAST;
    for (let k = 2; k <= count; k++) {
      if (!(b[i + k] >= 0x80 && b[i + k] <= 0xbf)) throw NOT_FAST;
    }
    return i + count + 1;
  }

  #word(i: number, word: number[]): number {
    for (let k = 0; k < word.length; k++) {
      if (this.bytes[i + k] !== word[k]) throw NOT_FAST;
    }
    return i + word.length;
  }

  #number(i: number): number {
    const b = this.bytes;
    if (b[i] === 0x2d) i++;
    if (b[i] === 0x30) i++;
    else if (b[i] >= 0x31 && b[i] <= 0x39) {
      while (isDigit(b[i])) i++;
    } else throw NOT_FAST;
    if (b[i] === 0x2e) {
      if (!isDigit(b[++i])) throw NOT_FAST;
      while (isDigit(b[i])) i++;
    }
    if (b[i] === 0x65 || b[i] === 0x45) {
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) throw NOT_FAST;
      while (isDigit(b[i])) i++;
    }
    return i;
  }
}
