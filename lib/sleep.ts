/**
 * An abortable wait, shared by the stages that pause between polls or retries.
 *
 * @module
 */

/**
 * Waits `ms` milliseconds; resolves `false` early when `signal` aborts (at once when it
 * already has), `true` otherwise. It never rejects, and leaves no timer or listener behind.
 *
 * @example
 * ```ts
 * import { sleep } from "./sleep.ts";
 * const finished = await sleep(10);
 * console.log(finished); // true
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
