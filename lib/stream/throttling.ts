/**
 * Throttled stream reads: Kinesis refuses a shard's reads past 5 calls or 2 MiB a second
 * (`ProvisionedThroughputExceededException`), and an account's describe calls past their
 * own limits (`LimitExceededException`). Such a failure is a reason to wait and read on,
 * not to fail a micro-batch: a batch read again from its checkpoint would spend the
 * shard's throughput on the same records and be throttled at the same place again.
 *
 * @module
 */
import { BackendError } from "../errors.ts";

/** The AWS error names that mean "too many calls or bytes for now". */
const THROTTLING = new Set([
  "ProvisionedThroughputExceededException",
  "LimitExceededException",
  "ThrottlingException",
  "KMSThrottlingException",
]);

/**
 * Waits before reading a throttled stream again while a batch holds nothing of it yet, ms;
 * throttled once more after the last, the batch fails.
 *
 * @example
 * ```ts
 * import { THROTTLE_WAITS_MS } from "./throttling.ts";
 * console.log(THROTTLE_WAITS_MS.reduce((a, b) => a + b)); // 6200
 * ```
 */
export const THROTTLE_WAITS_MS: readonly number[] = [200, 400, 800, 1600, 3200];

/**
 * Whether `error` is a stream service refusing a call for its rate (after the SDK's own
 * retries), not a failure.
 *
 * @example
 * ```ts
 * import { BackendError } from "../errors.ts";
 * import { isThrottled } from "./throttling.ts";
 * const error = new BackendError("kinesis", "readShard failed", {
 *   context: { awsError: "ProvisionedThroughputExceededException" },
 * });
 * console.log(isThrottled(error), isThrottled(new Error("boom"))); // true false
 * ```
 */
export function isThrottled(error: unknown): boolean {
  return error instanceof BackendError &&
    THROTTLING.has(String(error.context.awsError));
}
