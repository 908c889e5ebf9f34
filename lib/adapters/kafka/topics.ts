/**
 * Placement for the Kafka adapter's append path: the same partition choice as the embedded
 * log (explicit partition, else the key's murmur2
 * hash, else round robin), so a record lands in the same partition on either tier.
 *
 * @module
 */
import { TopicNotFoundError } from "../../errors.ts";
import { InvalidPartitionError } from "../../log/errors.ts";
import type { TopicRecordInput } from "../../log/types.ts";
import type { PlacedRecord } from "./producer.ts";

/**
 * The partition count of `topic` in `known`, or `TopicNotFoundError`.
 *
 * @example
 * ```ts
 * import { partitionsOf } from "./topics.ts";
 * console.log(partitionsOf(new Map([["demo.pin", 3]]), "demo.pin")); // 3
 * ```
 */
export function partitionsOf(
  known: Map<string, number>,
  topic: string,
): number {
  const n = known.get(topic);
  if (n === undefined) {
    throw new TopicNotFoundError(topic, { context: { backend: "kafka" } });
  }
  return n;
}

/**
 * Options of {@linkcode placeRecords}.
 *
 * @example
 * ```ts
 * import { placeRecords, type PlaceRecordsOptions } from "./topics.ts";
 * import { partitionForKey } from "../../log/partitioner.ts";
 * const options: PlaceRecordsOptions = { partitions: 4, roundRobin: new Map(), hash: partitionForKey };
 * const placed = placeRecords("demo.pin", [{ value: new Uint8Array([1]), partition: 3 }], options);
 * console.log(placed[0].partition); // 3
 * ```
 */
export interface PlaceRecordsOptions {
  /** The topic's partition count. */
  partitions: number;
  /** The round-robin counter per topic, kept by the caller from one call to the next. */
  roundRobin: Map<string, number>;
  /** The partition of a key (Kafka's default partitioner: murmur2). */
  hash: (key: string, partitions: number) => number;
}

/**
 * Chooses each record's partition: explicit (validated), else `hash(key)`, else round robin
 * per topic (the counter lives in `roundRobin`).
 *
 * @example
 * ```ts
 * import { placeRecords } from "./topics.ts";
 * import { partitionForKey } from "../../log/partitioner.ts";
 * const v = new Uint8Array([123, 125]);
 * const placed = placeRecords("t", [{ value: v }, { value: v }], {
 *   partitions: 2,
 *   roundRobin: new Map(),
 *   hash: partitionForKey,
 * });
 * console.log(placed.map((p) => p.partition)); // [0, 1]
 * ```
 */
export function placeRecords(
  topic: string,
  records: TopicRecordInput[],
  options: PlaceRecordsOptions,
): PlacedRecord[] {
  const { partitions, roundRobin: rr, hash } = options;
  return records.map((r) => {
    const key = r.key ?? null;
    if (r.partition !== undefined && r.partition !== null) {
      if (
        !Number.isInteger(r.partition) || r.partition < 0 ||
        r.partition >= partitions
      ) {
        throw new InvalidPartitionError(topic, r.partition, { partitions });
      }
      return { partition: r.partition, key, value: r.value };
    }
    if (key !== null) {
      return { partition: hash(key, partitions), key, value: r.value };
    }
    const next = rr.get(topic) ?? 0;
    rr.set(topic, (next + 1) % partitions);
    return { partition: next % partitions, key, value: r.value };
  });
}
