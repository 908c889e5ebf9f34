/**
 * The checks every topic log applies to an append before writing anything, so that a bad
 * record is refused with the same message on every tier (embedded or Kafka).
 *
 * @module
 */
import { InvalidArgumentError } from "./errors.ts";
import type { TopicRecordInput } from "./types.ts";

/**
 * Throws `InvalidArgumentError` unless `records` is an array whose every record has a
 * `Uint8Array` value and a string (or absent, or null) key.
 *
 * @example
 * ```ts
 * import { checkTopicRecords } from "./record_checks.ts";
 * checkTopicRecords([{ value: new Uint8Array([123, 125]), key: "1" }]); // fine
 * try {
 *   checkTopicRecords([{ value: "{}" as unknown as Uint8Array }]);
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // Invalid records[0].value: must be a Uint8Array (the JSON text of the value)
 * }
 * ```
 */
export function checkTopicRecords(records: TopicRecordInput[]): void {
  if (!Array.isArray(records)) {
    throw new InvalidArgumentError(
      "records",
      "must be an array",
      typeof records,
    );
  }
  records.forEach((r, i) => {
    if (!r || !(r.value instanceof Uint8Array)) {
      throw new InvalidArgumentError(
        `records[${i}].value`,
        "must be a Uint8Array (the JSON text of the value)",
      );
    }
    if (r.key !== undefined && r.key !== null && typeof r.key !== "string") {
      throw new InvalidArgumentError(
        `records[${i}].key`,
        "must be a string or null",
      );
    }
  });
}
