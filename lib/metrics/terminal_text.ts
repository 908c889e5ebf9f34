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
