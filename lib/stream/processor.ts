/**
 * The stream processor: consumes `streaming-{prefix}-pin|geo|user`, cleans each
 * micro-batch with the shared cleaning functions and appends the rows to the tables
 * `stream_pin`, `stream_geo`, `stream_user` (rejected rows to `stream_quarantine`) under
 * `outDir`, exactly once across crashes. The commit protocol is described in
 * `table_store.ts`; the session (reader positions + commit) in `session.ts`.
 *
 * Triggers follow Spark's processing-time trigger: a micro-batch starts every
 * `triggerIntervalMs`; when one takes longer, the next starts right after it.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import type { StreamLog } from "../log/types.ts";
import { type Logger, silentLogger } from "../logger.ts";
import type { TableStoreOptions } from "./table_store.ts";
import { type BatchCommit, openSession, type Session } from "./session.ts";
import { POST_KINDS, type PostKind } from "./micro_batch.ts";
import { StreamBatchError, StreamCheckpointError } from "./errors.ts";
import { foreignStreamsError, readCheckpoint } from "./checkpoint.ts";
import { sleep } from "../sleep.ts";

/**
 * Options of {@linkcode createStreamProcessor}.
 *
 * @example
 * ```ts
 * import type { StreamProcessorOptions } from "./processor.ts";
 * const options: Partial<StreamProcessorOptions> = { prefix: "demo", triggerIntervalMs: 500, maxBatchRecords: 5_000 };
 * console.log(options.triggerIntervalMs); // 500
 * ```
 */
export interface StreamProcessorOptions {
  /** Where the records come from. */
  streams: StreamLog;
  /** Stream name prefix (default `pinterest`: `streaming-pinterest-pin`, ...). */
  prefix?: string;
  /** Output directory of the tables and the checkpoint (default `.data/stream`). */
  outDir?: string;
  /** Time between micro-batch starts in `run` (default 1000 ms). */
  triggerIntervalMs?: number;
  /** Most records one micro-batch takes from one stream (default 10,000). */
  maxBatchRecords?: number;
  /**
   * Record bytes after which a micro-batch reads no further page of a stream (default
   * 64 MiB; it may pass it by one page, at most 10 MiB): large records make smaller batches,
   * not an unbounded one.
   */
  maxBatchBytes?: number;
  /**
   * `run` gives up after this many failed batches in a row (default 8). It waits longer
   * after each, from one trigger interval doubling up to 30 s: about 2 minutes at the 1 s
   * trigger, time for a stream service to come back.
   */
  maxConsecutiveFailures?: number;
  /** Progress and problems (default: silent). */
  logger?: Logger;
  /** Called after every committed batch (e.g. by the latency bench). */
  onCommit?: (commit: BatchCommit) => void;
  /**
   * Merge a table's micro-batch parts into one file once this many were written since its
   * last merge (default 256; at least 2), so a long run does not leave a file per batch.
   */
  compactAfterParts?: number;
  /** Fault-injection hook at each commit step (tests). */
  onCommitStep?: TableStoreOptions["onCommitStep"];
  /**
   * The program this process runs (`deno task stream`, `deno task emulate`), recorded in
   * the output directory's lock file: a processor refused while this one holds it is told
   * who holds it, and whether to stop it or wait for it.
   */
  program?: string;
  /**
   * Called once `run` or `runOnce` holds the output directory (lock taken, leftovers
   * recovered), before its first batch: one refused (another processor holds it) never
   * calls it, so a program can say it runs only once it does.
   */
  onOpen?: () => void;
}

/**
 * Counters of a processor since it was created.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { createStreamProcessor, type StreamProcessorStats } from "./processor.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const processor = createStreamProcessor({ streams: log.streams, outDir: await Deno.makeTempDir() });
 * const stats: StreamProcessorStats = await processor.runOnce();
 * console.log(stats.batches, stats.failures, stats.lastBatchId); // 0 0 0
 * await log.close();
 * ```
 */
export interface StreamProcessorStats {
  /** Committed micro-batches. */
  batches: number;
  /** Stream records consumed by committed batches. */
  records: number;
  /** Rows appended per table. */
  rows: Record<string, number>;
  /** Failed micro-batches (each retried from the last checkpoint). */
  failures: number;
  /** The last committed batch id (from the checkpoint; 0 before any). */
  lastBatchId: number;
}

/**
 * A running or runnable stream processor.
 *
 * @example
 * ```ts
 * import type { StreamProcessor } from "./processor.ts";
 * async function runFor(processor: StreamProcessor, ms: number): Promise<number> {
 *   await processor.run(AbortSignal.timeout(ms));
 *   return processor.stats.records;
 * }
 * ```
 */
export interface StreamProcessor {
  /** Processes micro-batches every trigger interval until `signal` aborts. */
  run(signal?: AbortSignal): Promise<void>;
  /**
   * Processes everything available now, in as many batches as needed, then returns: it
   * stops after the first batch that read every stream to its end, so records posted
   * while it runs may be left for the next run.
   */
  runOnce(): Promise<StreamProcessorStats>;
  /** Live counters. */
  readonly stats: StreamProcessorStats;
}

/**
 * Creates a stream processor. Nothing is opened until `run` or `runOnce`; each call
 * takes the output directory's lock, recovers from its checkpoint and releases it at
 * the end, so a call is exactly one "process lifetime".
 *
 * @example
 * ```ts
 * import { createStreamProcessor } from "./processor.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const processor = createStreamProcessor({
 *   streams: log.streams,
 *   outDir: await Deno.makeTempDir(),
 * });
 * console.log((await processor.runOnce()).records); // 0: the streams do not exist yet
 * await log.close();
 * ```
 */
export function createStreamProcessor(
  options: StreamProcessorOptions,
): StreamProcessor {
  const prefix = options.prefix ?? "pinterest";
  const outDir = options.outDir ?? ".data/stream";
  const logger = options.logger ?? silentLogger;
  const interval = checkLimit(
    "triggerIntervalMs",
    options.triggerIntervalMs ?? 1000,
  );
  const maxFailures = checkLimit(
    "maxConsecutiveFailures",
    options.maxConsecutiveFailures ?? 8,
  );
  const maxBatchRecords = checkLimit(
    "maxBatchRecords",
    options.maxBatchRecords ?? 10_000,
  );
  const maxBatchBytes = checkLimit(
    "maxBatchBytes",
    options.maxBatchBytes ?? 64 * 1024 * 1024,
  );
  const compactAfterParts = checkLimit(
    "compactAfterParts",
    options.compactAfterParts ?? 256,
  );
  const streamNames = streamNamesOf(prefix);
  const stats: StreamProcessorStats = {
    batches: 0,
    records: 0,
    rows: {},
    failures: 0,
    lastBatchId: 0,
  };

  const open = async () => {
    const session = await openSession(outDir, {
      streams: options.streams,
      streamNames,
      logger,
      maxBatchRecords,
      maxBatchBytes,
      compactAfterParts,
      onCommitStep: options.onCommitStep,
      program: options.program,
    });
    stats.lastBatchId = session.checkpoint().batchId;
    try {
      options.onOpen?.();
    } catch (e) {
      await session.close();
      throw e;
    }
    return session;
  };

  /** `e`, which failed batch `batchId`, as a StreamBatchError saying if it was committed. */
  const failed = (session: Session, batchId: number, e: unknown) => {
    stats.failures++;
    // The batch may have failed after its checkpoint's rename (the commit point).
    stats.lastBatchId = session.checkpoint().batchId;
    return new StreamBatchError(batchId, e, {
      committed: stats.lastBatchId === batchId,
      context: { outDir },
    });
  };

  /** One batch; returns its commit, `null` without records. Throws StreamBatchError. */
  const step = async (session: Session): Promise<BatchCommit | null> => {
    let commit: BatchCommit | null;
    const batchId = session.checkpoint().batchId + 1;
    try {
      commit = await session.step();
    } catch (e) {
      // Tables that are not these streams' stay so: that is not a batch to retry.
      if (e instanceof StreamCheckpointError) {
        stats.failures++;
        throw e;
      }
      throw failed(session, batchId, e);
    }
    if (commit === null) return null;
    stats.batches++;
    stats.records += commit.records.length;
    stats.lastBatchId = commit.batchId;
    for (const [table, n] of Object.entries(commit.rows)) {
      stats.rows[table] = (stats.rows[table] ?? 0) + n;
    }
    logger.info("stream: committed micro-batch", {
      batch: commit.batchId,
      records: commit.records.length,
      rows: commit.rows,
      ms: commit.committedAt - commit.startedAt,
      phases: commit.phases,
    });
    try {
      options.onCommit?.(commit);
    } catch (e) {
      throw failed(session, batchId, e);
    }
    return commit;
  };

  return {
    stats,
    async runOnce() {
      const session = await open();
      try {
        // Up to the batch that read every stream to its end: records posted meanwhile are
        // the next run's, or a writer that never pauses would keep this one going.
        for (let c = await step(session); c && !c.caughtUp;) {
          c = await step(session);
        }
      } catch (e) {
        // Nothing retries it: the error says the run stopped.
        throw e instanceof StreamBatchError ? stopped(e, 1) : e;
      } finally {
        await session.close();
      }
      return stats;
    },
    async run(signal) {
      const session = await open();
      let failuresInRow = 0;
      let next = performance.now();
      try {
        while (!signal?.aborted) {
          try {
            await step(session);
            failuresInRow = 0;
          } catch (e) {
            if (e instanceof StreamCheckpointError) throw e;
            // The last failure stops the run: its line and its error say so, not that the
            // batch will be retried.
            const last = ++failuresInRow >= maxFailures;
            const error = last && e instanceof StreamBatchError
              ? stopped(e, failuresInRow)
              : e;
            logger.error((error as Error).message, {
              cause: String((error as Error).cause),
            });
            if (last) throw error;
            await session.reset();
            // Back off before retrying: 1, 3, 7, 15 intervals..., at most 30 s.
            next += Math.min(30_000, interval * (2 ** failuresInRow - 1));
          }
          next = Math.max(next + interval, performance.now());
          await sleep(next - performance.now(), signal);
        }
      } finally {
        await session.close();
      }
    },
  };
}

/**
 * The numeric options and what each must be: a processor reading nothing (no record, no
 * byte a batch) or polling without a pause would do so silently.
 */
const LIMITS = {
  triggerIntervalMs: {
    min: 1,
    whole: false,
    problem: "must be a number of milliseconds >= 1",
  },
  maxBatchRecords: {
    min: 1,
    whole: true,
    problem: "must be a whole number of records >= 1",
  },
  maxBatchBytes: {
    min: 1,
    whole: true,
    problem: "must be a whole number of bytes >= 1",
  },
  maxConsecutiveFailures: {
    min: 1,
    whole: true,
    problem: "must be a whole number >= 1",
  },
  compactAfterParts: {
    min: 2,
    whole: true,
    problem: "must be a whole number of parts >= 2",
  },
};

/** `value` of option `name`; a {@linkcode ConfigError} when it breaks its limit. */
function checkLimit(name: keyof typeof LIMITS, value: number): number {
  const { min, whole, problem } = LIMITS[name];
  const ok = whole ? Number.isSafeInteger(value) : Number.isFinite(value);
  if (!ok || value < min) throw new ConfigError(name, problem, { value });
  return value;
}

/** `e` as the failure that stopped the processor, after `failuresInRow` in a row. */
function stopped(e: StreamBatchError, failuresInRow: number): StreamBatchError {
  return new StreamBatchError(e.context.batchId as number, e.cause, {
    context: e.context,
    committed: e.context.committed === true,
    failuresInRow,
  });
}

function streamNamesOf(prefix: string): Record<PostKind, string> {
  return Object.fromEntries(
    POST_KINDS.map((k) => [k, `streaming-${prefix}-${k}`]),
  ) as Record<PostKind, string>;
}

/**
 * Throws `StreamCheckpointError` when the stream tables in `outDir` were written from the
 * streams of another prefix than `prefix`, as a processor opening them would: a job can
 * call it before doing any work.
 *
 * @example
 * ```ts
 * import { checkStreamOutput } from "./processor.ts";
 * await checkStreamOutput(await Deno.makeTempDir(), "pinterest"); // no tables yet: fine
 * ```
 */
export async function checkStreamOutput(
  outDir: string,
  prefix: string,
): Promise<void> {
  const names = Object.values(streamNamesOf(prefix));
  const foreign = foreignStreamsError(await readCheckpoint(outDir), {
    dir: outDir,
    streams: names,
  });
  if (foreign) throw foreign;
}
