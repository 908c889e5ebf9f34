/**
 * Reads the lake to find where a partition's next object must start. The lake, not the
 * consumer group's committed offset, is the source of truth: object boundaries depend on
 * time-based rotation, so only the objects themselves say which records they hold.
 *
 * @module
 */
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import type { ObjectInfo, ObjectStore } from "../lake/types.ts";
import {
  countLines,
  type ObjectName,
  parseObjectKey,
  partitionPrefix,
} from "./layout.ts";
import {
  LakeAheadOfLogError,
  LakeCorruptionError,
  OffsetGapError,
} from "./errors.ts";
import type { PartitionOffsets } from "../log/types.ts";

const gunzipAsync = promisify(gunzip);
/** The suffix Confluent's connector adds with `s3.compression.type=gzip`. */
const GZIP = ".gz";

/**
 * Options of {@linkcode recoverPartition}.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { recoverPartition, type RecoverOptions } from "./recover.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/d.pin/partition=0/d.pin+0+0000000005.json", "1\n2\n");
 * const options: RecoverOptions = { verify: "last" };
 * console.log((await recoverPartition(store, { topic: "d.pin", partition: 0 }, options)).nextOffset); // 7
 * ```
 */
export interface RecoverOptions {
  /**
   * `"all"` (default) reads every object of the partition (up to 32 and 64 MiB at a time)
   * and checks that consecutive objects neither overlap nor leave a gap; `"last"` reads
   * only the last object (faster on a large lake, checks only its own integrity).
   */
  verify?: "all" | "last";
}

/**
 * What the lake holds for one partition.
 *
 * @example
 * ```ts
 * import { checkAgainstLog, type PartitionRecovery } from "./recover.ts";
 * const lake: PartitionRecovery = { topic: "demo.pin", partition: 0, firstOffset: 0, nextOffset: 7, objects: 2 };
 * checkAgainstLog(lake, { start: 0, end: 9 }); // the log holds offsets 0 to 8: the sink goes on at 7
 * ```
 */
export interface PartitionRecovery {
  topic: string;
  partition: number;
  /** Offset of the first record of the first object, or `null` when there is none. */
  firstOffset: number | null;
  /** Offset after the last record of the last object (the next to write), or `null`. */
  nextOffset: number | null;
  /** Number of objects. */
  objects: number;
}

/**
 * How many records object `key` holds (a `.json.gz` one decompressed);
 * `LakeCorruptionError` for a partial object or one that is not gzip.
 */
async function linesOf(
  store: ObjectStore,
  object: { key: string; ctx: Record<string, unknown> },
): Promise<number> {
  const { key, ctx } = object;
  let body = await store.get(key);
  if (key.endsWith(GZIP)) {
    try {
      body = new Uint8Array(await gunzipAsync(body));
    } catch (cause) {
      throw new LakeCorruptionError(`object ${key} is not gzip`, {
        cause,
        context: { ...ctx, key },
      });
    }
  }
  const n = countLines(body);
  if (n === null) {
    throw new LakeCorruptionError(
      `object ${key} is empty or does not end with a newline`,
      { context: { ...ctx, key } },
    );
  }
  return n;
}

/** Objects the recovery reads at once: S3 answers a GET in tens of milliseconds. */
const READS_AT_ONCE = 32;
/** Bytes of the objects read at once (an object larger than that is read alone). */
const BYTES_AT_ONCE = 64 * 1024 * 1024;

/**
 * How many records each of `objects.list` holds, in order, read in groups of at most
 * {@linkcode READS_AT_ONCE} objects and {@linkcode BYTES_AT_ONCE}; rejects with the first
 * failure (no group starts after it).
 */
async function linesOfAll(
  store: ObjectStore,
  objects: { list: ObjectInfo[]; ctx: Record<string, unknown> },
): Promise<number[]> {
  const { list, ctx } = objects;
  const counts: number[] = [];
  for (let i = 0; i < list.length;) {
    let end = i + 1;
    let bytes = list[i].size;
    while (
      end < list.length && end - i < READS_AT_ONCE &&
      bytes + list[end].size <= BYTES_AT_ONCE
    ) bytes += list[end++].size;
    const group = list.slice(i, end);
    counts.push(
      ...await Promise.all(
        group.map(({ key }) => linesOf(store, { key, ctx })),
      ),
    );
    i = end;
  }
  return counts;
}

/**
 * A partition of a topic.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { recoverPartition, type TopicPartition } from "./recover.ts";
 * const where: TopicPartition = { topic: "demo.pin", partition: 1 };
 * const r = await recoverPartition(openDirStore(await Deno.makeTempDir()), where);
 * console.log(r.objects, r.nextOffset); // 0 null
 * ```
 */
export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Lists a partition's objects and returns the offset its next object must start at. Gzip
 * objects (`.json.gz`, as Confluent's connector writes with `s3.compression.type=gzip`)
 * count as the records they hold; hidden files (`.DS_Store`) and S3 folder markers (empty
 * objects whose key ends in `/`) are passed over. Throws
 * `LakeCorruptionError` for a foreign object name under the partition, a partial object, or (with `verify: "all"`) a gap or overlap
 * between objects.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { recoverPartition } from "./recover.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/d.pin/partition=0/d.pin+0+0000000000.json", "1\n2\n");
 * const r = await recoverPartition(store, { topic: "d.pin", partition: 0 });
 * console.log(r.nextOffset); // 2
 * ```
 */
export async function recoverPartition(
  store: ObjectStore,
  where: TopicPartition,
  options: RecoverOptions = {},
): Promise<PartitionRecovery> {
  const { topic, partition } = where;
  const ctx = { topic, partition, location: store.location };
  const names: (ObjectName & ObjectInfo)[] = [];
  for (
    const { key, size } of await store.list(partitionPrefix(topic, partition))
  ) {
    const name = parseObjectKey(
      key.endsWith(GZIP) ? key.slice(0, -GZIP.length) : key,
    );
    if (!name || name.topic !== topic || name.partition !== partition) {
      // A hidden file (`.DS_Store`, `._x`: macOS's Finder leaves them in a local lake it
      // showed) is no object of the sink, nor one that could hold its records; an object's
      // own name starts with a dot only for a topic named so (".audit").
      if (key.slice(key.lastIndexOf("/") + 1).startsWith(".")) continue;
      // An S3 folder marker (an empty object named like the folder, left by the console's
      // "Create folder" or Hadoop's mkdirs) holds no record either.
      if (key.endsWith("/") && size === 0) continue;
      throw new LakeCorruptionError(
        `object ${key} does not follow the layout ` +
          `topics/{topic}/partition={p}/{topic}+{p}+{startOffset:10 digits}.json[.gz]`,
        { context: { ...ctx, key } },
      );
    }
    names.push({ ...name, key, size });
  }
  if (names.length === 0) {
    return {
      topic,
      partition,
      firstOffset: null,
      nextOffset: null,
      objects: 0,
    };
  }
  names.sort((a, b) => a.startOffset - b.startOffset);
  const last = names[names.length - 1];
  let lastLines: number;
  if (options.verify !== "last") {
    const counts = await linesOfAll(store, { list: names, ctx });
    for (let i = 0; i + 1 < names.length; i++) {
      const end = names[i].startOffset + counts[i];
      const next = names[i + 1];
      if (end !== next.startOffset) {
        const what = end < next.startOffset
          ? `offsets ${end}..${next.startOffset - 1} are missing`
          : `offsets ${next.startOffset}..${end - 1} are written twice`;
        throw new LakeCorruptionError(
          `${what} between ${names[i].key} and ${next.key}`,
          { context: { ...ctx, key: names[i].key, nextKey: next.key, end } },
        );
      }
    }
    lastLines = counts[counts.length - 1];
  } else {
    lastLines = await linesOf(store, { key: last.key, ctx });
  }
  return {
    topic,
    partition,
    firstOffset: names[0].startOffset,
    nextOffset: last.startOffset + lastLines,
    objects: names.length,
  };
}

/**
 * Throws unless the log holds the offset after the lake's last record of the partition:
 * `LakeAheadOfLogError` when the lake goes beyond the log's end (it was written from
 * another log), `OffsetGapError` when it ends before the log's start (retention deleted
 * records the lake never got). A partition without objects passes.
 *
 * @example
 * ```ts
 * import { checkAgainstLog } from "./recover.ts";
 * const lake = { topic: "demo.pin", partition: 0, firstOffset: 0, nextOffset: 7, objects: 2 };
 * checkAgainstLog(lake, { start: 0, end: 9 }); // fine: the log holds offsets 0 to 8
 * try {
 *   checkAgainstLog(lake, { start: 0, end: 3 });
 * } catch (e) {
 *   console.log((e as Error).name); // LakeAheadOfLogError
 * }
 * ```
 */
export function checkAgainstLog(
  lake: PartitionRecovery,
  log: PartitionOffsets,
): void {
  const { topic, partition, nextOffset } = lake;
  if (nextOffset === null) return;
  if (nextOffset > log.end) {
    throw new LakeAheadOfLogError(topic, partition, {
      lakeNext: nextOffset,
      logEnd: log.end,
    });
  }
  if (nextOffset < log.start) {
    throw new OffsetGapError(topic, partition, {
      expected: nextOffset,
      actual: log.start,
    });
  }
}
