/**
 * The streaming job: micro-batches from the three streams, cleaned with `lib/clean`, appended
 * exactly once to the stream tables `stream_pin`, `stream_geo`, `stream_user` and
 * `stream_quarantine` (Parquet parts + an atomic checkpoint; see `table_store.ts`).
 *
 * @example
 * ```ts
 * import { createStreamProcessor, readStreamTable } from "./mod.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const outDir = await Deno.makeTempDir();
 * await createStreamProcessor({ streams: log.streams, outDir }).runOnce();
 * console.log((await readStreamTable(outDir, "stream_pin")).height); // 0
 * await log.close();
 * ```
 *
 * @module
 */

export * from "./processor.ts";
export * from "./read_table.ts";
export * from "./errors.ts";
export type { BatchCommit, RecordKey } from "./session.ts";
export {
  cleanMicroBatch,
  type CleanMicroBatchOptions,
  emptyStreamTable,
  KEY_COLUMNS,
  POST_KINDS,
  type PostKind,
  STREAM_TABLE_NAMES,
  type StreamTableName,
} from "./micro_batch.ts";
export {
  type Checkpoint,
  CHECKPOINT_FILE,
  readCheckpoint,
  type StreamPositions,
} from "./checkpoint.ts";
export {
  type BatchOutput,
  type CommitStep,
  type CommitStepInfo,
  openTableStore,
  type TableStore,
  tableStoreHeld,
  type TableStoreOptions,
} from "./table_store.ts";
export {
  mergedPartName,
  parsePartName,
  parsePartRange,
  partName,
  type PartRange,
  type SortedParts,
  sortParts,
} from "./part_names.ts";
export {
  type Compaction,
  type CompactionStep,
  compactTable,
  type CompactTableOptions,
  trailingRun,
} from "./compaction.ts";
export { spawnStreamCli, type SpawnStreamCliOptions } from "./spawn_cli.ts";
