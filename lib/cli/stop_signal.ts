/**
 * Turning SIGINT/SIGTERM (and an optional caller's signal) into one `AbortSignal` for the
 * long-running CLIs, with the listeners removed again afterwards.
 *
 * @module
 */

/** Options of {@linkcode stopOnSignals}. */
export interface StopOnSignalsOptions {
  /** Listen to SIGINT and SIGTERM (default true); `--once` runs do not. */
  listen?: boolean;
  /** A caller's signal that stops the run too (tests use it). */
  signal?: AbortSignal;
}

/** An abort signal fed by process signals; `dispose` removes the listeners. */
export interface StopSignal {
  signal: AbortSignal;
  /** Which signal stopped the run, once one did. */
  readonly reason: string | undefined;
  dispose(): void;
}

/**
 * Aborts on the first SIGINT or SIGTERM, or when `options.signal` aborts.
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
  const handlers =
    (options.listen ?? true ? (["SIGINT", "SIGTERM"] as const) : []).map(
      (sig) => {
        const handler = () => {
          reason ??= sig;
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
