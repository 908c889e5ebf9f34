/**
 * The sink's retries of lake calls: which failures are worth another attempt, the default
 * backoff, and the warning logged before each retry.
 *
 * @module
 */
import type { LogContext, Logger } from "../logger.ts";
import { BackendError, PipelineError } from "../errors.ts";
import { type RetryOptions, type RetryResult, withRetry } from "../retry.ts";

/**
 * The default retries of a failed lake write or recovery read: 16 attempts, 0.5 s doubling
 * to 10 s.
 *
 * @example
 * ```ts
 * import { SINK_LAKE_RETRY } from "./lake_retry.ts";
 * console.log(SINK_LAKE_RETRY.attempts); // 16
 * ```
 */
export const SINK_LAKE_RETRY: Readonly<RetryOptions> = Object.freeze({
  attempts: 16,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
});

/**
 * Thrown by a lake call to end its retries without an error: the write was given up
 * because the consumer group changed meanwhile.
 *
 * @example
 * ```ts
 * import { WriteAbandoned } from "./lake_retry.ts";
 * console.log(new WriteAbandoned() instanceof Error); // true
 * ```
 */
export class WriteAbandoned extends Error {}

/**
 * Whether a failed lake call is worth another attempt: I/O and service failures
 * (`BackendError`, system errors such as a refused connection or a full disk), not a key
 * the store refuses, a lake found inconsistent, nor an abandoned write.
 *
 * @example
 * ```ts
 * import { retryableLake, WriteAbandoned } from "./lake_retry.ts";
 * console.log(retryableLake(new Error("ECONNREFUSED")), retryableLake(new WriteAbandoned()));
 * // true false
 * ```
 */
export function retryableLake(error: unknown): boolean {
  if (error instanceof WriteAbandoned) return false;
  return !(error instanceof PipelineError) || error instanceof BackendError;
}

/**
 * Options of {@linkcode withLakeRetry}.
 *
 * @example
 * ```ts
 * import { type LakeRetryOptions, withLakeRetry } from "./lake_retry.ts";
 * import { silentLogger } from "../logger.ts";
 * const options: LakeRetryOptions = { logger: silentLogger, warning: "sink: lake read failed; trying again",
 *   context: { topic: "demo.pin", partition: 0 }, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } };
 * const result = await withLakeRetry(() => Promise.reject(new Error("ECONNREFUSED")), options);
 * console.log(result.ok, result.retries); // false 1
 * ```
 */
export interface LakeRetryOptions {
  /** Where each retry is logged, as a warning. */
  logger: Logger;
  /** The warning's message. */
  warning: string;
  /** What the call works on (object key, or topic and partition), logged with each retry. */
  context: LogContext;
  /** Backoff; default {@linkcode SINK_LAKE_RETRY}. */
  retry?: RetryOptions;
  /** Aborting it ends the waits between retries (the sink is stopping). */
  signal?: AbortSignal;
}

/**
 * Runs a lake call with the sink's retries ({@linkcode retryableLake} failures only), each
 * retry logged as a warning with the error and the wait. Never throws: the result holds
 * the value or the last error.
 *
 * @example
 * ```ts
 * import { withLakeRetry } from "./lake_retry.ts";
 * import { silentLogger } from "../logger.ts";
 * let calls = 0;
 * const result = await withLakeRetry(async () => {
 *   if (++calls === 1) throw new Error("ECONNRESET");
 *   return "put";
 * }, {
 *   logger: silentLogger,
 *   warning: "sink: lake write failed; trying again",
 *   context: { key: "topics/demo.pin/partition=0/demo.pin+0+0000000000.json" },
 *   retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
 * });
 * console.log(result.ok, result.retries); // true 1
 * ```
 */
export function withLakeRetry<T>(
  call: () => Promise<T>,
  options: LakeRetryOptions,
): Promise<RetryResult<T>> {
  const { logger, warning, context } = options;
  return withRetry(call, {
    ...(options.retry ?? SINK_LAKE_RETRY),
    signal: options.signal,
    retryable: retryableLake,
    onRetry: (error, retry, waitMs) =>
      logger.warn(warning, {
        ...context,
        retry,
        waitMs: Math.round(waitMs),
        error: error instanceof Error ? error.message : String(error),
      }),
  });
}
