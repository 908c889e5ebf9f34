/**
 * A live progress line for the emulator.
 *
 * On a terminal it redraws one line in place (`\r`, then "erase line" `ESC[2K`). When
 * the output is a file or a pipe (CI logs), it writes a plain line at most every
 * `periodMs` (default 5 s), so logs stay short. {@linkcode ProgressLine.done} ends the
 * line so that what is printed next starts on a fresh line.
 *
 * @module
 */

import type { EmulationSummary } from "./summary.ts";

/**
 * Something to write progress to: `Deno.stdout` or `Deno.stderr` fit.
 *
 * @example
 * ```ts
 * import { createProgressLine, type ProgressStream } from "./progress.ts";
 * import { createTally } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const lines: string[] = [];
 * const stream: ProgressStream = { writeSync: (b) => lines.push(new TextDecoder().decode(b)) && b.length, isTerminal: () => false };
 * createProgressLine({ stream }).update(createTally("batch", targetsFor("batch", "pinterest")).snapshot(0, "running"));
 * console.log(lines); // ["posts 0  records 0  failed 0  retries 0  0.0 posts/s  0.0 s\n"]
 * ```
 */
export interface ProgressStream {
  writeSync(bytes: Uint8Array): number;
  isTerminal(): boolean;
}

/**
 * Options of {@linkcode createProgressLine}.
 *
 * @example
 * ```ts
 * import { createProgressLine, type ProgressLineOptions } from "./progress.ts";
 * import { createTally } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * let printed = 0;
 * const stream = { writeSync: (b: Uint8Array) => (printed++, b.length), isTerminal: () => false };
 * const options: ProgressLineOptions = { stream, periodMs: 1000, now: () => 0 };
 * const line = createProgressLine(options);
 * const tally = createTally("stream", targetsFor("stream", "pinterest"));
 * for (let i = 0; i < 5; i++) line.update(tally.snapshot(i, "running"));
 * console.log(printed); // 1: the others came within the same second
 * ```
 */
export interface ProgressLineOptions {
  stream: ProgressStream;
  /** On a non-terminal, the least time between two lines. Default 5,000 ms. */
  periodMs?: number;
  /** Milliseconds clock, `performance.now` by default. */
  now?: () => number;
  /**
   * On a terminal, its width in columns, asked at each redraw (it may be resized); the line
   * is cut to one column less, as a wrapped line cannot be redrawn in place. `undefined`
   * (the default) when unknown: the line is not cut.
   */
  columns?: () => number | undefined;
}

/**
 * Shows snapshots as they come.
 *
 * @example
 * ```ts
 * import { createProgressLine, type ProgressLine } from "./progress.ts";
 * const progress: ProgressLine = createProgressLine({ stream: Deno.stderr });
 * // await runEmulation({ ..., onProgress: progress.update });
 * progress.done(); // what is printed next starts on a fresh line
 * ```
 */
export interface ProgressLine {
  /** Shows a snapshot; pass it as `onProgress` to `runEmulation`. */
  update(snapshot: EmulationSummary): void;
  /** Ends the line (terminal) so the next output starts cleanly. */
  done(): void;
}

/**
 * Formats a snapshot as one short line.
 *
 * @example
 * ```ts
 * import { progressText } from "./progress.ts";
 * import { createTally } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const tally = createTally("batch", targetsFor("batch", "pinterest"), {
 *   count: 500,
 * });
 * console.log(progressText(tally.snapshot(1500, "running")));
 * // posts 0/500  records 0  failed 0  retries 0  0.0 posts/s  1.5 s
 * ```
 */
export function progressText(s: EmulationSummary): string {
  const of = s.count === undefined ? "" : `/${s.count}`;
  return `posts ${s.posts}${of}  records ${s.recordsAccepted}  failed ${s.recordsFailed}  ` +
    `retries ${s.retries}  ${s.postsPerSecond.toFixed(1)} posts/s  ${
      (s.elapsedMs / 1000).toFixed(1)
    } s`;
}

/**
 * Creates a progress line writing to `stream`.
 *
 * @example
 * ```ts
 * import { createProgressLine } from "./progress.ts";
 * const progress = createProgressLine({ stream: Deno.stderr });
 * // await runEmulation({ ..., onProgress: progress.update });
 * progress.done();
 * ```
 */
export function createProgressLine(options: ProgressLineOptions): ProgressLine {
  const { stream } = options;
  const terminal = stream.isTerminal();
  const periodMs = options.periodMs ?? 5000;
  const now = options.now ?? (() => performance.now());
  const encoder = new TextEncoder();
  let lastPrinted = -Infinity;
  let drawn = false;
  const write = (text: string) => {
    const bytes = encoder.encode(text);
    let written = 0;
    while (written < bytes.length) {
      written += stream.writeSync(bytes.subarray(written));
    }
  };
  return {
    update(snapshot: EmulationSummary): void {
      if (terminal) {
        const width = options.columns?.();
        const text = progressText(snapshot);
        write(
          `\r\x1b[2K${
            width === undefined ? text : text.slice(0, Math.max(0, width - 1))
          }`,
        );
        drawn = true;
        return;
      }
      const t = now();
      if (t - lastPrinted < periodMs) return;
      lastPrinted = t;
      write(progressText(snapshot) + "\n");
    },
    done(): void {
      if (terminal && drawn) write("\n");
      drawn = false;
    },
  };
}
