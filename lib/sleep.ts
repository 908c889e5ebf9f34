/**
 * An abortable wait, shared by the stages that pause between polls or retries.
 *
 * @module
 */

/** The longest delay `setTimeout` holds (2^31 - 1 ms, 24.8 days); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits at least `ms` milliseconds by `performance.now()` (longer than the 24.8 days a timer
 * holds too); resolves `false` early when `signal` aborts (at once when it
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
  // Timers may fire a fraction of a millisecond early; the clock decides when `ms` passed.
  const deadline = performance.now() + ms;
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const onTimer = () => {
      const left = deadline - performance.now();
      if (left > 0) {
        timer = setTimeout(onTimer, Math.min(left, MAX_TIMER_MS));
        return;
      }
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    };
    let timer = setTimeout(onTimer, Math.min(ms, MAX_TIMER_MS));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
