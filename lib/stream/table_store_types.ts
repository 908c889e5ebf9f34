/**
 * The types of the stream tables' store (`table_store.ts`, which re-exports them): the
 * commit steps a fault-injection hook sees, the store's options, a batch to commit and the
 * store itself.
 *
 * @module
 */
import type { Checkpoint, StreamPositions } from "./checkpoint.ts";
import type {
  Compaction,
  CompactionStep,
  CompactTableOptions,
} from "./compaction.ts";

/**
 * Moments of a commit at which {@linkcode TableStoreOptions.onCommitStep} is called.
 *
 * @example
 * ```ts
 * import { type CommitStep, openTableStore } from "./table_store.ts";
 * const steps: CommitStep[] = [];
 * const store = await openTableStore(await Deno.makeTempDir(), { tables: ["t"], onCommitStep: (s) => void steps.push(s) });
 * await store.commit({ parts: { t: new Uint8Array([1]) }, rows: { t: 1 }, positions: {} });
 * console.log(steps); // [ "part-temp", "part", "parts", "checkpoint-temp", "checkpoint" ]
 * await store.close();
 * ```
 */
export type CommitStep =
  | "part-temp" // a part's temp file is written and fsynced, not yet renamed
  | "part" // a part is renamed into place
  | "parts" // every part is in place and its directory fsynced; no checkpoint yet
  | "checkpoint-temp" // the checkpoint temp file is written, not yet renamed
  | "checkpoint" // the checkpoint is renamed into place (folder not fsynced): the batch is committed
  | CompactionStep; // steps of a compaction (`compaction.ts`)

/**
 * What a commit step hook is told.
 *
 * @example
 * ```ts
 * import { type CommitStepInfo, openTableStore } from "./table_store.ts";
 * const seen: CommitStepInfo[] = [];
 * const store = await openTableStore(await Deno.makeTempDir(), { tables: ["t"], onCommitStep: (_, info) => void seen.push(info) });
 * await store.commit({ parts: { t: new Uint8Array([1]) }, rows: { t: 1 }, positions: {} });
 * console.log(seen[1]); // { batchId: 1, table: "t" }
 * await store.close();
 * ```
 */
export interface CommitStepInfo {
  /** The batch being committed (the checkpoint's, for a compaction step). */
  batchId: number;
  /** The table of a `part-temp` / `part` step. */
  table?: string;
  /** The temp file of a `part-temp` / `checkpoint-temp` step. */
  tempPath?: string;
}

/**
 * Options of {@linkcode openTableStore}.
 *
 * @example
 * ```ts
 * import { openTableStore, type TableStoreOptions } from "./table_store.ts";
 * const options: TableStoreOptions = { tables: ["stream_pin", "stream_geo"] };
 * const store = await openTableStore(await Deno.makeTempDir(), options);
 * console.log(store.checkpoint().batchId, await store.compact()); // 0 []
 * await store.close();
 * ```
 */
export interface TableStoreOptions {
  /** Table directories to create and recover. */
  tables: string[];
  /**
   * The program this process runs (e.g. `deno task stream`), recorded in the lock file and
   * named to the processor it refuses.
   */
  program?: string;
  /**
   * Compaction (`compact`): a table's micro-batch parts since its last merged part are
   * merged, `parts` at a time, once there are that many. Without it, `compact` does
   * nothing.
   */
  compaction?: {
    parts: number;
    /** Merges part files, in order, into one Parquet file (see `compactTable`). */
    merge: CompactTableOptions["merge"];
  };
  /** Fault-injection hook called at every {@linkcode CommitStep}; throwing aborts the commit. */
  onCommitStep?: (
    step: CommitStep,
    info: CommitStepInfo,
  ) => void | Promise<void>;
}

/**
 * A batch handed to {@linkcode TableStore.commit}.
 *
 * @example
 * ```ts
 * import { type BatchOutput, openTableStore } from "./table_store.ts";
 * const store = await openTableStore(await Deno.makeTempDir(), { tables: ["stream_pin"] });
 * const batch: BatchOutput = { parts: { stream_pin: new Uint8Array([1]) }, rows: { stream_pin: 1 },
 *   positions: { "streaming-demo-pin": { "shardId-000000000000": "7" } } };
 * console.log((await store.commit(batch)).positions); // { "streaming-demo-pin": { "shardId-000000000000": "7" } }
 * await store.close();
 * ```
 */
export interface BatchOutput {
  /**
   * Parquet bytes per table, of the store's `tables` (only those are recovered); tables the
   * batch added no rows to are left out.
   */
  parts: Record<string, Uint8Array>;
  /** Rows each part holds, per table (added up in the checkpoint's `rows`). */
  rows: Record<string, number>;
  /** Reader positions after the batch. */
  positions: StreamPositions;
}

/**
 * An open, locked output directory.
 *
 * @example
 * ```ts
 * import { openTableStore, type TableStore } from "./table_store.ts";
 * const store: TableStore = await openTableStore(await Deno.makeTempDir(), { tables: ["stream_pin"] });
 * console.log(store.recovered); // []: nothing left over by an interrupted commit
 * await store.close();
 * ```
 */
export interface TableStore {
  /** The output directory. */
  readonly dir: string;
  /** The last committed checkpoint. */
  checkpoint(): Checkpoint;
  /** Paths removed by recovery when the store was opened (or last reloaded). */
  readonly recovered: string[];
  /**
   * Reads the checkpoint again and deletes what a failed commit left, as opening does,
   * but keeps the lock: no other writer can take the folder before the batch is retried.
   * A folder it cannot read is a `StreamDirError`.
   */
  reload(): Promise<void>;
  /**
   * Commits the next batch (id = checkpoint + 1) and returns the new checkpoint. A file the
   * disk refuses to write (full, read-only, no permission) is a `StreamIoError`.
   * A commit can fail after its commit point (the checkpoint's rename): `checkpoint()` then
   * holds the batch's id.
   */
  commit(batch: BatchOutput): Promise<Checkpoint>;
  /**
   * Merges the parts of each table whose run of micro-batch parts reached the
   * `compaction` option's `parts` (one merge per table per call); returns the merges
   * done. A failure leaves committed data as it was (see `compaction.ts`); the other
   * tables are merged all the same, then the first failure is thrown, and a failed table
   * is tried again once `parts` more of its parts are written.
   */
  compact(): Promise<Compaction[]>;
  /** Releases the lock (a second call does nothing). */
  close(): Promise<void>;
}
