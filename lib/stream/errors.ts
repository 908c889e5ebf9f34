/**
 * Errors of the stream processor: a checkpoint that cannot be used, an output directory
 * that cannot be prepared or is held by another processor, files of the tables that the disk
 * refuses to write, a stream table missing rows its checkpoint counts or with a part that
 * cannot be read, and a failed micro-batch.
 *
 * @module
 */

import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * Options of {@linkcode StreamCheckpointError}, besides the common ones.
 *
 * @example
 * ```ts
 * import { StreamCheckpointError, type StreamCheckpointErrorOptions } from "./errors.ts";
 * const options: StreamCheckpointErrorOptions = { advice: "Make it a file this user can read." };
 * const err = new StreamCheckpointError(".data/stream/_checkpoint.json", "cannot be read", options);
 * console.log(err.message); // Stream checkpoint .data/stream/_checkpoint.json: cannot be read. Make it a file this user can read.
 * ```
 */
export interface StreamCheckpointErrorOptions extends PipelineErrorOptions {
  /**
   * What to do, in place of the default (use another output directory, or delete this one
   * to start over): for a file that cannot be read, where starting over would be wrong.
   */
  advice?: string;
}

/**
 * The checkpoint file is unreadable, or was written for other streams than the ones
 * this processor consumes.
 *
 * @example
 * ```ts
 * import { StreamCheckpointError } from "./errors.ts";
 * const err = new StreamCheckpointError(".data/stream/_checkpoint.json", "not valid JSON");
 * console.log(err.code); // STREAM_CHECKPOINT
 * ```
 */
export class StreamCheckpointError extends PipelineError {
  /** `path`: the checkpoint file; `problem`: what is wrong with it. */
  constructor(
    path: string,
    problem: string,
    options: StreamCheckpointErrorOptions = {},
  ) {
    const { advice, ...rest } = options;
    super(
      `Stream checkpoint ${path}: ${problem}. ${
        advice ??
          "Point the processor at another output directory (--data-dir) or delete that directory to start over from the streams' start."
      }`,
      {
        ...rest,
        code: "STREAM_CHECKPOINT",
        context: { path, ...rest.context },
      },
    );
  }
}

/**
 * Options of {@linkcode StreamTableError}: the rows its parts hold, the checkpoint's count.
 *
 * @example
 * ```ts
 * import { StreamTableError, type StreamTableErrorOptions } from "./errors.ts";
 * const options: StreamTableErrorOptions = { rows: 3, expected: 18 };
 * console.log(new StreamTableError(".data/stream", "stream_geo", options).context.expected); // 18
 * ```
 */
export interface StreamTableErrorOptions extends PipelineErrorOptions {
  /** How many rows the table's committed parts hold. */
  rows: number;
  /** How many rows the checkpoint counts for the table. */
  expected: number;
}

/**
 * A stream table holds fewer (or more) rows than its checkpoint counts: a part file was
 * removed or replaced after it was committed.
 *
 * @example
 * ```ts
 * import { StreamTableError } from "./errors.ts";
 * const err = new StreamTableError(".data/stream", "stream_geo", { rows: 3, expected: 18 });
 * console.log(err.code); // STREAM_TABLE
 * ```
 */
export class StreamTableError extends PipelineError {
  /** `dir`: the output directory; `table`: the table whose row count is off. */
  constructor(
    dir: string,
    table: string,
    options: StreamTableErrorOptions,
  ) {
    const { rows, expected, ...rest } = options;
    super(
      `Stream table ${table} in ${dir} holds ${rows} row${
        rows === 1 ? "" : "s"
      }, but its checkpoint counts ${expected}: ` +
        `a part file was removed or replaced. ${rebuild(dir)}`,
      {
        ...rest,
        code: "STREAM_TABLE",
        context: { dir, table, rows, expected, ...rest.context },
      },
    );
  }
}

/**
 * Options of {@linkcode StreamPartError}: `cause`, the reader's error, is required.
 *
 * @example
 * ```ts
 * import { StreamPartError, type StreamPartErrorOptions } from "./errors.ts";
 * const options: StreamPartErrorOptions = { cause: new Error("out of specification") };
 * const err = new StreamPartError(".data/stream", ".data/stream/stream_geo/part-000000000001.parquet", options);
 * console.log(err.cause === options.cause); // true
 * ```
 */
export interface StreamPartErrorOptions extends PipelineErrorOptions {
  /** The error the parquet reader threw; its message goes into this one's. */
  cause: unknown;
}

/**
 * A committed part file of a stream table cannot be read: it was damaged after the commit.
 *
 * @example
 * ```ts
 * import { StreamPartError } from "./errors.ts";
 * const err = new StreamPartError(".data/stream", ".data/stream/stream_geo/part-000000000001.parquet", {
 *   cause: new Error("out of specification"),
 * });
 * console.log(err.code); // STREAM_PART
 * ```
 */
export class StreamPartError extends PipelineError {
  /** `dir`: the output directory; `path`: the part file. */
  constructor(
    dir: string,
    path: string,
    options: StreamPartErrorOptions,
  ) {
    const { cause } = options;
    super(
      `Stream table part ${path} cannot be read (${
        cause instanceof Error ? cause.message : String(cause)
      }): the file is damaged. ${rebuild(dir)}`,
      {
        ...options,
        code: "STREAM_PART",
        context: { dir, path, ...options.context },
      },
    );
  }
}

/** What to do about a damaged stream output directory. */
function rebuild(dir: string): string {
  return `Restore it, or delete ${dir} to rebuild the tables from the streams (records past the streams' retention cannot come back).`;
}

export {
  STREAM_PROGRAM,
  type StreamHolder,
  StreamLockedError,
  type StreamLockedErrorOptions,
} from "./lock_error.ts";

/**
 * The output directory of the stream tables (or one of its table folders, or its lock
 * file) cannot be created: a file in the way, a full disk, no permission.
 *
 * @example
 * ```ts
 * import { StreamDirError } from "./errors.ts";
 * const err = new StreamDirError(".data/stream", new Error("Not a directory"));
 * console.log(err.code); // STREAM_DIR
 * ```
 */
export class StreamDirError extends PipelineError {
  /** `dir`: the output directory; `cause`: why it could not be prepared. */
  constructor(dir: string, cause: unknown, options: PipelineErrorOptions = {}) {
    super(
      `Could not prepare the stream tables in ${dir} (${
        cause instanceof Error ? cause.message : String(cause)
      }); check that the folder can be created and written, or use another --data-dir.`,
      {
        ...options,
        cause,
        code: "STREAM_DIR",
        context: { dir, ...options.context },
      },
    );
  }
}

/**
 * Reading or writing the files of the stream tables failed in the operating system: a
 * full disk, a read-only file system, no permission. Only the output folder says where
 * (Deno's own message for a full disk names no file).
 *
 * @example
 * ```ts
 * import { StreamIoError } from "./errors.ts";
 * const err = new StreamIoError(".data/stream", new Error("No space left on device (os error 28)"));
 * console.log(err.code, err.message.startsWith("Could not write the stream tables in .data/stream")); // STREAM_IO true
 * ```
 */
export class StreamIoError extends PipelineError {
  /** `dir`: the output directory; `cause`: the operating system's error. */
  constructor(dir: string, cause: unknown, options: PipelineErrorOptions = {}) {
    super(
      `Could not write the stream tables in ${dir} (${
        cause instanceof Error ? cause.message : String(cause)
      }); check that its disk has free space and that this user may write the folder`,
      {
        ...options,
        cause,
        code: "STREAM_IO",
        context: { dir, ...options.context },
      },
    );
  }
}

/**
 * Options of {@linkcode StreamBatchError}, besides the common ones.
 *
 * @example
 * ```ts
 * import { StreamBatchError, type StreamBatchErrorOptions } from "./errors.ts";
 * const options: StreamBatchErrorOptions = { failuresInRow: 8 };
 * console.log(new StreamBatchError(7, new Error("disk full"), options).message.includes("stopped after 8")); // true
 * ```
 */
export interface StreamBatchErrorOptions extends PipelineErrorOptions {
  /**
   * Set when the processor stops on this failure: how many micro-batches failed in a row
   * (1 for `runOnce`, which does not retry). The message then says it stopped, rather than
   * that the batch will be retried.
   */
  failuresInRow?: number;
  /**
   * The batch failed after its commit point (the checkpoint renamed into place; then the
   * folder's fsync, or the `onCommit` callback): its rows are in the tables, and the
   * processor goes on with the next batch.
   */
  committed?: boolean;
}

/**
 * A micro-batch failed (reading the streams, cleaning or committing). Nothing of the
 * batch is visible; the next attempt starts again from the last checkpoint. Unless it
 * failed after its commit (option `committed`): then all of it is, and the next attempt
 * goes on after it.
 *
 * @example
 * ```ts
 * import { StreamBatchError } from "./errors.ts";
 * const err = new StreamBatchError(7, new Error("disk full"));
 * console.log(err.context.batchId); // 7
 * const last = new StreamBatchError(7, new Error("disk full"), { failuresInRow: 8 });
 * console.log(last.message.includes("stopped after 8")); // true
 * const after = new StreamBatchError(7, new Error("fsync failed"), { committed: true });
 * console.log(after.message.includes("was committed")); // true
 * ```
 */
export class StreamBatchError extends PipelineError {
  /** `batchId`: the batch that failed; `cause`: why. */
  constructor(
    batchId: number,
    cause: unknown,
    options: StreamBatchErrorOptions = {},
  ) {
    const { failuresInRow, committed = false, ...rest } = options;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const what = committed
      ? `was committed, then failed (${reason}); its rows are in the tables and`
      : `failed (${reason}); nothing of it was committed and`;
    const next = failuresInRow !== undefined
      ? `the processor stopped${
        failuresInRow > 1
          ? ` after ${failuresInRow} failed micro-batches in a row`
          : ""
      }. Fix the cause and start it again: it resumes from the last checkpoint.`
      : committed
      ? "the processor goes on with the next micro-batch. Fix the cause and restart if it persists."
      : "it will be retried from the last checkpoint. Fix the cause and restart if it persists.";
    super(
      `Stream micro-batch ${batchId} ${what} ${next}`,
      {
        ...rest,
        cause,
        code: "STREAM_BATCH_FAILED",
        context: { batchId, committed, ...rest.context },
      },
    );
  }
}
