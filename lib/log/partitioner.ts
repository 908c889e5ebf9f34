/**
 * Picks the partition of a topic record the way Kafka's default partitioner does.
 *
 * Keyed records go to `toPositive(murmur2(utf8(key))) % partitions`, the same formula the
 * Java client and kafkajs use, so a key lands in the same partition on the embedded log
 * and on a real broker with the same partition count.
 *
 * @module
 */

const encoder = new TextEncoder();

/**
 * Kafka's 32-bit murmur2 hash (seed `0x9747b28c`), as a signed 32-bit integer.
 *
 * @example
 * ```ts
 * import { murmur2 } from "./partitioner.ts";
 * console.log(murmur2(new TextEncoder().encode("21"))); // -973932308
 * ```
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const m = 0x5bd1e995;
  let h = 0x9747b28c ^ length;
  const whole = length & ~3;
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) |
      (data[i + 3] << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = length % 4;
  if (rest === 3) h ^= data[whole + 2] << 16;
  if (rest >= 2) h ^= data[whole + 1] << 8;
  if (rest >= 1) {
    h ^= data[whole];
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * The partition Kafka's default partitioner gives `key` in a topic of `partitions`.
 *
 * @example
 * ```ts
 * import { partitionForKey } from "./partitioner.ts";
 * console.log(partitionForKey("user-42", 1)); // 0
 * ```
 */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(encoder.encode(key)) & 0x7fffffff) % partitions;
}

/**
 * Round-robin counters for unkeyed records, one per topic.
 *
 * @example
 * ```ts
 * import { RoundRobin } from "./partitioner.ts";
 * const rr = new RoundRobin();
 * console.log(rr.next("t", 3), rr.next("t", 3), rr.next("t", 3), rr.next("t", 3)); // 0 1 2 0
 * ```
 */
export class RoundRobin {
  #counters = new Map<string, number>();

  /** The next partition of `topic` among `partitions`. */
  next(topic: string, partitions: number): number {
    const n = this.#counters.get(topic) ?? 0;
    this.#counters.set(topic, (n + 1) % 1_000_000_007);
    return n % partitions;
  }
}
