/**
 * The one adapter over `vega` and `vega-lite`: compiles a Vega-Lite spec and renders it to an
 * SVG string server-side (no browser, no canvas), so the report is self-contained.
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { type TextFont, textWidth } from "./text_width.ts";

export type { TopLevelSpec };

/** A text item of Vega's scene, as its text measure sees it. */
interface TextItem extends TextFont {
  text?: unknown;
  /** Longest width in pixels: longer text is cut with … (Vega does the cutting). */
  limit?: number;
}

/** Vega's text measure, which it calls whenever it sizes a label or cuts one to its limit. */
const textMetrics = (vega as unknown as {
  textMetrics: { width: (item: TextItem, text: unknown) => number };
}).textMetrics;

/**
 * Measures text with {@linkcode textWidth} instead of Vega's canvas-less 0.8 em a character.
 * Vega asks for the width of a whole label both to size its bounds (where it wants the width
 * once cut: at most `limit`) and, when cutting it, whether it fits (where anything under
 * `limit` means 'keep it whole'); so a whole label that does not fit measures exactly `limit`,
 * and every other text (the cut-down prefixes Vega tries, the …) its own width.
 */
textMetrics.width = (item, text) => {
  const line = String(text ?? "").trim();
  const width = textWidth(line, item);
  const whole = line === String(item.text ?? "").trim();
  return whole && item.limit && item.limit > 0 && width >= item.limit
    ? item.limit
    : width;
};

/** Most layout passes {@linkcode renderSvg} makes for a chart sized to fit (2 or 3 suffice). */
const FIT_PASSES = 8;

/**
 * Options of {@linkcode renderSvg}.
 *
 * @example
 * ```ts
 * import { renderSvg, type RenderSvgOptions } from "./svg.ts";
 * const options: RenderSvgOptions = { scale: 2 };
 * const svg = await renderSvg({ width: 100, height: 50, data: { values: [{ n: 1 }] }, mark: "bar",
 *   encoding: { y: { field: "n", type: "quantitative" } } }, options);
 * console.log(svg.includes("<svg")); // true
 * ```
 */
export interface RenderSvgOptions {
  /** Scale factor applied to width and height (default 1). */
  scale?: number;
}

/**
 * Renders a Vega-Lite spec to SVG markup.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./svg.ts";
 * const svg = await renderSvg({
 *   data: { values: [{ a: "x", n: 3 }] },
 *   mark: "bar",
 *   encoding: { x: { field: "a", type: "nominal" }, y: { field: "n", type: "quantitative" } },
 * });
 * console.log(svg.startsWith("<svg")); // true
 * ```
 */
export async function renderSvg(
  spec: TopLevelSpec,
  options: RenderSvgOptions = {},
): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    await view.runAsync();
    // Vega fits the plot to the labels once, measured at the plot's first width; a label past
    // a bar that shrinks with the plot then ends beyond the chart. Fit again until it holds.
    for (let i = 0; i < FIT_PASSES; i++) {
      const width = view.width();
      await view.resize().runAsync();
      if (view.width() === width) break;
    }
    return await view.toSVG(options.scale ?? 1);
  } finally {
    view.finalize();
  }
}

/**
 * Shared look of every chart: fonts, colours, no chart border. Every measure charted is a
 * count (posts, users, followers) or a median of counts, so quantitative axes tick at whole
 * numbers: a count of 1 does not get ticks at 0.2, 0.4, ...
 *
 * @example
 * ```ts
 * import { CHART_CONFIG } from "./svg.ts";
 * console.log(CHART_CONFIG.font); // system-ui, ...
 * ```
 */
export const CHART_CONFIG = {
  font:
    "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif",
  background: "#ffffff",
  view: { stroke: null },
  axis: {
    labelColor: "#3c4257",
    titleColor: "#3c4257",
    gridColor: "#e8eaf0",
    domainColor: "#c5cad6",
    tickColor: "#c5cad6",
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 600,
  },
  axisQuantitative: { tickMinStep: 1 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelColor: "#3c4257" },
  range: { category: { scheme: "tableau20" } },
} as const;
