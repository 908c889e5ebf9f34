/**
 * Kinesis hash keys: MD5 of the partition key as a 128-bit number, shard ranges and ids.
 *
 * @module
 */

import { createHash } from "node:crypto";

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
