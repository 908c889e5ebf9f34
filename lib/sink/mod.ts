/**
 * The sink: topics to the lake as NDJSON objects in the Confluent S3 sink layout, exactly
 * once across crashes, plus the crash-test harness that proves it on any backend.
 *
 * @example
 * ```ts
 * import { createSink } from "./mod.ts";
 * import { openDirStore } from "../lake/mod.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openEmbeddedLog(`${dir}/log.db`);
 * await log.topics.createTopic("demo.pin");
 * const sink = createSink({ log: log.topics, store: openDirStore(`${dir}/lake`), topics: ["demo.pin"] });
 * await sink.drain({ idleMs: 100 });
 * await log.close();
 * ```
 *
 * @module
 */
export {
  createSink,
  type DrainOptions,
  type Sink,
  type SinkOptions,
  type SinkStats,
  type StopOptions,
} from "./sink.ts";
export { type PartitionStats } from "./writer.ts";
export { SINK_LAKE_RETRY } from "./lake_retry.ts";
export { type LakeLock, type LakeLockHolder, lockLake } from "./lake_lock.ts";
export {
  consumeLoop,
  type ConsumeLoopOptions,
  type LoopControl,
} from "./loop.ts";
export {
  countLines,
  encodeLine,
  joinLines,
  objectKey,
  type ObjectName,
  parseObjectKey,
  partitionPrefix,
} from "./layout.ts";
export {
  checkAgainstLog,
  type PartitionRecovery,
  type RecoverOptions,
  recoverPartition,
  type TopicPartition,
} from "./recover.ts";
export {
  EMULATE_PROGRAM,
  LakeAheadOfLogError,
  type LakeAheadOfLogErrorOptions,
  LakeBusyError,
  type LakeBusyErrorOptions,
  LakeCorruptionError,
  type LakeHolder,
  LakeWriteError,
  OffsetGapError,
  type OffsetGapErrorOptions,
  SinkRunningError,
} from "./errors.ts";
