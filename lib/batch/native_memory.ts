/**
 * A full garbage collection on demand, to free the memory polars frames hold outside the JS
 * heap. Such memory is freed only when a collection finds the frames' handles unreferenced,
 * and a small JS heap rarely triggers one: the batch, cleaning a lake group by group, grew
 * to 3.9 GB on a 2.1 GB topic though each group it holds at once is 64 MiB of raw records.
 *
 * @module
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collector: (() => void) | null | undefined;

/** The engine's `gc`: the global one under `--v8-flags=--expose-gc`, else one exposed now. */
function findCollector(): (() => void) | null {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return exposed as () => void;
  try {
    // Contexts made after the flag is set have `gc` (the main one keeps none).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc");
    return typeof gc === "function" ? gc : null;
  } catch {
    return null; // an engine without it: memory is freed when it collects on its own
  }
}

/**
 * Runs a full garbage collection, which frees the native memory of polars frames nothing
 * references any more; does nothing where the engine offers none. A few milliseconds with
 * a small JS heap: call it between steps that drop large frames, not per row.
 *
 * @example
 * ```ts
 * import { collectGarbage } from "./native_memory.ts";
 * import { type DataFrame, pl } from "../clean/polars.ts";
 * let df: DataFrame | undefined = pl.DataFrame({ n: Array.from({ length: 1e6 }, (_, i) => i) });
 * console.log(df.height); // 1000000
 * df = undefined;
 * collectGarbage(); // its 8 MB go back now, not at the next collection V8 sees a need for
 * ```
 */
export function collectGarbage(): void {
  if (collector === undefined) collector = findCollector();
  collector?.();
}

/**
 * Options of {@linkcode memoryReleaser}.
 *
 * @example
 * ```ts
 * import { memoryReleaser, type MemoryReleaserOptions } from "./native_memory.ts";
 * const options: MemoryReleaserOptions = { thresholdBytes: 512 << 20 };
 * const release = memoryReleaser(options);
 * release(); // collects only if the process grew by 512 MiB since `memoryReleaser` ran
 * ```
 */
export interface MemoryReleaserOptions {
  /** Growth of the RSS since the last collection that calls for one (default 256 MiB). */
  thresholdBytes?: number;
  /** The process's RSS in bytes (default `Deno.memoryUsage().rss`). */
  rss?: () => number;
  /** The collection (default {@linkcode collectGarbage}). */
  collect?: () => void;
}

/**
 * A function to call between units of work (the batch's groups) that runs a full collection
 * only once the process has grown by `thresholdBytes` since the last one (or since it was
 * made), so that the garbage between collections stays below that much whatever the size
 * of the lake, while a lake that fits in it pays for no collection. One after each 64 MiB
 * group cost `bench:clean`'s pin table 0.3-0.5 CPU s of its 4.1-4.3; with 256 MiB it costs
 * about 0.1, and `deno task batch` on 3,000,000 unique posts peaks at 3.2 GB as with one
 * per group (4.7 GB with none).
 *
 * @example
 * ```ts
 * import { memoryReleaser } from "./native_memory.ts";
 * let collections = 0;
 * const release = memoryReleaser({ thresholdBytes: 1 << 30, collect: () => void collections++ });
 * release();
 * console.log(collections); // 0: the process has not grown by 1 GiB since it was made
 * ```
 */
export function memoryReleaser(
  options: MemoryReleaserOptions = {},
): () => void {
  const threshold = options.thresholdBytes ?? 256 << 20;
  const rss = options.rss ?? (() => Deno.memoryUsage().rss);
  const collect = options.collect ?? collectGarbage;
  let baseline = rss();
  return () => {
    if (rss() - baseline <= threshold) return;
    collect();
    baseline = rss();
  };
}
