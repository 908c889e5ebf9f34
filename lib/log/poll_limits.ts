/**
 * The limits of a consumer poll (`PollOptions`) with their defaults, checked once for both
 * tiers (the embedded consumer and the Kafka one).
 *
 * @module
 */
import { InvalidArgumentError } from "./errors.ts";
import type { PollOptions, TopicRecord } from "./types.ts";

/**
 * A poll's limits, checked, with the defaults filled in.
 *
 * @example
 * ```ts
 * import { type PollLimits, pollLimits, recordBytes } from "./poll_limits.ts";
 * const { maxRecords, maxBytes, timeoutMs }: PollLimits = pollLimits({ maxBytes: 10, timeoutMs: -5 });
 * const deadline = Date.now() + Math.max(0, timeoutMs); // a poll waits until then at most
 * // Up to the record that would pass maxBytes, one at least, as a poll takes them:
 * const queued = ["aaaa", "bbbb", "cccc"].map((s) => ({ key: null, value: new TextEncoder().encode(s) }));
 * let bytes = 0;
 * let n = 0;
 * for (const r of queued.slice(0, maxRecords)) {
 *   if (n > 0 && bytes + recordBytes(r) > maxBytes) break;
 *   bytes += recordBytes(r);
 *   n++;
 * }
 * console.log(n, bytes, deadline <= Date.now()); // 2 8 true
 * ```
 */
export interface PollLimits {
  /** Most records (default 500). */
  maxRecords: number;
  /** Most bytes, as {@linkcode recordBytes} counts them (default 16 MiB). */
  maxBytes: number;
  /** How long to wait for a first record, ms (default 1000; below 0 counts as 0). */
  timeoutMs: number;
}

/**
 * The limits `options` set, defaults filled in; `InvalidArgumentError` naming the option
 * for a count that is not a whole number from 1 or a timeout that is not a number.
 *
 * @example
 * ```ts
 * import { pollLimits } from "./poll_limits.ts";
 * console.log(pollLimits({ maxRecords: 10 }));
 * // { maxRecords: 10, maxBytes: 16777216, timeoutMs: 1000 }
 * ```
 */
export function pollLimits(options: PollOptions = {}): PollLimits {
  const limits = {
    maxRecords: options.maxRecords ?? 500,
    maxBytes: options.maxBytes ?? 16 * 1024 * 1024,
    timeoutMs: options.timeoutMs ?? 1000,
  };
  for (const name of ["maxRecords", "maxBytes"] as const) {
    const value = limits[name];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidArgumentError(name, "must be a positive integer", {
        value,
      });
    }
  }
  const { timeoutMs } = limits;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) {
    throw new InvalidArgumentError(
      "timeoutMs",
      "must be a number of milliseconds",
      { value: timeoutMs },
    );
  }
  return limits;
}

/**
 * What a record counts for a poll's `maxBytes` (and the Kafka consumer's queue): its value
 * bytes plus its key's characters.
 *
 * @example
 * ```ts
 * import { recordBytes } from "./poll_limits.ts";
 * const value = new TextEncoder().encode('{"a":1}');
 * console.log(recordBytes({ key: "k1", value })); // 9
 * ```
 */
export function recordBytes(
  record: Pick<TopicRecord, "key" | "value">,
): number {
  return record.value.byteLength + (record.key?.length ?? 0);
}
