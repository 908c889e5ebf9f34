/**
 * Typed errors of the sink.
 *
 * @module
 */
import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * The lake does not hold what the sink wrote: an unexpected object name, a partial object,
 * or a gap or overlap between the offsets of consecutive objects of one partition.
 * The sink refuses to start rather than write records twice or skip some.
 *
 * @example
 * ```ts
 * import { LakeCorruptionError } from "./errors.ts";
 * const err = new LakeCorruptionError("offsets 7..9 are missing", {
 *   context: { topic: "demo.pin", partition: 0 },
 * });
 * console.log(err.code); // LAKE_CORRUPTION
 * ```
 */
export class LakeCorruptionError extends PipelineError {
  constructor(problem: string, options: PipelineErrorOptions = {}) {
    super(
      `The lake is inconsistent: ${problem}. Inspect the named objects; remove foreign or ` +
        `broken ones (and every later object of that partition) so the sink rewrites them ` +
        `from the log.`,
      { ...options, code: "LAKE_CORRUPTION" },
    );
  }
}

/**
 * Options of {@linkcode OffsetGapError}: the offset the sink expected and the one it got.
 *
 * @example
 * ```ts
 * import { OffsetGapError, type OffsetGapErrorOptions } from "./errors.ts";
 * const options: OffsetGapErrorOptions = { expected: 10, actual: 15, context: { group: "s3-sink" } };
 * console.log(new OffsetGapError("demo.pin", 0, options).context.group); // s3-sink
 * ```
 */
export interface OffsetGapErrorOptions extends PipelineErrorOptions {
  /** The next offset of the partition, the one the sink expected. */
  expected: number;
  /** The offset the sink was handed instead (greater than `expected`). */
  actual: number;
}

/**
 * A partition skipped offsets: the sink expected `expected` and was handed `actual`.
 * The sink needs contiguous offsets (no compaction, no transactional markers, no records
 * expired by retention before they reached the lake).
 *
 * @example
 * ```ts
 * import { OffsetGapError } from "./errors.ts";
 * const err = new OffsetGapError("demo.pin", 0, { expected: 10, actual: 15 });
 * console.log(err.context); // { topic: "demo.pin", partition: 0, expected: 10, actual: 15 }
 * ```
 */
export class OffsetGapError extends PipelineError {
  /** `topic` and `partition`: the partition that skipped offsets. */
  constructor(
    topic: string,
    partition: number,
    options: OffsetGapErrorOptions,
  ) {
    const { expected, actual, ...rest } = options;
    super(
      `Partition ${partition} of topic "${topic}" jumped from offset ${expected} to ${actual}; ` +
        `records ${expected}..${
          actual - 1
        } are not in the log (retention, compaction or ` +
        `transactions). Use a plain topic with enough retention, or clear the lake of this ` +
        `partition to start over.`,
      {
        ...rest,
        code: "OFFSET_GAP",
        context: { topic, partition, expected, actual, ...rest.context },
      },
    );
  }
}

/**
 * `run` or `drain` was called on a sink that is already running.
 *
 * @example
 * ```ts
 * import { SinkRunningError } from "./errors.ts";
 * console.log(new SinkRunningError().code); // SINK_RUNNING
 * ```
 */
export class SinkRunningError extends PipelineError {
  constructor(options: PipelineErrorOptions = {}) {
    super(
      "This sink is already running; call stop() (or wait for drain) before running it again.",
      { ...options, code: "SINK_RUNNING" },
    );
  }
}

/**
 * A lake object could not be written, after every attempt the sink's retry policy allows
 * (S3 unreachable, a full disk). Nothing of the object was committed, so the next run of
 * the sink reads its records again and writes it.
 *
 * @example
 * ```ts
 * import { LakeWriteError } from "./errors.ts";
 * const err = new LakeWriteError("topics/demo.pin/partition=0/demo.pin+0+0000000000.json", 16, {
 *   cause: new Error("No space left on device (os error 28)"),
 * });
 * console.log(err.code, err.context.attempts); // LAKE_WRITE_FAILED 16
 * ```
 */
export class LakeWriteError extends PipelineError {
  constructor(
    key: string,
    attempts: number,
    options: PipelineErrorOptions = {},
  ) {
    const cause = options.cause instanceof Error
      ? options.cause.message
      : String(options.cause);
    super(
      `The sink could not write ${key} to the lake (${attempts} attempt${
        attempts === 1 ? "" : "s"
      }; last error: ${cause}). Nothing of it was committed: fix the lake (free disk space, ` +
        `start the S3 server, check the credentials), then start the sink again; it writes ` +
        `the object then.`,
      {
        ...options,
        code: "LAKE_WRITE_FAILED",
        context: { key, attempts, ...options.context },
      },
    );
  }
}

/**
 * Options of {@linkcode LakeAheadOfLogError}: where the lake ends and where the log does.
 *
 * @example
 * ```ts
 * import { LakeAheadOfLogError, type LakeAheadOfLogErrorOptions } from "./errors.ts";
 * const options: LakeAheadOfLogErrorOptions = { lakeNext: 7, logEnd: 0 };
 * console.log(new LakeAheadOfLogError("demo.pin", 0, options).message.includes("holds no record")); // true
 * ```
 */
export interface LakeAheadOfLogErrorOptions extends PipelineErrorOptions {
  /** The offset after the lake's last record of the partition. */
  lakeNext: number;
  /** The offset after the log's last record of the partition (0 when it holds none). */
  logEnd: number;
  /** Other topics whose lake is ahead of the log too, so that one run names every folder. */
  alsoAhead?: readonly string[];
}

/**
 * The lake holds offsets of a partition that the log does not: the lake was written from
 * another log (the embedded log's file was removed, or the Kafka topic deleted and created
 * again). Going on would skip the log's records below the lake's end.
 *
 * @example
 * ```ts
 * import { LakeAheadOfLogError } from "./errors.ts";
 * const err = new LakeAheadOfLogError("demo.pin", 0, { lakeNext: 7, logEnd: 3 });
 * console.log(err.code, err.context.logEnd); // LAKE_AHEAD_OF_LOG 3
 * ```
 */
export class LakeAheadOfLogError extends PipelineError {
  /** `topic` and `partition`: the partition the lake and the log disagree on. */
  constructor(
    topic: string,
    partition: number,
    options: LakeAheadOfLogErrorOptions,
  ) {
    const { lakeNext, logEnd, alsoAhead = [], ...rest } = options;
    const held = logEnd === 0
      ? "holds no record"
      : `ends at offset ${logEnd - 1}`;
    const folders = alsoAhead.map((t) => `topics/${t}/`);
    const also = folders.length === 0
      ? ""
      : ` The lake is ahead of the log in ${
        folders.length === 1
          ? folders[0]
          : `${folders.slice(0, -1).join(", ")} and ${folders.at(-1)}`
      } too: move ${folders.length === 1 ? "it" : "them"} as well.`;
    super(
      `The lake holds partition ${partition} of topic "${topic}" up to offset ${
        lakeNext - 1
      }, but that partition of the log ${held}: the lake was written from another log ` +
        `(its file was removed, or the topic deleted and created again). The sink stopped ` +
        `rather than skip the log's records from offset ${logEnd} on: move the lake's ` +
        `topics/${topic}/ folder out of the way (or use another lake, or the log it was ` +
        `written from), then start the sink again.${also}`,
      {
        ...rest,
        code: "LAKE_AHEAD_OF_LOG",
        context: {
          topic,
          partition,
          lakeNext,
          logEnd,
          alsoAhead,
          ...rest.context,
        },
      },
    );
  }
}

/**
 * The program name the emulate job's in-process sink records in the lake's lock file.
 *
 * @example
 * ```ts
 * import { EMULATE_PROGRAM } from "./errors.ts";
 * console.log(EMULATE_PROGRAM); // deno task emulate
 * ```
 */
export const EMULATE_PROGRAM = "deno task emulate";

/**
 * The sink that holds a lake's lock, as it recorded itself in the lock file.
 *
 * @example
 * ```ts
 * import type { LakeHolder } from "./errors.ts";
 * const holder: LakeHolder = { pid: 4242, group: "s3-sink", topics: ["pinterest.pin"], since: "2026-11-27T10:00:00.000Z" };
 * console.log(holder.pid); // 4242
 * ```
 */
export interface LakeHolder {
  /** Its process id. */
  pid: number;
  /** Its consumer group. */
  group: string;
  /** The topics it moves into the lake. */
  topics: string[];
  /** When it took the lock, as an ISO 8601 time. */
  since: string;
  /**
   * The program the sink runs in, e.g. `deno task emulate` (whose sink is in-process);
   * absent when the holder did not say.
   */
  program?: string;
}

/**
 * Options of {@linkcode LakeBusyError}: the lock file and who holds it.
 *
 * @example
 * ```ts
 * import type { LakeBusyErrorOptions } from "./errors.ts";
 * const options: LakeBusyErrorOptions = { lockPath: ".data/lake.sink.lock", holder: null };
 * console.log(options.lockPath); // .data/lake.sink.lock
 * ```
 */
export interface LakeBusyErrorOptions extends PipelineErrorOptions {
  /** The lock file of the lake. */
  lockPath: string;
  /** Who holds it; `null` when it has not recorded itself yet. */
  holder: LakeHolder | null;
}

/**
 * Another sink holds the lock of the lake folder this one would write. The lake's object
 * names carry no consumer group, so two sinks on one lake, whatever their groups, would each
 * write every record, in objects of their own boundaries (the same key with other records,
 * objects overlapping), and the lake would hold records twice.
 *
 * @example
 * ```ts
 * import { LakeBusyError } from "./errors.ts";
 * const err = new LakeBusyError(".data/lake", {
 *   lockPath: ".data/lake.sink.lock",
 *   holder: { pid: 4242, group: "s3-sink", topics: ["pinterest.pin"], since: "2026-11-27T10:00:00.000Z" },
 * });
 * console.log(err.code, err.message.includes("`kill 4242`")); // LAKE_BUSY true
 * ```
 */
export class LakeBusyError extends PipelineError {
  /** `lake`: the folder of the lake. */
  constructor(lake: string, options: LakeBusyErrorOptions) {
    const { lockPath, holder, ...rest } = options;
    const own = holder?.pid === Deno.pid;
    const program = holder?.program === undefined ? "" : `${holder.program}, `;
    const who = holder === null
      ? "a sink that has not recorded its process id yet"
      : `${own ? "a sink of this process" : `process ${holder.pid}`} ` +
        `(${program}consumer group "${holder.group}", running since ${holder.since})`;
    const stop = holder === null || own
      ? "Stop that sink first"
      : holder.program === EMULATE_PROGRAM
      // A job's sink ends with the job: killing it only ends its posting early.
      ? "That job stops its sink once it has posted and drained what was acknowledged: " +
        `wait for it to end (\`kill ${holder.pid}\` ends its posting early)`
      : `Stop that sink first (\`kill ${holder.pid}\` stops it)`;
    super(
      `The lake ${lake} is being written by another sink: ${who} holds its lock ` +
        `${lockPath}. Two sinks on one lake, whatever their consumer groups, each write ` +
        `every record, in objects of their own boundaries, so the lake would hold records ` +
        `twice. ${stop}, or leave the topics to it (\`deno task emulate --post-only\` ` +
        `posts beside it).`,
      {
        ...rest,
        code: "LAKE_BUSY",
        context: {
          lake,
          lockPath,
          pid: holder?.pid ?? null,
          group: holder?.group ?? null,
          ...rest.context,
        },
      },
    );
  }
}
