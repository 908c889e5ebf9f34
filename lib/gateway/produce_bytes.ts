/**
 * The fast path of `POST /topics/{topic}`: a produce body read straight from its bytes
 * (`json_bytes.ts`), each record's `value` kept as the client's own bytes.
 *
 * It takes only the common shape, `{"records":[{"value":...,"key"?,"partition"?}, ...]}`
 * with compact values (no whitespace outside strings, as `JSON.stringify` writes them) and
 * plain keys; for anything else (indented values, escaped member names, a `null` or
 * missing value, a partition that is not a plain non-negative integer, invalid JSON) it
 * answers `undefined` and the gateway takes the general path (`JSON.parse` and
 * `parseTopicRecords`), which gives the same records or the error the client must see.
 * The values it keeps are the same JSON as the general path's `JSON.stringify` output
 * (byte for byte when the client wrote them with `JSON.stringify`).
 *
 * @module
 */

import type { TopicRecordInput } from "../log/types.ts";
import { type JsonBytes, NOT_FAST, readObjectList } from "./json_bytes.ts";

const decoder = new TextDecoder();

/** The spans of one record's members (last one wins, as in `JSON.parse`). */
interface RecordSpans {
  value?: [number, number];
  key?: [number, number, boolean];
  partition?: [number, number];
}

function readRecord(json: JsonBytes, at: number): [TopicRecordInput, number] {
  const spans: RecordSpans = {};
  const end = json.members(at, (k0, k1, v) => {
    if (json.escaped) throw NOT_FAST;
    if (json.keyIs(k0, k1, "value")) {
      const loose = json.loose;
      const e = json.value(v);
      if (json.loose !== loose) throw NOT_FAST;
      spans.value = [v, e];
      return e;
    }
    const e = json.value(v);
    if (json.keyIs(k0, k1, "key")) spans.key = [v, e, json.escaped];
    else if (json.keyIs(k0, k1, "partition")) spans.partition = [v, e];
    return e;
  });
  const bytes = json.bytes;
  if (spans.value === undefined || bytes[spans.value[0]] === 0x6e) {
    throw NOT_FAST; // missing or null: the general path says so
  }
  const rec: TopicRecordInput = {
    value: bytes.subarray(spans.value[0], spans.value[1]),
  };
  if (spans.key) {
    const [s, e, escaped] = spans.key;
    if (bytes[s] === 0x22 && !escaped) {
      rec.key = decoder.decode(bytes.subarray(s + 1, e - 1));
    } else if (bytes[s] !== 0x6e) {
      // Rare: an escaped or non-string key, exactly as the general path has it.
      const parsed = JSON.parse(decoder.decode(bytes.subarray(s, e)));
      rec.key = typeof parsed === "string" ? parsed : JSON.stringify(parsed);
    }
  }
  if (spans.partition) {
    const [s, e] = spans.partition;
    if (bytes[s] !== 0x6e) {
      const text = decoder.decode(bytes.subarray(s, e));
      if (!/^(0|[1-9][0-9]{0,8})$/.test(text)) throw NOT_FAST;
      rec.partition = Number(text);
    }
  }
  return [rec, end];
}

/**
 * The records of a produce body read from its bytes, or `undefined` when the body is not
 * of the common shape (see the module documentation) and must be parsed in full.
 *
 * @example
 * ```ts
 * import { scanTopicRecords } from "./produce_bytes.ts";
 * const body = new TextEncoder().encode('{"records":[{"value":{"a":1},"key":"k"}]}');
 * const [rec] = scanTopicRecords(body)!;
 * console.log(new TextDecoder().decode(rec.value), rec.key); // {"a":1} k
 * ```
 */
export function scanTopicRecords(
  bytes: Uint8Array,
): TopicRecordInput[] | undefined {
  const records = readObjectList(bytes, "records", readRecord);
  return records !== undefined && records.length > 0 ? records : undefined;
}
