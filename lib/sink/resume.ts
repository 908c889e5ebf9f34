/**
 * Where the sink's consumer resumes a partition: after the last record in the lake, which
 * wins over the group's committed offset, so that objects removed from the lake (or a lake
 * replaced) are written again instead of skipped.
 *
 * @module
 */
import type { ObjectStore } from "../lake/types.ts";
import type { TopicConsumer, TopicPosition } from "../log/types.ts";
import type { LogContext, Logger } from "../logger.ts";
import type { RetryOptions } from "../retry.ts";
import { withLakeRetry } from "./lake_retry.ts";
import { OffsetGapError } from "./errors.ts";
import {
  checkAgainstLog,
  recoverPartition,
  type TopicPartition,
} from "./recover.ts";

/**
 * Options of {@linkcode findResumePoint}.
 *
 * @example
 * ```ts
 * import type { ResumeOptions } from "./resume.ts";
 * const tuning: Partial<ResumeOptions> = { verify: "last", lakeRetry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 10 } };
 * console.log(tuning.verify); // last
 * ```
 */
export interface ResumeOptions {
  store: ObjectStore;
  consumer: TopicConsumer;
  verify: "all" | "last";
  logger: Logger;
  /**
   * Retries of a lake call that failed: the reads of a recovery, and the writer's puts
   * (idempotent: same key, same bytes); default `SINK_LAKE_RETRY`.
   */
  lakeRetry?: RetryOptions;
  /** Aborting it ends the waits between lake retries (the sink is stopping). */
  signal?: AbortSignal;
}

/**
 * Where a partition resumes, and what was found on the way.
 *
 * @example
 * ```ts
 * import type { ResumePoint } from "./resume.ts";
 * const point: ResumePoint = {
 *   target: 7, committed: 5, lakeNext: 7, rewound: false,
 *   context: { topic: "demo.pin", partition: 0, committed: 5, lakeNext: 7, objects: 2 },
 * };
 * console.log(point.target !== point.committed); // true: the sink commits 7 once it sought there
 * ```
 */
export interface ResumePoint {
  /**
   * Offset to seek the consumer to; `null` when the lake holds nothing and the group's
   * committed offset is not ahead of the log's start (the consumer starts as the group
   * left off).
   */
  target: number | null;
  /** The group's committed offset (`null`: none). */
  committed: number | null;
  /** Offset after the last record in the lake (`null`: nothing written yet). */
  lakeNext: number | null;
  /** The group's committed offset was ahead of the lake: `target` rewinds the group. */
  rewound: boolean;
  /** What a log line about this partition carries. */
  context: LogContext;
}

/**
 * Reads the lake for a partition (trying again while the lake fails), checks it against
 * the log, and returns the offset to resume at. A committed offset ahead of the lake is
 * logged as an error and rewound to the lake (the log's start when the lake is empty).
 * Throws the lake's last error, `LakeCorruptionError`, `LakeAheadOfLogError` or
 * `OffsetGapError`.
 *
 * @example
 * ```ts
 * import { findResumePoint } from "./resume.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { silentLogger } from "../logger.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openEmbeddedLog(`${dir}/log.db`);
 * await log.topics.createTopic("demo.pin");
 * await log.topics.append("demo.pin", [{ value: new Uint8Array([49]) }, { value: new Uint8Array([50]) }]);
 * const store = openDirStore(`${dir}/lake`);
 * await store.put("topics/demo.pin/partition=0/demo.pin+0+0000000000.json", "1\n");
 * const consumer = await log.topics.consumer("s3-sink", ["demo.pin"]);
 * const point = await findResumePoint({ topic: "demo.pin", partition: 0 }, {
 *   store, consumer, verify: "all", logger: silentLogger,
 * });
 * console.log(point.target, point.committed); // 1 null
 * await log.close();
 * ```
 */
export async function findResumePoint(
  where: TopicPartition,
  options: ResumeOptions,
): Promise<ResumePoint> {
  const { store, consumer, logger, verify } = options;
  const { topic, partition } = where;
  const read = await withLakeRetry(
    () => recoverPartition(store, { topic, partition }, { verify }),
    {
      logger,
      warning: "sink: reading the lake failed; trying again",
      context: { topic, partition },
      retry: options.lakeRetry,
      signal: options.signal,
    },
  );
  if (!read.ok) throw read.error;
  const lake = read.value;
  const committed = await consumer.committed(topic, partition);
  const log = await consumer.offsets(topic, partition);
  checkAgainstLog(lake, log);
  const lakeNext = lake.nextOffset;
  const context = {
    topic,
    partition,
    committed,
    lakeNext,
    objects: lake.objects,
  };
  let target: number | null = lakeNext;
  const rewound = committed !== null && committed > (lakeNext ?? log.start);
  if (rewound) {
    logger.error(
      "the group's committed offset is ahead of the lake (objects were removed or the " +
        "lake was replaced); rewinding to the lake so no record is skipped",
      context,
    );
    target ??= log.start;
  }
  return { target, committed, lakeNext, rewound, context };
}

/**
 * Throws `OffsetGapError` when the log no longer holds the offset a partition was sought to:
 * retention deleted it after the recovery checked the log, before the seek reached the
 * broker. Kafka's consumer then restarts the partition at the log's start (the group's
 * earliest-offset reset), so the offset sought never comes and every later record would be
 * dropped as a fetch made before the seek. A check that fails is logged as a warning.
 *
 * @example
 * ```ts
 * import { checkSought } from "./resume.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { silentLogger } from "../logger.ts";
 * const log = await openEmbeddedLog(`${await Deno.makeTempDir()}/log.db`);
 * await log.topics.createTopic("demo.pin");
 * await log.topics.append("demo.pin", [{ value: new Uint8Array([49]) }]);
 * const consumer = await log.topics.consumer("s3-sink", ["demo.pin"]);
 * const sought = { topic: "demo.pin", partition: 0, offset: 0 };
 * await checkSought(sought, { consumer, logger: silentLogger }); // still in the log
 * await consumer.close();
 * await log.close();
 * ```
 */
export async function checkSought(
  sought: TopicPosition,
  options: Pick<ResumeOptions, "consumer" | "logger">,
): Promise<void> {
  const { topic, partition, offset } = sought;
  let start: number;
  try {
    ({ start } = await options.consumer.offsets(topic, partition));
  } catch (e) {
    options.logger.warn(
      "sink could not check that the log still holds the offset it sought; " +
        "checking again later",
      { ...sought, error: e instanceof Error ? e.message : String(e) },
    );
    return;
  }
  if (start > offset) {
    throw new OffsetGapError(topic, partition, {
      expected: offset,
      actual: start,
    });
  }
}
