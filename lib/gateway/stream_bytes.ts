/**
 * The fast path of the Kinesis routes (`PUT /streams/{stream}/record` and `.../records`):
 * bodies read straight from their bytes (`json_bytes.ts`), each `Data` kept as the
 * client's own bytes.
 *
 * It takes only the common shape: `{"Data":...,"PartitionKey":"..."}` (any other members,
 * such as `StreamName`, are skipped) or `{"Records":[{"Data":...,"PartitionKey":"..."},
 * ...]}` with 1 to 500 records, where `Data` is JSON (kept in the client's own tokens,
 * without the whitespace outside strings) or a string without escapes of at most 1,000
 * bytes (a longer one may hold JSON text nested too deep, which the general path
 * refuses), and `PartitionKey` a string
 * without escapes of 1 to 256 characters, within the 1 MiB record limit. For anything else
 * it answers `undefined` and the gateway takes the general path (`JSON.parse` and
 * `parseStreamRecord(s)`), which gives the same records or the error the client must see.
 *
 * @module
 */

import { MAX_JSON_DEPTH } from "../json_depth.ts";
import type { StreamRecordInput } from "../log/types.ts";
import { type JsonBytes, NOT_FAST } from "./json_bytes.ts";
import { readDocument, readObjectList } from "./json_documents.ts";
import { KINESIS_LIMITS } from "./validate.ts";

const decoder = new TextDecoder();

function readStreamRecord(
  json: JsonBytes,
  at: number,
): [StreamRecordInput, number] {
  const bytes = json.bytes;
  let data: [number, number, boolean, boolean] | undefined;
  let key: [number, number, boolean] | undefined;
  const end = json.members(at, (k0, k1, v) => {
    if (json.escaped) throw NOT_FAST;
    const loose = json.loose;
    const e = json.value(v);
    if (json.keyIs(k0, k1, "Data")) {
      data = [v, e, json.escaped, json.loose !== loose];
    } else if (json.keyIs(k0, k1, "PartitionKey")) key = [v, e, json.escaped];
    return e;
  });
  if (data === undefined || key === undefined) throw NOT_FAST;
  const [d0, d1, dataEscaped, dataLoose] = data;
  const [p0, p1, keyEscaped] = key;
  if (bytes[d0] === 0x6e || (bytes[d0] === 0x22 && dataEscaped)) throw NOT_FAST;
  // A string Data long enough to nest too deep as JSON text: the general path checks it.
  if (bytes[d0] === 0x22 && d1 - d0 - 2 > MAX_JSON_DEPTH) throw NOT_FAST;
  if (bytes[p0] !== 0x22 || keyEscaped) throw NOT_FAST;
  // A string Data is stored as the string itself, anything else as its JSON text
  // (compacted, in the client's own tokens, when it holds whitespace).
  const value = bytes[d0] === 0x22
    ? bytes.subarray(d0 + 1, d1 - 1)
    : dataLoose
    ? json.compact(d0, d1)
    : bytes.subarray(d0, d1);
  const partitionKey = decoder.decode(bytes.subarray(p0 + 1, p1 - 1));
  const n = partitionKey.length;
  if (n === 0 || n > KINESIS_LIMITS.partitionKey) throw NOT_FAST;
  if (value.byteLength + (p1 - p0 - 2) > KINESIS_LIMITS.recordBytes) {
    throw NOT_FAST;
  }
  return [{ data: value, partitionKey }, end];
}

/**
 * The record of a PutRecord body read from its bytes, or `undefined` when the body is not
 * of the common shape and must be parsed in full.
 *
 * @example
 * ```ts
 * import { scanStreamRecord } from "./stream_bytes.ts";
 * const body = new TextEncoder().encode('{"StreamName":"s","Data":{"a":1},"PartitionKey":"p"}');
 * const rec = scanStreamRecord(body)!;
 * console.log(new TextDecoder().decode(rec.data), rec.partitionKey); // {"a":1} p
 * ```
 */
export function scanStreamRecord(
  bytes: Uint8Array,
): StreamRecordInput | undefined {
  return readDocument(bytes, readStreamRecord);
}

/**
 * The records of a PutRecords body read from its bytes, or `undefined` when the body is
 * not of the common shape and must be parsed in full.
 *
 * @example
 * ```ts
 * import { scanStreamRecords } from "./stream_bytes.ts";
 * const body = new TextEncoder().encode('{"Records":[{"Data":"x","PartitionKey":"p"}]}');
 * console.log(scanStreamRecords(body)?.length); // 1
 * ```
 */
export function scanStreamRecords(
  bytes: Uint8Array,
): StreamRecordInput[] | undefined {
  const records = readObjectList(bytes, {
    member: "Records",
    read: readStreamRecord,
  });
  const n = records?.length ?? 0;
  return n > 0 && n <= KINESIS_LIMITS.records ? records : undefined;
}
