/**
 * Turning SIGINT/SIGTERM (and an optional caller's signal) into one `AbortSignal` for the
 * long-running CLIs, with the listeners removed again afterwards.
 *
 * @module
 */

/**
 * Options of {@linkcode stopOnSignals}.
 *
 * @example
 * ```ts
 * import { stopOnSignals, type StopOnSignalsOptions } from "./stop_signal.ts";
 * const caller = new AbortController();
 * const options: StopOnSignalsOptions = { listen: false, signal: caller.signal };
 * const stop = stopOnSignals(options);
 * caller.abort();
 * console.log(stop.signal.aborted, stop.reason); // true abort
 * stop.dispose();
 * ```
 */
export interface StopOnSignalsOptions {
  /** Listen to SIGINT and SIGTERM (default true); `--once` runs do not. */
  listen?: boolean;
  /** A caller's signal that stops the run too (tests use it). */
  signal?: AbortSignal;
  /**
   * What the run still does once stopped, printed at the first signal as
   * `Stopping (SIGINT): {notice}. Ctrl-C again to exit at once.`; nothing is printed
   * without it.
   */
  notice?: string;
}

/**
 * An abort signal fed by process signals; `dispose` removes the listeners.
 *
 * @example
 * ```ts
 * import { stopOnSignals, type StopSignal } from "./stop_signal.ts";
 * const stop: StopSignal = stopOnSignals({ notice: "the sink flushes what it holds" });
 * console.log(stop.signal.aborted, stop.reason); // false undefined: no SIGINT or SIGTERM yet
 * stop.dispose(); // removes the SIGINT and SIGTERM listeners
 * ```
 */
export interface StopSignal {
  signal: AbortSignal;
  /** Which signal stopped the run, once one did. */
  readonly reason: string | undefined;
  dispose(): void;
}

/**
 * Aborts on the first SIGINT or SIGTERM, or when `options.signal` aborts. A second SIGINT
 * or SIGTERM exits at once (130 or 143), for a wind-down that takes too long (a backend
 * that does not answer): the listeners would otherwise swallow every further Ctrl-C.
 *
 * @example
 * ```ts
 * import { stopOnSignals } from "./stop_signal.ts";
 * const stop = stopOnSignals({ listen: false });
 * console.log(stop.signal.aborted); // false
 * stop.dispose();
 * ```
 */
export function stopOnSignals(options: StopOnSignalsOptions = {}): StopSignal {
  const controller = new AbortController();
  let reason: string | undefined;
  let signals = 0;
  const handlers =
    (options.listen ?? true ? (["SIGINT", "SIGTERM"] as const) : []).map(
      (sig) => {
        const handler = () => {
          if (++signals > 1) {
            Deno.exit(sig === "SIGINT" ? 130 : 143);
          }
          reason ??= sig;
          if (options.notice !== undefined) {
            console.error(
              `\nStopping (${sig}): ${options.notice}. ${
                sig === "SIGINT" ? "Ctrl-C" : "The signal"
              } again to exit at once.`,
            );
          }
          controller.abort();
        };
        Deno.addSignalListener(sig, handler);
        return [sig, handler] as const;
      },
    );
  const onAbort = () => {
    reason ??= "abort";
    controller.abort();
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    get reason() {
      return reason;
    },
    dispose() {
      for (const [sig, handler] of handlers) {
        Deno.removeSignalListener(sig, handler);
      }
      options.signal?.removeEventListener("abort", onAbort);
    },
  };
}
