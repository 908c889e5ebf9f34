/**
 * Text from the tables made safe for a terminal: the characters that would break a row or
 * drive the terminal (line breaks, tabs, escape sequences, bidirectional overrides) are
 * written as escapes.
 *
 * @module
 */

/** The short escapes, as JSON writes them. */
const SHORT: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * C0 and C1 controls with DEL (`\p{Cc}`: ESC starts the terminal's sequences, CSI U+009B
 * too), the Unicode line and paragraph separators, and the marks, embeddings, overrides and
 * isolates that reorder a line.
 */
const UNSAFE = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * `text` with every character that would break a table row or act on the terminal written as
 * an escape (`\n`, `\t`, `\r`, else `\uXXXX`); other text is left as it is. `--json` gives
 * the values exactly.
 *
 * @example
 * ```ts
 * import { terminalSafe } from "./terminal_text.ts";
 * console.log(terminalSafe("Ann\nEve \x1b[31m")); // Ann\nEve \u001b[31m
 * ```
 */
export function terminalSafe(text: string): string {
  return text.replace(
    UNSAFE,
    (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Characters a terminal draws two columns wide: emoji, and East Asian wide and fullwidth. */
const WIDE =
  /[\p{Emoji_Presentation}\ufe0f\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]/u;

/** Marks and format characters, drawn on the character before them or not at all. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/**
 * The columns `text` takes on a terminal: per grapheme (what is drawn as one character), 2
 * for emoji and East Asian wide or fullwidth characters, 0 for a lone combining mark or format
 * character, else 1. So "中国" is 4 wide, "Co\u0302te" 4, a flag or a ZWJ emoji sequence 2.
 *
 * @example
 * ```ts
 * import { displayWidth } from "./terminal_text.ts";
 * console.log(displayWidth("中国"), displayWidth("Zoë"), "中国".length); // 4 3 2
 * ```
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) {
    width += WIDE.test(segment) ? 2 : ZERO_WIDTH.test(segment) ? 0 : 1;
  }
  return width;
}
