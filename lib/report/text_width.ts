/**
 * Text widths for laying out the charts without a browser. Vega measures text with a canvas;
 * without one (as here) it counts 0.8 em a character, where sans-serif text averages about
 * 0.5 em, so it cut labels at 60% of the room they had and kept room for text that was not
 * there. This measures with the advance widths of Helvetica/Arial (the metric-compatible
 * fonts of most systems), plus a margin for wider sans-serif fonts (DejaVu Sans, Segoe UI).
 *
 * @module
 */

/** Advance widths of the printable ASCII characters (space to ~) in Helvetica, in 1/1000 em. */
const ASCII_WIDTHS = [
  278,
  278,
  355,
  556,
  556,
  889,
  667,
  191,
  333,
  333,
  389,
  584,
  278,
  333,
  278,
  278,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  556,
  278,
  278,
  584,
  584,
  584,
  556,
  1015,
  667,
  667,
  722,
  722,
  667,
  611,
  778,
  722,
  278,
  500,
  667,
  556,
  833,
  722,
  778,
  667,
  778,
  722,
  667,
  611,
  722,
  667,
  944,
  667,
  667,
  611,
  278,
  278,
  278,
  469,
  556,
  333,
  556,
  556,
  500,
  556,
  556,
  278,
  556,
  556,
  222,
  222,
  500,
  222,
  833,
  556,
  556,
  556,
  556,
  333,
  500,
  278,
  556,
  500,
  722,
  500,
  500,
  500,
  334,
  260,
  334,
  584,
];

/** Wider sans-serif fonts than Helvetica (DejaVu Sans, the usual Linux one, is ~10% wider). */
const MARGIN = 1.15;

/** Bold text (font weight 600 and up) is about this much wider. */
const BOLD = 1.1;

/** Width of one character in 1/1000 em: its Helvetica width, an em for wide ones (CJK, emoji). */
function charWidth(ch: string): number {
  const code = ch.codePointAt(0)!;
  if (code >= 32 && code <= 126) return ASCII_WIDTHS[code - 32];
  if (code === 0x2026) return 1000; // … (ellipsis)
  return code >= 0x2e80 ? 1000 : 600;
}

/**
 * The font of a text, as Vega's scene items carry it.
 *
 * @example
 * ```ts
 * import { type TextFont, textWidth } from "./text_width.ts";
 * const font: TextFont = { fontSize: 12, fontWeight: 600 };
 * console.log(textWidth("Peru", font) > textWidth("Peru", { fontSize: 12 })); // true
 * ```
 */
export interface TextFont {
  /** Font size in pixels (Vega's default: 11). */
  fontSize?: number;
  /** CSS font weight: a number, "bold" or "normal". */
  fontWeight?: number | string;
}

/**
 * The width in pixels that `text` takes in a sans-serif font, erring on the wide side.
 *
 * @example
 * ```ts
 * import { textWidth } from "./text_width.ts";
 * console.log(textWidth("Hi", { fontSize: 10 })); // 10.86 (H 722 + i 222, 1000ths of 10 px, +15%)
 * ```
 */
export function textWidth(text: string, font: TextFont = {}): number {
  const size = font.fontSize ?? 11;
  const weight = font.fontWeight === "bold" ? 700 : Number(font.fontWeight);
  let units = 0;
  for (const ch of text) units += charWidth(ch);
  const width = units / 1000 * size * MARGIN * (weight >= 600 ? BOLD : 1);
  return Math.round(width * 100) / 100;
}
