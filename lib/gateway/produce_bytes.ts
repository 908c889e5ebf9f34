/**
 * The fast path of `POST /topics/{topic}`: a produce body read straight from its bytes
 * (`json_bytes.ts`), each record's `value` kept as the client's own bytes.
 *
 * It takes only the common shape, `{"records":[{"value":...,"key"?,"partition"?}, ...]}`
 * with plain keys; for anything else (escaped member names, a `null` or missing value, a
 * partition that is not a plain non-negative integer, invalid JSON) it answers `undefined`
 * and the gateway takes the general path (`JSON.parse` and `parseTopicRecords`), which
 * gives the same records or the error the client must see. The values it keeps are the
 * same JSON as the general path's `JSON.stringify` output, in the client's own tokens:
 * byte for byte when the client wrote them compact (as `JSON.stringify` does), else
 * without the whitespace outside strings (Python's `json.dumps` writes `{"a": 1}`). So a
 * number is kept as written, where `JSON.parse` would round an integer beyond 2^53 and
 * turn `1.0` into `1`.
 *
 * @module
 */

import type { TopicRecordInput } from "../log/types.ts";
import { type JsonBytes, NOT_FAST } from "./json_bytes.ts";
import { readObjectList } from "./json_documents.ts";

const decoder = new TextDecoder();

/** The spans of one record's members (last one wins, as in `JSON.parse`). */
interface RecordSpans {
  /** Start, end, and whether it holds whitespace outside strings. */
  value?: [number, number, boolean];
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
      spans.value = [v, e, json.loose !== loose];
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
  const [v0, v1, loose] = spans.value;
  const rec: TopicRecordInput = {
    value: loose ? json.compact(v0, v1) : bytes.subarray(v0, v1),
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
  const records = readObjectList(bytes, {
    member: "records",
    read: readRecord,
  });
  return records !== undefined && records.length > 0 ? records : undefined;
}
