/**
 * Exactly-once bookkeeping for the stream tests and the latency bench: post generated
 * records to the three streams, remember where each landed, and compare that with what the
 * stream tables hold.
 *
 * @module
 */

import type { StreamLog } from "../log/types.ts";
import type { Post } from "../source/types.ts";
import { toCourseJson } from "../source/mod.ts";
import { POST_KINDS, type PostKind } from "./micro_batch.ts";
import { readStreamTable } from "./read_table.ts";

/**
 * Per kind: `"{shardId}/{sequenceNumber}"` of each posted record → its `ind`.
 *
 * @example
 * ```ts
 * import { emptyPostedKeys, type PostedKeys } from "./exactly_once_check.ts";
 * const posted: PostedKeys = emptyPostedKeys();
 * posted.pin.set("shardId-000000000000/000000000000000000001", 7528);
 * console.log(posted.pin.get("shardId-000000000000/000000000000000000001"), posted.geo.size); // 7528 0
 * ```
 */
export type PostedKeys = Record<PostKind, Map<string, number>>;

/**
 * An empty {@linkcode PostedKeys}.
 *
 * @example
 * ```ts
 * import { emptyPostedKeys } from "./exactly_once_check.ts";
 * console.log(emptyPostedKeys().pin.size); // 0
 * ```
 */
export function emptyPostedKeys(): PostedKeys {
  return { pin: new Map(), geo: new Map(), user: new Map() };
}

/**
 * Puts `posts` on `streaming-{prefix}-pin|geo|user` (as the emulator would, one record per
 * table and post, partition key = ind) and records the keys in `into`.
 *
 * @example
 * ```ts
 * import { emptyPostedKeys, putPosts } from "./exactly_once_check.ts";
 * import type { StreamLog } from "../log/types.ts";
 * import type { Post } from "../source/types.ts";
 * async function putAll(streams: StreamLog, posts: Post[]) {
 *   const keys = emptyPostedKeys();
 *   await putPosts(streams, posts, { prefix: "demo", into: keys });
 *   console.log(keys.pin.size); // the distinct pin keys put
 * }
 * ```
 */
export async function putPosts(
  streams: StreamLog,
  posts: readonly Post[],
  options: { prefix: string; into: PostedKeys },
): Promise<void> {
  const enc = new TextEncoder();
  for (const kind of POST_KINDS) {
    const records = posts.map((p) =>
      p[kind] as unknown as Record<string, unknown>
    );
    const results = await streams.putRecords(
      `streaming-${options.prefix}-${kind}`,
      records.map((r) => ({
        data: enc.encode(JSON.stringify(toCourseJson(r))),
        partitionKey: String(r.ind ?? r.index),
      })),
    );
    results.forEach((res, i) => {
      if (!("shardId" in res)) {
        throw new Error(`put failed: ${res.errorMessage}`);
      }
      const ind = Number(records[i].ind ?? records[i].index);
      options.into[kind].set(`${res.shardId}/${res.sequenceNumber}`, ind);
    });
  }
}

/**
 * What the stream tables hold, in the shape of {@linkcode PostedKeys}.
 *
 * @example
 * ```ts
 * import { type StoredKeys, storedKeys } from "./exactly_once_check.ts";
 * const stored: StoredKeys = await storedKeys(await Deno.makeTempDir());
 * console.log(stored.keys.user.size, stored.duplicates.user); // 0 []
 * ```
 */
export interface StoredKeys {
  /** Per kind, each stored key with its ind (quarantined rows: NaN) and how often. */
  keys: Record<PostKind, Map<string, { ind: number; count: number }>>;
  /** Keys stored more than once, per kind. */
  duplicates: Record<PostKind, string[]>;
}

/**
 * Reads the stream tables of `outDir` and indexes their rows by log position; quarantined
 * rows count for the table they were meant for.
 *
 * @example
 * ```ts
 * import { storedKeys } from "./exactly_once_check.ts";
 * const got = await storedKeys(await Deno.makeTempDir());
 * console.log(got.keys.pin.size); // 0
 * ```
 */
export async function storedKeys(outDir: string): Promise<StoredKeys> {
  const keys = {} as StoredKeys["keys"];
  const duplicates = { pin: [], geo: [], user: [] } as StoredKeys["duplicates"];
  const add = (kind: PostKind, key: string, ind: number) => {
    const seen = keys[kind].get(key);
    if (seen) {
      seen.count++;
      duplicates[kind].push(key);
    } else keys[kind].set(key, { ind, count: 1 });
  };
  for (const kind of POST_KINDS) {
    keys[kind] = new Map();
    const df = await readStreamTable(outDir, `stream_${kind}`);
    for (
      const row of df.select("ind", "_shard_id", "_sequence_number").toRecords()
    ) {
      add(kind, `${row._shard_id}/${row._sequence_number}`, Number(row.ind));
    }
  }
  const q = await readStreamTable(outDir, "stream_quarantine");
  for (const row of q.toRecords()) {
    add(row.table as PostKind, `${row._shard_id}/${row._sequence_number}`, NaN);
  }
  return { keys, duplicates };
}

/**
 * Compares posted and stored keys: returns the problems (missing, extra, duplicated or
 * with another ind), an empty list when every record is stored exactly once.
 *
 * @example
 * ```ts
 * import { emptyPostedKeys, exactlyOnceProblems, storedKeys } from "./exactly_once_check.ts";
 * const problems = exactlyOnceProblems(emptyPostedKeys(), await storedKeys(await Deno.makeTempDir()));
 * console.log(problems); // []
 * ```
 */
export function exactlyOnceProblems(
  posted: PostedKeys,
  stored: StoredKeys,
): string[] {
  const problems: string[] = [];
  for (const kind of POST_KINDS) {
    for (const key of stored.duplicates[kind]) {
      problems.push(`${kind} ${key}: duplicated`);
    }
    for (const [key, ind] of posted[kind]) {
      const got = stored.keys[kind].get(key);
      if (!got) problems.push(`${kind} ${key}: missing`);
      else if (!Number.isNaN(got.ind) && got.ind !== ind) {
        problems.push(`${kind} ${key}: ind ${got.ind}, posted ${ind}`);
      }
    }
    for (const key of stored.keys[kind].keys()) {
      if (!posted[kind].has(key)) problems.push(`${kind} ${key}: never posted`);
    }
  }
  return problems;
}
