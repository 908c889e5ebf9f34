/**
 * PutRecords in chunks Kinesis accepts (at most 500 records and 5 MiB, partition keys
 * included) with per-record failure handling: the entries that failed with a transient
 * error (throttling, internal failure) are sent again, alone, with exponential backoff and
 * jitter, a bounded number of times; what still fails is reported in the results, in input
 * order. Records that succeeded are never sent twice.
 *
 * @module
 */
import type { PutRecordResult, StreamRecordInput } from "../../log/types.ts";
import { BackendError } from "../../errors.ts";
import {
  awsErrorName,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
} from "./sdk.ts";

/**
 * Sends one PutRecords request and returns its `Records` (one entry per request entry).
 *
 * @example
 * ```ts
 * import { type PutBatch, putWithRetry } from "./put_records.ts";
 * const send: PutBatch = async (entries) =>
 *   entries.map((_, i) => ({ ShardId: "shardId-000000000000", SequenceNumber: String(i + 1) }));
 * const results = await putWithRetry(send, [{ data: new Uint8Array([1]), partitionKey: "k" }]);
 * console.log(results); // [{ shardId: "shardId-000000000000", sequenceNumber: "1" }]
 * ```
 */
export type PutBatch = (
  entries: PutRecordsRequestEntry[],
) => Promise<PutRecordsResultEntry[]>;

/**
 * Options of {@linkcode putWithRetry}.
 *
 * @example
 * ```ts
 * import { putWithRetry, type PutRetryOptions } from "./put_records.ts";
 * const waits: number[] = [];
 * const options: PutRetryOptions = { maxRetries: 2, baseDelayMs: 50, sleep: async (ms) => void waits.push(ms) };
 * const results = await putWithRetry(
 *   async (entries) => entries.map(() => ({ ErrorCode: "InternalFailure", ErrorMessage: "busy" })),
 *   [{ data: new Uint8Array([1]), partitionKey: "k" }],
 *   options,
 * );
 * console.log(waits.length, results); // 2 [{ errorCode: "InternalFailure", errorMessage: "busy" }]
 * ```
 */
export interface PutRetryOptions {
  /** How many times failed entries are sent again (default 5). */
  maxRetries?: number;
  /** First backoff delay in ms, doubled per retry (default 100). */
  baseDelayMs?: number;
  /** Longest backoff delay in ms (default 2000). */
  maxDelayMs?: number;
  /** Waits between retries (default `setTimeout`); tests pass a recorder. */
  sleep?: (ms: number) => Promise<void>;
  /** Most records per request (default 500, the Kinesis limit). */
  maxRecords?: number;
  /** Most bytes (data + partition keys) per request (default 5 MiB, the Kinesis limit). */
  maxBytes?: number;
}

/**
 * Per-record error codes worth sending again.
 *
 * @example
 * ```ts
 * import { RETRYABLE_CODES } from "./put_records.ts";
 * console.log(RETRYABLE_CODES.has("ProvisionedThroughputExceededException")); // true
 * console.log(RETRYABLE_CODES.has("AccessDeniedException")); // false
 * ```
 */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set([
  "ProvisionedThroughputExceededException",
  "InternalFailure",
  "KMSThrottlingException",
]);

/**
 * The Kinesis PutRecords limits: 500 records and 5 MiB (data plus partition keys) per call.
 *
 * @example
 * ```ts
 * import { PUT_RECORDS_LIMITS } from "./put_records.ts";
 * console.log(PUT_RECORDS_LIMITS.maxRecords); // 500
 * ```
 */
export const PUT_RECORDS_LIMITS: Readonly<
  { maxRecords: number; maxBytes: number }
> = Object.freeze({ maxRecords: 500, maxBytes: 5 * 1024 * 1024 });

const enc = new TextEncoder();

/** Why Kinesis would reject the whole request for this record, or `null`. */
function recordProblem(r: StreamRecordInput): string | null {
  if (!r || !(r.data instanceof Uint8Array)) return "Data must be bytes";
  if (typeof r.partitionKey !== "string") {
    return "PartitionKey must be a string";
  }
  // In UTF-16 code units, as kinesis-mock, the embedded log and the gateway count (an emoji is 2).
  const chars = r.partitionKey.length;
  if (chars < 1 || chars > 256) {
    return "PartitionKey must have 1 to 256 characters";
  }
  return null;
}

/**
 * Splits entry indexes into requests of at most `maxRecords` records and `maxBytes` bytes
 * (a single larger record goes alone).
 *
 * @example
 * ```ts
 * import { chunkIndexes } from "./put_records.ts";
 * console.log(chunkIndexes([10, 10, 10], { maxRecords: 2, maxBytes: 100 })); // [[0, 1], [2]]
 * ```
 */
export function chunkIndexes(
  sizes: number[],
  limits: { maxRecords: number; maxBytes: number },
): number[][] {
  const chunks: number[][] = [];
  let chunk: number[] = [];
  let bytes = 0;
  sizes.forEach((size, i) => {
    if (
      chunk.length > 0 &&
      (chunk.length >= limits.maxRecords || bytes + size > limits.maxBytes)
    ) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(i);
    bytes += size;
  });
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * Puts `records` through `send`, retrying only failed entries, and returns one result per
 * record in input order. Invalid records (empty or too long partition key) are not sent;
 * their result says why, as a per-record `InvalidArgumentException`. A request that fails
 * as a whole throws, unless records were put already: then each of its records fails with
 * the request's error (`ResourceNotFoundException`, ...), so the put ones are not hidden.
 *
 * @example
 * ```ts
 * import { putWithRetry } from "./put_records.ts";
 * let n = 0;
 * const results = await putWithRetry(
 *   async (entries) => entries.map(() => ({ ShardId: "shardId-000000000000", SequenceNumber: String(++n) })),
 *   [{ data: new Uint8Array([1]), partitionKey: "k" }],
 * );
 * console.log(results); // [{ shardId: "shardId-000000000000", sequenceNumber: "1" }]
 * ```
 */
export async function putWithRetry(
  send: PutBatch,
  records: StreamRecordInput[],
  options: PutRetryOptions = {},
): Promise<PutRecordResult[]> {
  const maxRetries = options.maxRetries ?? 5;
  const base = options.baseDelayMs ?? 100;
  const maxDelay = options.maxDelayMs ?? 2000;
  const sleep = options.sleep ??
    ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const limits = {
    maxRecords: options.maxRecords ?? PUT_RECORDS_LIMITS.maxRecords,
    maxBytes: options.maxBytes ?? PUT_RECORDS_LIMITS.maxBytes,
  };
  const results: (PutRecordResult | undefined)[] = records.map((r) => {
    const problem = recordProblem(r);
    return problem === null
      ? undefined
      : { errorCode: "InvalidArgumentException", errorMessage: problem };
  });
  const entries = records.map((r) => ({
    Data: r?.data,
    PartitionKey: r?.partitionKey,
  }));
  const sizes = records.map((r, i) =>
    results[i] ? 0 : r.data.byteLength + enc.encode(r.partitionKey).byteLength
  );
  let pending = records.map((_, i) => i).filter((i) => !results[i]);
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) {
      const delay = Math.min(maxDelay, base * 2 ** (attempt - 1));
      await sleep(Math.round(delay * (0.5 + Math.random() / 2)));
    }
    const failed: number[] = [];
    const last = attempt >= maxRetries;
    for (const chunk of chunkIndexes(pending.map((i) => sizes[i]), limits)) {
      const ids = chunk.map((k) => pending[k]);
      let out: PutRecordsResultEntry[];
      try {
        out = await send(ids.map((i) => entries[i]));
      } catch (e) {
        // Once records are put, a failed request must not hide them (a caller retrying the
        // put would put them twice): its own records fail, each with the request's error.
        if (!results.some((r) => r !== undefined && "shardId" in r)) throw e;
        const errorCode = awsErrorName(e) || "InternalFailure";
        const errorMessage = String((e as Error)?.message ?? e);
        for (const i of ids) results[i] = { errorCode, errorMessage };
        continue;
      }
      if (out.length !== ids.length) {
        throw new BackendError(
          "kinesis",
          `PutRecords answered ${out.length} results for ${ids.length} records`,
          { context: { sent: ids.length, answered: out.length } },
        );
      }
      out.forEach((res, k) => {
        const i = ids[k];
        if (!res.ErrorCode && res.SequenceNumber && res.ShardId) {
          results[i] = {
            shardId: res.ShardId,
            sequenceNumber: res.SequenceNumber,
          };
        } else if (!last && RETRYABLE_CODES.has(res.ErrorCode ?? "")) {
          failed.push(i);
        } else {
          results[i] = {
            errorCode: res.ErrorCode ?? "InternalFailure",
            errorMessage: res.ErrorMessage ?? "no sequence number returned",
          };
        }
      });
    }
    pending = failed;
  }
  return results as PutRecordResult[];
}
