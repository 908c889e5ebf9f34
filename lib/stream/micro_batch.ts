/**
 * Cleaning of one micro-batch: stream records (their `data` is the JSON text of the posted
 * Kinesis `Data`) through the shared cleaners of `lib/clean`, into the rows of the stream
 * tables. Stream tables are append-only: no dedup, one row per record.
 *
 * Every row carries, after the clean columns, `_shard_id` and `_sequence_number`
 * (text): the log position of the record it came from. They make exactly-once checkable
 * (each pair appears once across a table) and let a reader join rows back to the log.
 *
 * @module
 */

import type { StreamRecord } from "../log/types.ts";
import {
  cleanGeo,
  cleanPin,
  type CleanResult,
  cleanUser,
  type DataFrame,
  decodeUtf8,
  parseRawRecords,
  pl,
  rawFrame,
} from "../clean/mod.ts";
import { PipelineError } from "../errors.ts";

/**
 * The three kinds of posted records, one stream each.
 *
 * @example
 * ```ts
 * import type { PostKind } from "./micro_batch.ts";
 * import { STREAM_TABLE_NAMES } from "./micro_batch.ts";
 * const kind: PostKind = "geo";
 * console.log(`streaming-demo-${kind}`, STREAM_TABLE_NAMES[kind]); // streaming-demo-geo stream_geo
 * ```
 */
export type PostKind = "pin" | "geo" | "user";

/**
 * The kinds in processing order.
 *
 * @example
 * ```ts
 * import { POST_KINDS } from "./micro_batch.ts";
 * console.log(POST_KINDS.map((kind) => `streaming-pinterest-${kind}`).join(" "));
 * // streaming-pinterest-pin streaming-pinterest-geo streaming-pinterest-user
 * ```
 */
export const POST_KINDS: readonly PostKind[] = ["pin", "geo", "user"];

/**
 * Table name per kind, and the quarantine table.
 *
 * @example
 * ```ts
 * import { STREAM_TABLE_NAMES } from "./micro_batch.ts";
 * console.log(Object.values(STREAM_TABLE_NAMES).join(" ")); // stream_pin stream_geo stream_user stream_quarantine
 * ```
 */
export const STREAM_TABLE_NAMES = {
  pin: "stream_pin",
  geo: "stream_geo",
  user: "stream_user",
  quarantine: "stream_quarantine",
} as const;

/**
 * Names of the four stream tables.
 *
 * @example
 * ```ts
 * import { emptyStreamTable, type StreamTableName } from "./micro_batch.ts";
 * const table: StreamTableName = "stream_quarantine";
 * console.log(emptyStreamTable(table).height); // 0
 * ```
 */
export type StreamTableName =
  (typeof STREAM_TABLE_NAMES)[keyof typeof STREAM_TABLE_NAMES];

/**
 * The log-position columns appended to every stream table.
 *
 * @example
 * ```ts
 * import { emptyStreamTable, KEY_COLUMNS } from "./micro_batch.ts";
 * console.log(emptyStreamTable("stream_geo").columns.slice(-2).join() === KEY_COLUMNS.join()); // true
 * ```
 */
export const KEY_COLUMNS = ["_shard_id", "_sequence_number"] as const;

const CLEANERS: Record<PostKind, (df: DataFrame, o: object) => CleanResult> = {
  pin: cleanPin,
  geo: cleanGeo,
  user: cleanUser,
};

/**
 * Options of {@linkcode cleanMicroBatch}.
 *
 * @example
 * ```ts
 * import { cleanMicroBatch, type CleanMicroBatchOptions } from "./micro_batch.ts";
 * const options: CleanMicroBatchOptions = { tempDir: await Deno.makeTempDir() };
 * const out = await cleanMicroBatch({ pin: [], geo: [], user: [] }, options);
 * console.log(out.stream_pin.height, out.stream_quarantine.height); // 0 0
 * ```
 */
export interface CleanMicroBatchOptions {
  /**
   * Directory of the scratch file polars parses each kind's records from; default a fresh
   * temp dir per kind, removed after.
   */
  tempDir?: string;
}

/**
 * Cleans one micro-batch. Returns a frame per stream table (possibly empty); rows keep the
 * records' order. Records that cannot be cleaned (not JSON, missing `ind`, bad number or
 * date, empty, aggregated by the KPL) become `stream_quarantine` rows: `table`, `reason`, `raw`, then the keys.
 *
 * @example
 * ```ts
 * import { cleanMicroBatch } from "./micro_batch.ts";
 * const rec = (data: string, seq: string) => ({
 *   stream: "streaming-demo-user", shardId: "shardId-000000000000", sequenceNumber: seq,
 *   partitionKey: "k", arrivalTimestamp: 0, data: new TextEncoder().encode(data),
 * });
 * const out = await cleanMicroBatch({ pin: [], geo: [], user: [
 *   rec('{"ind":1,"first_name":"Ada","last_name":"L","age":36,"date_joined":"2016-05-01 10:00:00"}', "1"),
 *   rec("{oops", "2"),
 * ] });
 * console.log(out.stream_user.height, out.stream_quarantine.height); // 1 1
 * ```
 */
export async function cleanMicroBatch(
  records: Record<PostKind, readonly StreamRecord[]>,
  options: CleanMicroBatchOptions = {},
): Promise<Record<StreamTableName, DataFrame>> {
  const out = {} as Record<StreamTableName, DataFrame>;
  const quarantine: DataFrame[] = [];
  for (const kind of POST_KINDS) {
    const { clean, rejected } = await cleanKind(kind, records[kind], options);
    out[STREAM_TABLE_NAMES[kind]] = clean;
    quarantine.push(rejected);
  }
  out.stream_quarantine = pl.concat(quarantine, { how: "vertical" });
  return out;
}

/**
 * An empty frame with the columns and types of a stream table.
 *
 * @example
 * ```ts
 * import { emptyStreamTable } from "./micro_batch.ts";
 * console.log(emptyStreamTable("stream_user").columns);
 * // ["ind", "user_name", "age", "date_joined", "_shard_id", "_sequence_number"]
 * ```
 */
export function emptyStreamTable(name: StreamTableName): DataFrame {
  if (name === STREAM_TABLE_NAMES.quarantine) return quarantineFrame([], []);
  const kind = POST_KINDS.find((k) => STREAM_TABLE_NAMES[k] === name)!;
  return withKeys(CLEANERS[kind](rawFrame(kind, []), {}).clean, []);
}

interface Rejected {
  table: PostKind;
  reason: string;
  raw: string;
  /** Index of the record in the batch. */
  at: number;
}

async function cleanKind(
  kind: PostKind,
  records: readonly StreamRecord[],
  options: CleanMicroBatchOptions,
) {
  // A kind without records has nothing to parse or clean: its frames are the empty tables.
  if (records.length === 0) {
    return {
      clean: emptyStreamTable(STREAM_TABLE_NAMES[kind]),
      rejected: quarantineFrame([], []),
    };
  }
  const { texts: lines, invalidUtf8 } = decodeUtf8(records.map((r) => r.data));
  const rejected: Rejected[] = [];
  // Records rejected here; the parser gets a blank line for each, which it skips (its
  // notion of blank is narrower than trim(): "\u00a0" would come back as malformed JSON).
  const own = new Set<number>();
  // Where each distinct line text occurs, in order: quarantine rows name their record by text.
  const byText = new Map<string, number[]>();
  lines.forEach((line, i) => {
    // Not UTF-8 is told here by index: its lenient text may equal another record's.
    const reason = isKplAggregated(records[i].data)
      ? KPL_AGGREGATED
      : invalidUtf8.has(i)
      ? "malformed UTF-8"
      : line.trim() === ""
      ? "empty record"
      : undefined;
    if (reason) {
      own.add(i);
      rejected.push({ table: kind, reason, raw: line, at: i });
    } else {
      const at = byText.get(line);
      if (at) at.push(i);
      else byText.set(line, [i]);
    }
  });
  const parsed = await parseRawRecords(
    kind,
    lines.map((line, i) => own.has(i) ? "" : line),
    { tempDir: options.tempDir },
  );
  const result = CLEANERS[kind](parsed.df, { raw: parsed.raw });
  const taken = new Set<number>();
  for (const q of [...parsed.quarantine, ...result.quarantine]) {
    const i = byText.get(q.raw)?.shift();
    if (i === undefined) {
      throw invariant(kind, `quarantined a record not in the batch`);
    }
    taken.add(i);
    rejected.push({ table: kind, reason: q.reason, raw: q.raw, at: i });
  }
  const kept = records.filter((_r, i) => !own.has(i) && !taken.has(i));
  if (kept.length !== result.clean.height) {
    throw invariant(
      kind,
      `${result.clean.height} clean rows for ${kept.length} records`,
    );
  }
  rejected.sort((a, b) => a.at - b.at);
  return {
    clean: withKeys(result.clean, kept),
    rejected: quarantineFrame(rejected.map((r) => records[r.at]), rejected),
  };
}

/** The quarantine reason of a record the Kinesis Producer Library aggregated. */
const KPL_AGGREGATED =
  "KPL-aggregated record (de-aggregate it, or post records one by one)";

/** The KPL's magic number, which starts every aggregated record. */
const KPL_MAGIC = [0xf3, 0x89, 0x9a, 0xc2];

/** Whether `data` is a KPL-aggregated record (protobuf, not the JSON of one post). */
function isKplAggregated(data: Uint8Array): boolean {
  return data.byteLength > KPL_MAGIC.length &&
    KPL_MAGIC.every((b, i) => data[i] === b);
}

function withKeys(df: DataFrame, records: readonly StreamRecord[]): DataFrame {
  return df.withColumns(
    pl.Series(KEY_COLUMNS[0], records.map((r) => r.shardId), pl.Utf8),
    pl.Series(KEY_COLUMNS[1], records.map((r) => r.sequenceNumber), pl.Utf8),
  );
}

function quarantineFrame(
  records: readonly StreamRecord[],
  rows: readonly Omit<Rejected, "at">[],
): DataFrame {
  const frame = pl.DataFrame([
    pl.Series("table", rows.map((r) => r.table), pl.Utf8),
    pl.Series("reason", rows.map((r) => r.reason), pl.Utf8),
    pl.Series("raw", rows.map((r) => r.raw), pl.Utf8),
  ]);
  return withKeys(frame, records);
}

function invariant(kind: PostKind, problem: string): PipelineError {
  return new PipelineError(
    `stream ${kind}: cleaning ${problem}; this is a bug in lib/clean or lib/stream, please report it`,
    { code: "STREAM_INVARIANT", context: { kind } },
  );
}
