/**
 * The batch stage: lake objects → cleaned Parquet tables in the warehouse.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { runBatch } from "./mod.ts";
 * const summary = await runBatch({
 *   store: openDirStore(".data/lake"),
 *   warehouseDir: ".data/warehouse",
 * });
 * console.log(summary.tables.pin.rows);
 * ```
 *
 * @module
 */
export { type BatchSummary, runBatch, type RunBatchOptions } from "./run.ts";
export {
  cleanTopic,
  type CleanTopicOptions,
  type CleanTopicResult,
  type TableSummary,
} from "./topic.ts";
export {
  groupBySize,
  listTopicObjects,
  type ListTopicObjectsOptions,
  parseObjectKey,
  type TopicObject,
} from "./objects.ts";
export {
  beginWarehouseWrite,
  type BeginWarehouseWriteOptions,
  quarantineFrame,
  readWarehouse,
  tablePath,
  WAREHOUSE_TABLES,
  type WarehouseTable,
  type WarehouseWrite,
  writeWarehouse,
} from "./warehouse.ts";
export {
  LakeObjectError,
  type LakeObjectErrorOptions,
  LakeObjectGoneError,
  WarehouseDamagedError,
  type WarehouseDamagedErrorOptions,
  WarehouseEmptyError,
  WarehouseMissingError,
  WarehouseMixedError,
  WarehouseWriteError,
  type WarehouseWriteErrorOptions,
} from "./errors.ts";
