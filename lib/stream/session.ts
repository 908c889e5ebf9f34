/**
 * One writing session of the stream processor: the locked output directory, one shard
 * reader per stream resuming at the checkpoint, and the micro-batch step that reads,
 * cleans and commits. A failed step leaves nothing visible; {@linkcode Session.reset}
 * then rebuilds everything from the files on disk, exactly as a restart would, but keeps
 * the output directory's lock.
 *
 * @module
 */

import { createShardReader, type ShardReader } from "../log/mod.ts";
import type { StreamLog, StreamRecord } from "../log/types.ts";
import { StreamNotFoundError } from "../errors.ts";
import { StreamCheckpointError } from "./errors.ts";
import type { Logger } from "../logger.ts";
import {
  type Checkpoint,
  CHECKPOINT_FILE,
  foreignStreamsError,
  type StreamPositions,
} from "./checkpoint.ts";
import { mergeParquetParts } from "./merge_parts.ts";
import {
  cleanMicroBatch,
  type PostKind,
  STREAM_TABLE_NAMES,
} from "./micro_batch.ts";
import { openTableStore, type TableStoreOptions } from "./table_store.ts";
import { isThrottled, THROTTLE_WAITS_MS } from "./throttling.ts";
import { readPastStart } from "./caught_up.ts";
import { sleep } from "../sleep.ts";

/**
 * One record of a committed batch, as the log named it.
 *
 * @example
 * ```ts
 * import type { RecordKey } from "./session.ts";
 * const key: RecordKey = { stream: "streaming-demo-pin", shardId: "shardId-000000000000", sequenceNumber: "42" };
 * console.log(`${key.shardId}/${key.sequenceNumber}`); // shardId-000000000000/42
 * ```
 */
export interface RecordKey {
  /** Stream name. */
  stream: string;
  /** Shard the record was read from. */
  shardId: string;
  /** Its sequence number in that shard (decimal string). */
  sequenceNumber: string;
}

/**
 * What a committed micro-batch contained, given to `onCommit`.
 *
 * @example
 * ```ts
 * import type { BatchCommit } from "./session.ts";
 * const onCommit = (c: BatchCommit) =>
 *   console.log(`batch ${c.batchId}: ${c.records.length} records, readable after ${c.committedAt - c.startedAt} ms`);
 * ```
 */
export interface BatchCommit {
  /** The committed batch id (the checkpoint's). */
  batchId: number;
  /** When the batch started reading, epoch ms. */
  startedAt: number;
  /** When its checkpoint was durable (the rows became readable), epoch ms. */
  committedAt: number;
  /** Rows added per table (tables without rows are absent). */
  rows: Record<string, number>;
  /** Every stream record the batch consumed. */
  records: RecordKey[];
  /** Milliseconds spent reading the streams, cleaning, encoding Parquet and committing. */
  phases: { read: number; clean: number; encode: number; commit: number };
  /**
   * Whether the batch read every stream to its end, or past what arrived before the batch
   * began (no batch limit cut it short): what was posted before it began is all committed.
   */
  caughtUp: boolean;
}

/**
 * Options of {@linkcode openSession}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { silentLogger } from "../logger.ts";
 * import { openSession, type SessionOptions } from "./session.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const options: SessionOptions = { streams: log.streams, logger: silentLogger, maxBatchRecords: 10_000,
 *   maxBatchBytes: 64 << 20, compactAfterParts: 256,
 *   streamNames: { pin: "streaming-demo-pin", geo: "streaming-demo-geo", user: "streaming-demo-user" } };
 * const session = await openSession(await Deno.makeTempDir(), options);
 * console.log(await session.step()); // null: no stream exists yet
 * await session.close();
 * await log.close();
 * ```
 */
export interface SessionOptions {
  /** Where the records come from. */
  streams: StreamLog;
  /** Stream name per post kind. */
  streamNames: Record<PostKind, string>;
  /** Recovery and missing-stream warnings. */
  logger: Logger;
  /** Most records one batch takes from one stream. */
  maxBatchRecords: number;
  /** Record bytes after which a batch reads no further page of a stream. */
  maxBatchBytes: number;
  /** Merge a table's micro-batch parts into one file once this many are written (≥ 2). */
  compactAfterParts: number;
  /** Fault-injection hook at each commit step (tests). */
  onCommitStep?: TableStoreOptions["onCommitStep"];
  /** The program this process runs, recorded in the output directory's lock file. */
  program?: string;
}

/**
 * An open session; see the module doc.
 *
 * @example
 * ```ts
 * import type { Session } from "./session.ts";
 * async function stepOnce(session: Session) {
 *   try {
 *     return await session.step();
 *   } catch (e) {
 *     await session.reset(); // nothing of the batch is visible: start again from the checkpoint
 *     throw e;
 *   }
 * }
 * ```
 */
export interface Session {
  /** Runs one micro-batch; resolves to its commit, or `null` when no record was waiting. */
  step(): Promise<BatchCommit | null>;
  /**
   * Drops in-memory state and recovers from disk (after a failed step), holding the
   * lock throughout: no other processor can take the output directory meanwhile.
   */
  reset(): Promise<void>;
  /** The last committed checkpoint. */
  checkpoint(): Checkpoint;
  /** Releases the output directory's lock. */
  close(): Promise<void>;
}

/**
 * Opens a session on `outDir`: takes the lock, recovers and positions the readers.
 *
 * @example
 * ```ts
 * import { openSession } from "./session.ts";
 * import { consoleLogger } from "../logger.ts";
 * import type { StreamLog } from "../log/types.ts";
 * async function oneStep(streams: StreamLog) {
 *   const s = await openSession(".data/stream", {
 *     streams, logger: consoleLogger, maxBatchRecords: 10_000, maxBatchBytes: 64 << 20,
 *     compactAfterParts: 256,
 *     streamNames: { pin: "streaming-pinterest-pin", geo: "streaming-pinterest-geo", user: "streaming-pinterest-user" },
 *   });
 *   console.log(await s.step());
 *   await s.close();
 * }
 * ```
 */
export async function openSession(
  outDir: string,
  options: SessionOptions,
): Promise<Session> {
  const kinds = Object.keys(options.streamNames) as PostKind[];
  const store = await openTableStore(outDir, {
    tables: Object.values(STREAM_TABLE_NAMES),
    compaction: {
      parts: options.compactAfterParts,
      merge: mergeParquetParts,
    },
    onCommitStep: options.onCommitStep,
    program: options.program,
  });
  let readers: Partial<Record<PostKind, ShardReader>>;
  const missing = new Set<string>();
  /** Streams whose reads are throttled, warned about once until a read passes. */
  const throttled = new Set<string>();

  /** Checks the store's checkpoint, then starts the readers again from it. */
  const start = () => {
    // Tables of other streams (another --prefix) must not get these streams' rows mixed in.
    const foreign = foreignStreamsError(store.checkpoint(), {
      dir: outDir,
      streams: Object.values(options.streamNames),
    });
    if (foreign) throw foreign;
    readers = {};
    if (store.recovered.length > 0) {
      options.logger.warn(
        "stream: removed the leftovers of an uncommitted batch",
        {
          files: store.recovered,
        },
      );
    }
  };

  /** Most records one poll of a shard reader returns. */
  const pollRecords = Math.min(options.maxBatchRecords, 1000);

  /** The reader of `kind`, a new one starting at `from` (default: the checkpoint). */
  const readerOf = (
    kind: PostKind,
    from?: Record<string, string>,
  ): ShardReader => {
    const stream = options.streamNames[kind];
    return readers[kind] ??= createShardReader(options.streams, stream, {
      positions: from ?? store.checkpoint().positions[stream] ?? {},
      batchSize: pollRecords,
      maxBytes: options.maxBatchBytes,
      idleMs: 0, // the processor's trigger does the waiting
      onRecreated: ({ was, now }) => {
        const checkpointed = new Date(was).toISOString();
        const created = new Date(now).toISOString();
        // A stream created again is newer than the one checkpointed; an older one is
        // another stream of that name, whose records the tables may hold already.
        if (now < was) {
          throw new StreamCheckpointError(
            `${outDir}/${CHECKPOINT_FILE}`,
            `holds the positions of ${stream} as created at ${checkpointed}, and the ` +
              `stream of that name was created earlier, at ${created}: the tables hold ` +
              `the records of other streams of that name (another profile's, or a log ` +
              `file put back), and reading this one from its start would add its ` +
              `records again`,
          );
        }
        options.logger.warn(
          "stream: the stream was deleted and created again since the checkpoint; reading the new one from its start",
          { stream, checkpointed, created },
        );
      },
    });
  };

  /**
   * The records of one stream for a batch begun at `since`, and whether it was read to its
   * end or past what arrived before `since` (see `caught_up.ts`).
   */
  const pollStream = async (
    kind: PostKind,
    since: number,
  ): Promise<{ records: StreamRecord[]; drained: boolean }> => {
    const stream = options.streamNames[kind];
    const out: StreamRecord[] = [];
    let bytes = 0;
    let drained = false;
    let waits = 0;
    try {
      while (
        out.length < options.maxBatchRecords && bytes < options.maxBatchBytes
      ) {
        const before = readerOf(kind).positions();
        let got: StreamRecord[];
        try {
          got = await readers[kind]!.poll();
          throttled.delete(stream);
        } catch (e) {
          if (!isThrottled(e)) throw e;
          // The failed poll may have moved the reader past records it never returned.
          delete readers[kind];
          readerOf(kind, before);
          if (!throttled.has(stream)) {
            options.logger.warn(
              "stream: the stream service throttles reads; backing off",
              { stream, error: (e as Error).message },
            );
            throttled.add(stream);
          }
          // What was read is committed; the next batch reads on.
          if (out.length > 0) break;
          if (waits >= THROTTLE_WAITS_MS.length) throw e;
          await sleep(THROTTLE_WAITS_MS[waits++]);
          continue;
        }
        if (got.length === 0) {
          drained = true;
          break;
        }
        out.push(...got);
        for (const r of got) bytes += r.data.byteLength;
        if (
          bytes < options.maxBatchBytes &&
          readPastStart(got, { since, pollRecords })
        ) {
          drained = true;
          break;
        }
      }
      missing.delete(stream);
    } catch (e) {
      if (!(e instanceof StreamNotFoundError) || out.length > 0) throw e;
      drained = true;
      delete readers[kind];
      if (!missing.has(stream)) {
        options.logger.warn(
          "stream: waiting for a stream that does not exist yet",
          { stream },
        );
        missing.add(stream);
      }
    }
    return { records: out, drained };
  };

  /** Compacts what is due; a failure is logged, the committed batch stands. */
  const compact = async () => {
    const started = performance.now();
    try {
      for (const c of await store.compact()) {
        options.logger.info("stream: merged parts", {
          ...c,
          ms: Math.round(performance.now() - started),
        });
      }
    } catch (error) {
      options.logger.warn(
        "stream: merging parts failed; they stay as they are, and the next start tidies up",
        { error: String(error) },
      );
    }
  };

  try {
    start();
  } catch (e) {
    await store.close();
    throw e;
  }
  return {
    checkpoint: () => store.checkpoint(),
    async step() {
      const startedAt = Date.now();
      let mark = performance.now();
      const lap = () => {
        const now = performance.now();
        const ms = Math.round(now - mark);
        mark = now;
        return ms;
      };
      const polled = {} as Record<PostKind, StreamRecord[]>;
      let caughtUp = true;
      for (const kind of kinds) {
        const { records, drained } = await pollStream(kind, startedAt);
        polled[kind] = records;
        caughtUp &&= drained;
      }
      const total = kinds.reduce((n, k) => n + polled[k].length, 0);
      if (total === 0) return null;
      const positions: StreamPositions = { ...store.checkpoint().positions };
      for (const kind of kinds) {
        const reader = readers[kind];
        if (reader) positions[options.streamNames[kind]] = reader.positions();
      }
      const read = lap();
      // Scratch in the output folder, not the system temp dir: if the process is killed,
      // the next open of the table store removes it with the batch's other leftovers.
      const tables = await cleanMicroBatch(polled, { tempDir: outDir });
      const clean = lap();
      const parts: Record<string, Uint8Array> = {};
      const rows: Record<string, number> = {};
      for (const [table, df] of Object.entries(tables)) {
        if (df.height === 0) continue;
        parts[table] = new Uint8Array(df.writeParquet({ compression: "zstd" }));
        rows[table] = df.height;
      }
      const encode = lap();
      const cp = await store.commit({ parts, rows, positions });
      const committedAt = Date.now();
      const commit = lap();
      await compact();
      const records = kinds.flatMap((k) =>
        polled[k].map((r) => ({
          stream: r.stream,
          shardId: r.shardId,
          sequenceNumber: r.sequenceNumber,
        }))
      );
      return {
        batchId: cp.batchId,
        startedAt,
        committedAt,
        rows,
        records,
        phases: { read, clean, encode, commit },
        caughtUp,
      };
    },
    async reset() {
      await store.reload();
      start();
    },
    close: () => store.close(),
  };
}
