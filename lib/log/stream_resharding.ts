/**
 * Shard lifecycle on the embedded log: describing shards, and Kinesis resharding: split one shard in two, merge two adjacent
 * shards in one. Parents close (they get an ending sequence number) and children take
 * over their hash-key ranges, so readers that finish a parent before its children keep
 * the order of every partition key.
 *
 * @module
 */

import { InvalidArgumentError } from "./errors.ts";
import type { StreamSql } from "./stream_sql.ts";
import type { ShardRow } from "./stream_rows.ts";
import { sequenceNumberOf, shardIdOf } from "./hash_key.ts";
import type {
  MergeShardsOptions,
  ShardInfo,
  SplitShardOptions,
} from "./types.ts";

/** Closes shard `no` by consuming one sequence number; returns the next free one. */
function closeParent(
  sql: StreamSql,
  at: { streamId: number; no: number; nextSeq: number },
): number {
  sql.closeShard(at.streamId, { no: at.no, endingSeq: at.nextSeq });
  return at.nextSeq + 1;
}

/**
 * Splits open shard `shardId` of `stream` at `newStartingHashKey` (decimal). Runs inside
 * a write transaction; throws before writing when an argument is wrong.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s");
 * await log.streams.splitShard("s", {
 *   shardId: "shardId-000000000000",
 *   newStartingHashKey: String(1n << 127n),
 * });
 * console.log((await log.streams.describeStream("s")).shards.length); // 3
 * await log.close();
 * ```
 */
export function splitShardNow(
  sql: StreamSql,
  stream: string,
  options: SplitShardOptions,
): void {
  const s = sql.stream(stream);
  const parent = sql.shard({ id: s.id, name: stream }, options.shardId);
  if (parent.ending_seq !== null) {
    throw new InvalidArgumentError("shardId", "the shard is already closed", {
      value: options.shardId,
    });
  }
  const key = /^\d{1,39}$/.test(options.newStartingHashKey)
    ? BigInt(options.newStartingHashKey)
    : -1n;
  const start = BigInt(parent.hash_start);
  const end = BigInt(parent.hash_end);
  if (key <= start || key > end) {
    throw new InvalidArgumentError(
      "newStartingHashKey",
      `must be a decimal hash key in (${start}, ${end}]`,
      { value: options.newStartingHashKey },
    );
  }
  const seq = closeParent(sql, {
    streamId: s.id,
    no: parent.shard_no,
    nextSeq: s.next_seq,
  });
  const no = s.next_shard;
  const parents: [number, null] = [parent.shard_no, null];
  sql.insertShard(s.id, {
    no,
    range: { start, end: key - 1n },
    startingSeq: seq,
    parents,
  });
  sql.insertShard(s.id, {
    no: no + 1,
    range: { start: key, end },
    startingSeq: seq,
    parents,
  });
  sql.setNextSeq(s.id, seq);
  sql.setNextShard(s.id, no + 2);
}

/**
 * Merges open shard `shardId` with `adjacentShardId` (their ranges must touch) into a new
 * shard. Runs inside a write transaction; throws before writing when an argument is wrong.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("s", { shardCount: 2 });
 * await log.streams.mergeShards("s", {
 *   shardId: "shardId-000000000000",
 *   adjacentShardId: "shardId-000000000001",
 * });
 * const { shards } = await log.streams.describeStream("s");
 * console.log(shards[2].parentShardId, shards[2].adjacentParentShardId);
 * await log.close();
 * ```
 */
export function mergeShardsNow(
  sql: StreamSql,
  stream: string,
  options: MergeShardsOptions,
): void {
  const s = sql.stream(stream);
  const of = { id: s.id, name: stream };
  const a = sql.shard(of, options.shardId);
  const b = sql.shard(of, options.adjacentShardId);
  if (
    a.ending_seq !== null || b.ending_seq !== null || a.shard_no === b.shard_no
  ) {
    throw new InvalidArgumentError(
      "shardId",
      "both shards must be distinct and open",
      { value: [options.shardId, options.adjacentShardId] },
    );
  }
  const [lo, hi] = BigInt(a.hash_start) < BigInt(b.hash_start)
    ? [a, b]
    : [b, a];
  if (BigInt(lo.hash_end) + 1n !== BigInt(hi.hash_start)) {
    throw new InvalidArgumentError(
      "adjacentShardId",
      "the two shards' hash-key ranges must be adjacent",
      { value: options.adjacentShardId },
    );
  }
  let seq = closeParent(sql, {
    streamId: s.id,
    no: a.shard_no,
    nextSeq: s.next_seq,
  });
  seq = closeParent(sql, { streamId: s.id, no: b.shard_no, nextSeq: seq });
  const range = { start: BigInt(lo.hash_start), end: BigInt(hi.hash_end) };
  sql.insertShard(s.id, {
    no: s.next_shard,
    range,
    startingSeq: seq,
    parents: [a.shard_no, b.shard_no],
  });
  sql.setNextSeq(s.id, seq);
  sql.setNextShard(s.id, s.next_shard + 1);
}

/**
 * The `ShardInfo` of a shard row: Kinesis ids, decimal hash keys and sequence numbers.
 *
 * @example
 * ```ts
 * import { toShardInfo } from "./stream_resharding.ts";
 * const info = toShardInfo({
 *   slot: 1, shard_no: 2, parent_no: 0, adjacent_parent_no: null,
 *   hash_start: "0", hash_end: "9", starting_seq: 5, ending_seq: null,
 * });
 * console.log(info.shardId, info.parentShardId); // shardId-000000000002 shardId-000000000000
 * ```
 */
export function toShardInfo(r: ShardRow): ShardInfo {
  const info: ShardInfo = {
    shardId: shardIdOf(r.shard_no),
    hashKeyRange: { start: r.hash_start, end: r.hash_end },
    startingSequenceNumber: sequenceNumberOf(r.starting_seq),
  };
  if (r.parent_no !== null) info.parentShardId = shardIdOf(r.parent_no);
  if (r.adjacent_parent_no !== null) {
    info.adjacentParentShardId = shardIdOf(r.adjacent_parent_no);
  }
  if (r.ending_seq !== null) {
    info.endingSequenceNumber = sequenceNumberOf(r.ending_seq);
  }
  return info;
}
