/**
 * One topic of the lake → one clean table: read the sink objects in arrival order (in groups
 * of about `chunkBytes`), parse, clean, and keep the first arrival of each `ind`.
 *
 * @module
 */
import { existsSync } from "node:fs";
import {
  cleanGeo,
  type CleanOptions,
  cleanPin,
  type CleanResult,
  type CleanTable,
  cleanUser,
  type DataFrame,
  dedupFirst,
  type ParsedRecords,
  parseNdjsonFiles,
  parseRawNdjson,
  type QuarantineRow,
  rawFrame,
  type Series,
  stackFrames,
} from "../clean/mod.ts";
import { ObjectNotFoundError } from "../lake/errors.ts";
import type { ObjectStore } from "../lake/types.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { LakeObjectGoneError } from "./errors.ts";
import { memoryReleaser } from "./native_memory.ts";
import {
  groupBySize,
  listTopicObjects,
  readObjects,
  type TopicObject,
} from "./objects.ts";

/**
 * What happened to one table.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { cleanTopic, type TableSummary } from "./topic.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/pinterest.pin/partition=0/pinterest.pin+0+0000000000.json", "{}\n");
 * const summary: TableSummary = (await cleanTopic(store, "pin")).summary;
 * console.log(summary.records, summary.quarantined, summary.rows); // 1 1 0
 * ```
 */
export interface TableSummary {
  /** Lake objects read. */
  objects: number;
  /** Raw records read (non-blank lines). */
  records: number;
  /** Records set aside in the quarantine table. */
  quarantined: number;
  /** Clean records dropped because their `ind` arrived before. */
  duplicates: number;
  /** Rows written. */
  rows: number;
  /** Time spent reading, cleaning and deduplicating, in ms (not writing). */
  elapsedMs: number;
}

/**
 * Options of {@linkcode cleanTopic}.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { consoleLogger } from "../logger.ts";
 * import { cleanTopic, type CleanTopicOptions } from "./topic.ts";
 * const options: CleanTopicOptions = { topic: "demo.geo", logger: consoleLogger, progressIntervalMs: 10_000 };
 * const { summary } = await cleanTopic(openDirStore(await Deno.makeTempDir()), "geo", options);
 * console.log(summary.objects); // 0
 * ```
 */
export interface CleanTopicOptions {
  /** The topic to read; default `pinterest.{table}`. */
  topic?: string;
  /** Warnings about stray keys, and progress on long tables; default silent. */
  logger?: Logger;
  /**
   * Least time between two progress lines (`batch {table}: listing` with the objects listed
   * so far, then `batch {table}: cleaning`), in ms; default 2,000, so a table listed and
   * cleaned in less time logs none.
   */
  progressIntervalMs?: number;
  /** Scratch directory for the NDJSON polars reads; default a fresh temp dir per step. */
  tempDir?: string;
  /** Raw bytes parsed per step; default 64 MiB. */
  chunkBytes?: number;
  /**
   * Called once each group is cleaned, to free the memory of its frames (polars keeps it
   * outside the JS heap until a garbage collection); default a `memoryReleaser`: a full
   * collection once the process has grown by 256 MiB since the last.
   */
  releaseMemory?: () => void;
}

/**
 * What {@linkcode cleanTopic} returns.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { cleanTopic, type CleanTopicResult } from "./topic.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/pinterest.pin/partition=0/pinterest.pin+0+0000000000.json", "not json\n");
 * const result: CleanTopicResult = await cleanTopic(store, "pin");
 * console.log(result.clean.height, result.quarantine[0].table); // 0 pin
 * ```
 */
export interface CleanTopicResult {
  /** One row per `ind`, first arrival kept, in arrival order. */
  clean: DataFrame;
  quarantine: QuarantineRow[];
  summary: TableSummary;
}

const CLEANERS: Record<
  CleanTable,
  (df: DataFrame, o: CleanOptions) => CleanResult
> = { pin: cleanPin, geo: cleanGeo, user: cleanUser };

/**
 * Cleans every record of one topic.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { cleanTopic } from "./topic.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/pinterest.user/partition=0/pinterest.user+0+0000000000.json",
 *   '{"ind":1,"first_name":"A","last_name":"B","age":20,"date_joined":"2016-01-01 00:00:00"}\n');
 * const { clean, summary } = await cleanTopic(store, "user");
 * console.log(clean.height, summary.records); // 1 1
 * ```
 */
export async function cleanTopic(
  store: ObjectStore,
  table: CleanTable,
  options: CleanTopicOptions = {},
): Promise<CleanTopicResult> {
  const started = performance.now();
  const topic = options.topic ?? `pinterest.${table}`;
  const logger = options.logger ?? silentLogger;
  const progressMs = options.progressIntervalMs ?? 2_000;
  const releaseMemory = options.releaseMemory ?? memoryReleaser();
  let lastProgress = started;
  const progress = (doing: string, fields: Record<string, unknown>) => {
    const now = performance.now();
    if (now - lastProgress < progressMs) return;
    lastProgress = now;
    logger.info(`batch ${table}: ${doing}`, {
      ...fields,
      seconds: Math.round((now - started) / 1000),
    });
  };
  // A lake of one-record objects on S3 takes a while to list: 100,000 are 100 pages.
  const objects = await listTopicObjects(store, topic, {
    onSkip: (key) => logger.warn("not a sink object, skipped", { key }),
    onListed: (listed) => progress("listing", { objectsListed: listed }),
  });
  const cleaned: DataFrame[] = [];
  const quarantine: QuarantineRow[] = [];
  let records = 0;
  let cleanRows = 0;
  let seen: Series | undefined;
  const groups = groupBySize(objects, options.chunkBytes ?? 64 << 20);
  let objectsRead = 0;
  const parse = groupParser(store, groups, {
    table,
    tempDir: options.tempDir,
    onRead: () =>
      progress("cleaning", {
        objectsRead: `${++objectsRead}/${objects.length}`,
      }),
  });
  // The next two groups are parsed (on polars' threads) while the current one is cleaned:
  // with two parses queued the threads never wait for the cleaning to hand them work (pin,
  // 1M rows: about 0.4 s less than with one, for the same CPU time).
  const ahead = [parse(0), parse(1)];
  for (let i = 0; ahead[0] !== undefined; i++) {
    const parsed = await ahead[0];
    ahead.shift();
    ahead.push(parse(i + 2));
    const result = CLEANERS[table](parsed.df, { raw: parsed.raw });
    records += parsed.df.height + parsed.quarantine.length;
    // One push per row: spread arguments overflow the stack past ~120,000 rows.
    for (const q of parsed.quarantine) quarantine.push(q);
    for (const q of result.quarantine) quarantine.push(q);
    cleanRows += result.clean.height;
    // Deduplicated group by group, while the next groups are parsed.
    const fresh = dedupFirst(result.clean, { seen });
    const inds = fresh.getColumn("ind");
    seen = seen === undefined ? inds : seen.concat(inds);
    cleaned.push(fresh);
    // The group's frames are garbage now: their native memory waits for a collection the
    // small JS heap rarely needs (3.9 GB on a 2.1 GB topic), so one runs once it has grown.
    releaseMemory();
    if (i + 1 < groups.length) {
      progress("cleaning", { groups: `${i + 1}/${groups.length}`, records });
    }
  }
  const clean = stackFrames(cleaned) ??
    CLEANERS[table](rawFrame(table, []), {}).clean;
  const summary: TableSummary = {
    objects: objects.length,
    records,
    quarantined: quarantine.length,
    duplicates: cleanRows - clean.height,
    rows: clean.height,
    elapsedMs: Math.round(performance.now() - started),
  };
  return { clean, quarantine, summary };
}

/** Options of `groupParser`. */
interface GroupParserOptions {
  table: CleanTable;
  tempDir: string | undefined;
  /** Called after each object read into memory (not for objects scanned in place). */
  onRead: () => void;
}

/**
 * Average object size from which a group of local files is scanned in place by polars. Its
 * glob scan costs about 0.7 ms per file: 20,000 objects of 5 users (the course's S3 sink
 * writes one record per object) took 14 s in place and 2.4 s read and parsed as one text.
 */
const IN_PLACE_MIN_BYTES = 256 << 10;

/**
 * Returns `parse(i)`: group `i` parsed (undefined past the end). Local files
 * (`localPath`) of a fair size are scanned in place by polars; other objects (small ones,
 * gzip ones, or a store without local files) are read into memory, a bounded number at a
 * time, and parsed as one text.
 */
function groupParser(
  store: ObjectStore,
  groups: readonly TopicObject[][],
  options: GroupParserOptions,
): (i: number) => Promise<ParsedRecords> | undefined {
  const { table, tempDir } = options;
  const localPaths = (group: TopicObject[]) => {
    const objects = group.filter((o) => o.size > 0);
    if (objects.some((o) => o.gzip)) return undefined; // decompressed in memory
    const bytes = objects.reduce((sum, o) => sum + o.size, 0);
    if (bytes < IN_PLACE_MIN_BYTES * objects.length) return undefined;
    const paths = objects.map((o) => store.localPath?.(o.key));
    return paths.every((p) => p !== undefined) ? paths : undefined;
  };
  return (i) => {
    if (i >= groups.length) return undefined;
    const paths = localPaths(groups[i]);
    const parsed =
      (paths
        ? parseNdjsonFiles(table, paths, { tempDir })
        : readObjects(store, groups[i], { onRead: options.onRead }).then((
          bodies,
        ) => parseRawNdjson(table, bodies, { tempDir })))
        .catch((e) => {
          throw goneObject(store, { group: groups[i], error: e }) ?? e;
        });
    parsed.catch(() => {}); // surfaced when awaited; never an unhandled rejection
    return parsed;
  };
}

/**
 * `error` as a {@linkcode LakeObjectGoneError} when it says that an object of `group` is
 * missing: a get that found nothing, or a file polars could not open (scanned in place);
 * undefined otherwise.
 */
function goneObject(
  store: ObjectStore,
  failed: { group: readonly TopicObject[]; error: unknown },
): LakeObjectGoneError | undefined {
  const { group, error } = failed;
  let key: string | undefined;
  if (error instanceof ObjectNotFoundError) {
    key = String(error.context.key);
  } else if (error instanceof Deno.errors.NotFound) {
    key = group.find((o) => {
      const path = store.localPath?.(o.key);
      return path !== undefined && !existsSync(path);
    })?.key;
  }
  return key === undefined
    ? undefined
    : new LakeObjectGoneError(store.location, key, { cause: error });
}
