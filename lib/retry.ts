/**
 * Exponential backoff with jitter: the emulator's posts, the sink's lake writes.
 *
 * An attempt that throws a retryable error (by default one with `retryable: true`: 5xx,
 * 429, network errors, timeouts; see `PostError` of the emulator) is tried again after
 * `min(maxDelayMs, baseDelayMs * 2^(n-1))`, of which the second half is random ("equal
 * jitter"), or after the server's `Retry-After` when that is longer (still capped by
 * `maxDelayMs`). Any other error ends the loop at once. The loop never throws: it
 * returns the value or the last error, and how many retries it made.
 *
 * @module
 */
import { sleep } from "./sleep.ts";

/**
 * Retry policy.
 *
 * @example
 * ```ts
 * import { backoffDelay, type RetryOptions } from "./retry.ts";
 * const policy: RetryOptions = { attempts: 4, baseDelayMs: 200, maxDelayMs: 1000 };
 * console.log([1, 2, 3].map((n) => backoffDelay(n, { ...policy, random: () => 1 }))); // [200, 400, 800]
 * ```
 */
export interface RetryOptions {
  /** Total attempts, the first included (>= 1). */
  attempts: number;
  /** Delay before the first retry, before jitter, in milliseconds. */
  baseDelayMs: number;
  /** Upper bound of any delay, in milliseconds. */
  maxDelayMs: number;
}

/**
 * The default policy: 5 attempts, 100 ms doubling up to 2 s (at most ~3.1 s of waiting).
 *
 * @example
 * ```ts
 * import { DEFAULT_RETRY } from "./retry.ts";
 * console.log(DEFAULT_RETRY.attempts); // 5
 * ```
 */
export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  attempts: 5,
  baseDelayMs: 100,
  maxDelayMs: 2000,
});

/**
 * Options of {@linkcode backoffDelay}: the policy, and the source of jitter.
 *
 * @example
 * ```ts
 * import { backoffDelay, type BackoffOptions } from "./retry.ts";
 * const options: BackoffOptions = { attempts: 5, baseDelayMs: 100, maxDelayMs: 2000, random: () => 0 };
 * console.log(backoffDelay(10, options)); // 1000: the 2,000 ms cap, of which random() = 0 keeps only the fixed half
 * ```
 */
export interface BackoffOptions extends RetryOptions {
  /** Source of jitter, `Math.random` by default. */
  random?: () => number;
}

/**
 * The delay before retry number `retry` (1 = the first retry).
 *
 * @example
 * ```ts
 * import { backoffDelay } from "./retry.ts";
 * const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 2000 };
 * console.log(backoffDelay(3, { ...policy, random: () => 0.5 })); // 300: 400 ms, half fixed, half random
 * ```
 */
export function backoffDelay(
  retry: number,
  policy: BackoffOptions,
): number {
  const random = policy.random ?? Math.random;
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** Math.max(0, retry - 1),
  );
  return ceiling / 2 + random() * (ceiling / 2);
}

/**
 * The outcome of {@linkcode withRetry}.
 *
 * @example
 * ```ts
 * import { type RetryResult, withRetry } from "./retry.ts";
 * const result: RetryResult<string> = await withRetry(() => Promise.reject(new Error("404")));
 * if (!result.ok) console.log((result.error as Error).message, result.retries); // 404 0: not retryable
 * ```
 */
export type RetryResult<T> =
  | { ok: true; value: T; retries: number }
  | { ok: false; error: unknown; retries: number };

/**
 * Options of {@linkcode withRetry}.
 *
 * @example
 * ```ts
 * import { withRetry, type WithRetryOptions } from "./retry.ts";
 * const waits: number[] = [];
 * const options: WithRetryOptions = {
 *   attempts: 3,
 *   baseDelayMs: 1,
 *   retryable: (e) => (e as Error).message === "busy",
 *   onRetry: (_e, _n, waitMs) => waits.push(waitMs),
 * };
 * const result = await withRetry(() => Promise.reject(new Error("busy")), options);
 * console.log(result.ok, result.retries, waits.length); // false 2 2
 * ```
 */
export interface WithRetryOptions extends Partial<RetryOptions> {
  /** Source of jitter, `Math.random` by default. */
  random?: () => number;
  /** When it aborts, no further retry starts; the last error is returned. */
  signal?: AbortSignal;
  /** Which errors are worth another attempt; default: those with `retryable: true`. */
  retryable?: (error: unknown) => boolean;
  /** Called before each wait, with the error, the retry's number (1 = first) and the wait. */
  onRetry?: (error: unknown, retry: number, waitMs: number) => void;
}

/**
 * Whether `error` says it is transient, as {@linkcode withRetry} takes it by default: it
 * carries `retryable: true` (a 5xx, a network failure, a lost database connection).
 *
 * @example
 * ```ts
 * import { isRetryable } from "./retry.ts";
 * console.log(isRetryable(Object.assign(new Error("503"), { retryable: true }))); // true
 * console.log(isRetryable(new Error("404")), isRetryable(null)); // false false
 * ```
 */
export function isRetryable(error: unknown): boolean {
  return (error as { retryable?: unknown } | null)?.retryable === true;
}

function retryHints(error: unknown): { retryable: boolean; after?: number } {
  if (typeof error !== "object" || error === null) return { retryable: false };
  const e = error as { retryAfterMs?: unknown };
  return {
    retryable: isRetryable(error),
    after: typeof e.retryAfterMs === "number" ? e.retryAfterMs : undefined,
  };
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, attempts run out,
 * or `signal` aborts. Never throws.
 *
 * @example
 * ```ts
 * import { withRetry } from "./retry.ts";
 * let calls = 0;
 * const result = await withRetry(() => {
 *   calls++;
 *   if (calls < 3) throw Object.assign(new Error("503"), { retryable: true });
 *   return Promise.resolve("done");
 * }, { baseDelayMs: 1, maxDelayMs: 5 });
 * console.log(result); // { ok: true, value: "done", retries: 2 }
 * ```
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: WithRetryOptions = {},
): Promise<RetryResult<T>> {
  const policy: RetryOptions = {
    attempts: Math.max(1, options.attempts ?? DEFAULT_RETRY.attempts),
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  let retries = 0;
  for (;;) {
    try {
      return { ok: true, value: await attempt(), retries };
    } catch (error) {
      const hints = retryHints(error);
      const retryable = options.retryable?.(error) ?? hints.retryable;
      if (!retryable || retries + 1 >= policy.attempts) {
        return { ok: false, error, retries };
      }
      const backoff = backoffDelay(retries + 1, {
        ...policy,
        random: options.random,
      });
      const wait = Math.min(
        policy.maxDelayMs,
        Math.max(backoff, hints.after ?? 0),
      );
      options.onRetry?.(error, retries + 1, wait);
      if (!(await sleep(wait, options.signal))) {
        return { ok: false, error, retries };
      }
      retries++;
    }
  }
}
