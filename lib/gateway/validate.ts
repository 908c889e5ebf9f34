/**
 * Validation of request bodies into log inputs. A whole body is validated before anything
 * is appended, so a rejected request appends nothing.
 *
 * Values nested deeper than 1,000 levels are refused (deeper ones would crash the cleaners'
 * JSON reader, see `lib/json_depth.ts`). Values are stored as the UTF-8 JSON text of the REST
 * Proxy `value` (re-serialised with `JSON.stringify`, so whitespace is normalised); the
 * gateway's fast path (`produce_bytes.ts`) keeps compact values as the client's own bytes
 * instead. Kinesis `Data` is stored as the JSON text of `Data`, as the course's mapping
 * template `$util.base64Encode($input.json('$.Data'))` does, except that a string `Data` is
 * stored as the string itself.
 *
 * @module
 */

import { jsonDepthExceeds, MAX_JSON_DEPTH } from "../json_depth.ts";
import type { StreamRecordInput, TopicRecordInput } from "../log/types.ts";
import { InvalidBodyError } from "./errors.ts";

const encoder = new TextEncoder();

/**
 * Kinesis limits: records per PutRecords, partition key length, bytes per record (Data +
 * PartitionKey) and per PutRecords request (the records' Data + PartitionKey, 5 MiB).
 *
 * @example
 * ```ts
 * import { KINESIS_LIMITS } from "./validate.ts";
 * console.log(KINESIS_LIMITS.records, KINESIS_LIMITS.requestBytes); // 500 5242880
 * ```
 */
export const KINESIS_LIMITS = {
  records: 500,
  partitionKey: 256,
  recordBytes: 1_048_576,
  requestBytes: 5_242_880,
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function fail(message: string): never {
  throw new InvalidBodyError(message, { errorCode: 42202 });
}

/**
 * A `\uD800`-`\uDFFF` escape not preceded by a backslash of its own: in `JSON.stringify`'s
 * output, which writes paired surrogates as characters, only a lone one is escaped.
 */
const LONE_SURROGATE_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u[dD][89a-fA-F]/;

/**
 * `text`, unless it nests deeper than the cleaners can parse (see `lib/json_depth.ts`) or
 * holds half a surrogate pair, which the batch's JSON reader turns into another character.
 * `json`: whether `text` is JSON (its strings' lone surrogates escaped) or plain text.
 */
function checkedText(text: string, where: string, json: boolean): string {
  if (jsonDepthExceeds(text)) {
    fail(
      `${where} is nested deeper than ${MAX_JSON_DEPTH} levels; flatten it (a Pinterest post nests one level).`,
    );
  }
  const lone = json
    ? text.includes("\\u") && LONE_SURROGATE_ESCAPE.test(text)
    : !text.isWellFormed();
  if (lone) {
    fail(
      `${where} holds a lone UTF-16 surrogate escape, which is no character (the cleaners ` +
        "would read another one); send the text as valid Unicode.",
    );
  }
  return text;
}

/**
 * Turns a REST Proxy v2 produce body `{"records":[{"key"?, "value", "partition"?}]}` into
 * log records. A string key is kept as is; any other JSON key is stored as its JSON text.
 *
 * @example
 * ```ts
 * import { parseTopicRecords } from "./validate.ts";
 * const [rec] = parseTopicRecords({ records: [{ value: { a: 1 } }] });
 * console.log(new TextDecoder().decode(rec.value)); // {"a":1}
 * ```
 */
export function parseTopicRecords(body: unknown): TopicRecordInput[] {
  if (!isObject(body) || !Array.isArray(body.records)) {
    fail(
      'Body must be a JSON object with a "records" array: {"records":[{"value":{...}}]}.',
    );
  }
  if (body.records.length === 0) {
    fail('"records" must hold at least one record.');
  }
  return body.records.map((rec: unknown, i: number) => {
    if (!isObject(rec)) fail(`records[${i}] must be an object with a "value".`);
    if (rec.value === undefined || rec.value === null) {
      fail(`records[${i}] has no "value"; every record needs a JSON value.`);
    }
    const out: TopicRecordInput = {
      value: encoder.encode(
        checkedText(JSON.stringify(rec.value), `records[${i}].value`, true),
      ),
    };
    if (rec.key !== undefined && rec.key !== null) {
      out.key = typeof rec.key === "string" ? rec.key : JSON.stringify(rec.key);
    }
    if (rec.partition !== undefined && rec.partition !== null) {
      const p = rec.partition;
      if (typeof p !== "number" || !Number.isInteger(p) || p < 0) {
        fail(
          `records[${i}].partition must be a non-negative integer, got ${
            JSON.stringify(p)
          }.`,
        );
      }
      out.partition = p;
    }
    return out;
  });
}

function streamRecord(rec: unknown, where: string): StreamRecordInput {
  if (!isObject(rec)) {
    fail(`${where} must be an object with "Data" and "PartitionKey".`);
  }
  if (rec.Data === undefined || rec.Data === null) {
    fail(`${where} has no "Data".`);
  }
  const key = rec.PartitionKey;
  if (typeof key !== "string" || key.length === 0) {
    fail(`${where} needs a non-empty string "PartitionKey".`);
  }
  if (key.length > KINESIS_LIMITS.partitionKey) {
    fail(
      `${where}.PartitionKey is longer than ${KINESIS_LIMITS.partitionKey} characters.`,
    );
  }
  const json = typeof rec.Data !== "string";
  const text = json ? JSON.stringify(rec.Data) : rec.Data as string;
  const data = encoder.encode(checkedText(text, `${where}.Data`, json));
  if (
    data.byteLength + encoder.encode(key).byteLength >
      KINESIS_LIMITS.recordBytes
  ) {
    fail(
      `${where} is larger than ${KINESIS_LIMITS.recordBytes} bytes (Data + PartitionKey).`,
    );
  }
  return { data, partitionKey: key };
}

/**
 * Validates a PutRecord body `{"StreamName"?, "Data", "PartitionKey"}`. The stream is the
 * one in the path (as in the course's API Gateway mapping); a body `StreamName` is ignored.
 *
 * @example
 * ```ts
 * import { parseStreamRecord } from "./validate.ts";
 * const rec = parseStreamRecord({ StreamName: "s", Data: { a: 1 }, PartitionKey: "p" });
 * console.log(rec.partitionKey); // p
 * ```
 */
export function parseStreamRecord(body: unknown): StreamRecordInput {
  return streamRecord(body, "Body");
}

/**
 * Validates a PutRecords body `{"StreamName"?, "Records":[{"Data","PartitionKey"}]}`
 * (1 to 500 records).
 *
 * @example
 * ```ts
 * import { parseStreamRecords } from "./validate.ts";
 * const recs = parseStreamRecords({ Records: [{ Data: "x", PartitionKey: "p" }] });
 * console.log(recs.length); // 1
 * ```
 */
export function parseStreamRecords(body: unknown): StreamRecordInput[] {
  if (!isObject(body) || !Array.isArray(body.Records)) {
    fail(
      'Body must be a JSON object with a "Records" array of {"Data","PartitionKey"}.',
    );
  }
  const n = body.Records.length;
  if (n === 0 || n > KINESIS_LIMITS.records) {
    fail(
      `"Records" must hold 1 to ${KINESIS_LIMITS.records} records, got ${n}.`,
    );
  }
  return body.Records.map((rec: unknown, i: number) =>
    streamRecord(rec, `Records[${i}]`)
  );
}

/**
 * Validates a create-stream body `{"ShardCount"?: n}` (empty body: 1 shard).
 *
 * @example
 * ```ts
 * import { parseCreateStream } from "./validate.ts";
 * console.log(parseCreateStream({ ShardCount: 2 })); // 2
 * console.log(parseCreateStream(undefined)); // 1
 * ```
 */
export function parseCreateStream(body: unknown): number {
  if (body === undefined) return 1;
  if (!isObject(body)) {
    fail('Body must be a JSON object like {"ShardCount": 1}.');
  }
  const n = body.ShardCount ?? 1;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    fail(
      `ShardCount must be a positive integer, got ${JSON.stringify(n)}.`,
    );
  }
  return n;
}

/**
 * Refuses (422 42202) PutRecords records whose Data and PartitionKey bytes add up to more
 * than Kinesis takes in one request (5 MiB), as Kinesis does, so that a client that works
 * here does not fail on AWS. Each record is within its own 1 MiB already.
 *
 * @example
 * ```ts
 * import { checkPutRecordsBytes } from "./validate.ts";
 * const data = new Uint8Array(1024);
 * checkPutRecordsBytes([{ data, partitionKey: "p" }]); // passes
 * ```
 */
export function checkPutRecordsBytes(records: StreamRecordInput[]): void {
  let bytes = 0;
  let keyUnits = 0;
  for (const r of records) {
    bytes += r.data.byteLength;
    keyUnits += r.partitionKey.length;
  }
  // A UTF-16 unit takes at most 3 UTF-8 bytes: a request well below the limit passes
  // without encoding its keys (which cost 60% of the fast path's scan of 500 records).
  if (bytes + 3 * keyUnits <= KINESIS_LIMITS.requestBytes) return;
  for (const r of records) bytes += encoder.encode(r.partitionKey).byteLength;
  if (bytes > KINESIS_LIMITS.requestBytes) {
    fail(
      `"Records" hold ${bytes} bytes (Data + PartitionKey); a PutRecords request holds at most ${KINESIS_LIMITS.requestBytes} (5 MiB), as Kinesis takes: send fewer records per request.`,
    );
  }
}
