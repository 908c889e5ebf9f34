/**
 * Kinesis hash keys: MD5 of the partition key as a 128-bit number, shard ranges and ids.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { InvalidArgumentError } from "./errors.ts";

/**
 * 2^128 - 1, the largest hash key.
 *
 * @example
 * ```ts
 * import { MAX_HASH_KEY } from "./hash_key.ts";
 * console.log(MAX_HASH_KEY === 2n ** 128n - 1n); // true
 * ```
 */
export const MAX_HASH_KEY: bigint = (1n << 128n) - 1n;

/**
 * The hash key Kinesis derives from a partition key: MD5 of its UTF-8 bytes, read as an
 * unsigned big-endian 128-bit integer.
 *
 * @example
 * ```ts
 * import { hashKeyOf } from "./hash_key.ts";
 * console.log(hashKeyOf("a") === BigInt("0x0cc175b9c0f1b6a831c399e269772661")); // true
 * ```
 */
export function hashKeyOf(partitionKey: string): bigint {
  const hex = createHash("md5").update(partitionKey, "utf8").digest("hex");
  return BigInt(`0x${hex}`);
}

/**
 * Splits the 128-bit hash key space evenly into `count` inclusive ranges, as Kinesis does
 * for a new stream: each range is `floor(2^128 / count)` wide and the last one ends at
 * 2^128 - 1.
 *
 * @example
 * ```ts
 * import { evenHashRanges } from "./hash_key.ts";
 * const [a, b] = evenHashRanges(2);
 * console.log(a.end + 1n === b.start, b.end === (1n << 128n) - 1n); // true true
 * ```
 */
export function evenHashRanges(
  count: number,
): { start: bigint; end: bigint }[] {
  const width = (1n << 128n) / BigInt(count);
  const ranges: { start: bigint; end: bigint }[] = [];
  for (let i = 0; i < count; i++) {
    const start = BigInt(i) * width;
    const end = i === count - 1 ? MAX_HASH_KEY : start + width - 1n;
    ranges.push({ start, end });
  }
  return ranges;
}

/**
 * The Kinesis shard id of shard number `n`: `shardId-` and 12 zero-padded digits.
 *
 * @example
 * ```ts
 * import { shardIdOf } from "./hash_key.ts";
 * console.log(shardIdOf(3)); // shardId-000000000003
 * ```
 */
export function shardIdOf(n: number): string {
  return `shardId-${String(n).padStart(12, "0")}`;
}

/**
 * The shard number of a shard id, or `null` when the id is not of that form.
 *
 * @example
 * ```ts
 * import { shardNumberOf } from "./hash_key.ts";
 * console.log(shardNumberOf("shardId-000000000012"), shardNumberOf("x")); // 12 null
 * ```
 */
export function shardNumberOf(shardId: string): number | null {
  const m = /^shardId-(\d{12})$/.exec(shardId);
  return m ? Number(m[1]) : null;
}

/**
 * Formats a sequence counter as a sequence number: 21 zero-padded decimal digits, so
 * sequence numbers compare the same as strings and as `BigInt`s.
 *
 * @example
 * ```ts
 * import { sequenceNumberOf } from "./hash_key.ts";
 * console.log(sequenceNumberOf(7)); // 000000000000000000007
 * ```
 */
export function sequenceNumberOf(counter: number | bigint): string {
  return String(counter).padStart(21, "0");
}

/**
 * The shard among `shards` (open shards, with ranges covering the key space) whose
 * hash-key range holds `partitionKey`'s hash key.
 *
 * @example
 * ```ts
 * import { evenHashRanges, shardForKey } from "./hash_key.ts";
 * const shards = evenHashRanges(2).map((r, no) => ({ no, ...r }));
 * console.log(shardForKey(shards, "a").no); // 0 (MD5 of "a" starts with 0x0c)
 * ```
 */
export function shardForKey<T extends { start: bigint; end: bigint }>(
  shards: T[],
  partitionKey: string,
): T {
  const hash = hashKeyOf(partitionKey);
  const shard = shards.find((s) => s.start <= hash && hash <= s.end);
  if (!shard) throw new RangeError(`no shard holds hash key ${hash}`);
  return shard;
}

/**
 * The counter behind a sequence number made by {@linkcode sequenceNumberOf}; throws
 * `InvalidArgumentError` when it is not a decimal below `limit`.
 *
 * @example
 * ```ts
 * import { sequenceCounterOf } from "./hash_key.ts";
 * console.log(sequenceCounterOf("000000000000000000007", 2 ** 37)); // 7
 * ```
 */
export function sequenceCounterOf(
  sequenceNumber: string,
  limit: number,
): number {
  const n =
    typeof sequenceNumber === "string" && /^\d{1,21}$/.test(sequenceNumber)
      ? Number(sequenceNumber)
      : NaN;
  if (!(n < limit)) {
    throw new InvalidArgumentError(
      "afterSequenceNumber",
      "must be a decimal sequence number returned by this stream",
      { value: sequenceNumber },
    );
  }
  return n;
}
