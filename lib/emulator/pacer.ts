/**
 * Token-bucket pacing of posts.
 *
 * A bucket holds up to `burst` tokens (default 1) and refills at `rate` tokens per
 * second; each post takes one. With the default burst of 1, posts start exactly
 * `1000 / rate` ms apart: `count` posts need at least `(count - 1) * 1000 / rate` ms.
 * The implementation is the equivalent "virtual scheduling" form (GCRA): every
 * {@linkcode Pacer.take} reserves the next free start time, so concurrent takers are
 * served in order and never exceed the rate together.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { sleep } from "../sleep.ts";

/**
 * Options of {@linkcode createPacer}.
 *
 * @example
 * ```ts
 * import { createPacer, type PacerOptions } from "./pacer.ts";
 * const options: PacerOptions = { rate: 20, burst: 3 };
 * const pacer = createPacer(options);
 * const start = performance.now();
 * for (let i = 0; i < 3; i++) await pacer.take();
 * console.log(performance.now() - start < 40); // true: a full bucket lets 3 posts start back to back
 * ```
 */
export interface PacerOptions {
  /** Tokens per second; `undefined`, `0` or `Infinity` means no pacing. */
  rate?: number;
  /** Bucket size: how many posts may start back to back after a pause. Default 1. */
  burst?: number;
  /** Milliseconds clock, `performance.now` by default (tests may pass their own). */
  now?: () => number;
}

/**
 * Hands out start times at the configured rate.
 *
 * @example
 * ```ts
 * import { createPacer, type Pacer } from "./pacer.ts";
 * const pacer: Pacer = createPacer({ rate: 10 });
 * console.log(await pacer.take()); // true: the first token is there
 * console.log(await pacer.take(AbortSignal.abort())); // false: do not start
 * ```
 */
export interface Pacer {
  /**
   * Waits for a token. Resolves `true` when the caller may start, `false` when `signal`
   * aborted during the wait (the caller should not start).
   */
  take(signal?: AbortSignal): Promise<boolean>;
}

/**
 * Creates a pacer. Without a rate, `take` resolves at once.
 *
 * @example
 * ```ts
 * import { createPacer } from "./pacer.ts";
 * const pacer = createPacer({ rate: 100 });
 * const start = performance.now();
 * for (let i = 0; i < 5; i++) await pacer.take();
 * console.log(performance.now() - start >= 40); // true: 4 gaps of 10 ms
 * ```
 */
export function createPacer(options: PacerOptions = {}): Pacer {
  const rate = options.rate;
  if (rate === undefined || rate === 0 || rate === Infinity) {
    return {
      take: (signal) => Promise.resolve(!signal?.aborted),
    };
  }
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new ConfigError("rate", "must be posts/s > 0", { value: rate });
  }
  const burst = Math.max(1, Math.floor(options.burst ?? 1));
  const now = options.now ?? (() => performance.now());
  const interval = 1000 / rate;
  const tolerance = (burst - 1) * interval;
  // Theoretical arrival time of the next token: the bucket is full while tat <= now.
  let tat = -Infinity;

  const reserve = (): number => {
    const t = now();
    const startAt = Math.max(t, tat - tolerance);
    tat = Math.max(tat, t) + interval;
    return startAt - t;
  };

  return {
    take(signal?: AbortSignal): Promise<boolean> {
      if (signal?.aborted) return Promise.resolve(false);
      return sleep(reserve(), signal);
    },
  };
}
