/**
 * The checks every topic log applies to an append before writing anything, so that a bad
 * record is refused with the same message on every tier (embedded or Kafka).
 *
 * @module
 */
import { InvalidArgumentError } from "./errors.ts";
import type { TopicRecordInput } from "./types.ts";

/**
 * The most bytes one topic record may hold, value plus key (UTF-8): 1,000,000. A Kafka broker
 * takes record batches of at most 1,048,588 bytes by default (`message.max.bytes`), framing
 * included, so every tier refuses a larger record alike, before writing anything.
 *
 * @example
 * ```ts
 * import { MAX_TOPIC_RECORD_BYTES } from "./record_checks.ts";
 * console.log(MAX_TOPIC_RECORD_BYTES); // 1000000
 * ```
 */
export const MAX_TOPIC_RECORD_BYTES = 1_000_000;

const encoder = new TextEncoder();

/**
 * Throws `InvalidArgumentError` unless `records` is an array whose every record has a
 * `Uint8Array` value and a string (or absent, or null) key, together at most
 * {@linkcode MAX_TOPIC_RECORD_BYTES}.
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
    throw new InvalidArgumentError("records", "must be an array", {
      value: typeof records,
    });
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
    // A UTF-16 unit takes at most 3 UTF-8 bytes: most keys need no encoding to pass.
    const keyMax = (r.key?.length ?? 0) * 3;
    if (r.value.byteLength + keyMax > MAX_TOPIC_RECORD_BYTES) {
      const bytes = r.value.byteLength +
        (r.key ? encoder.encode(r.key).byteLength : 0);
      if (bytes > MAX_TOPIC_RECORD_BYTES) {
        throw new InvalidArgumentError(
          `records[${i}]`,
          `holds ${bytes} bytes (value + key); a topic record holds at most ${MAX_TOPIC_RECORD_BYTES}, as a Kafka broker takes by default`,
        );
      }
    }
  });
}
