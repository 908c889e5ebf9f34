/**
 * The log area: the interfaces every tier implements, the embedded SQLite log and a
 * reader over all shards of a stream.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * console.log(await log.topics.listTopics()); // []
 * await log.close();
 * ```
 *
 * @module
 */

export type * from "./types.ts";
export {
  type EmbeddedLog,
  type EmbeddedLogOptions,
  type EmbeddedLogStats,
  openEmbeddedLog,
} from "./embedded_log.ts";
export { EmbeddedTopicLog } from "./topic_log.ts";
export { EmbeddedStreamLog } from "./stream_log.ts";
export {
  EmbeddedTopicConsumer,
  type EmbeddedTopicConsumerOptions,
} from "./topic_consumer.ts";
export { groupLockPath, lockGroup } from "./group_lock.ts";
export {
  GroupBusyError,
  InvalidArgumentError,
  type InvalidArgumentErrorOptions,
  InvalidPartitionError,
  type InvalidPartitionErrorOptions,
  LogClosedError,
  ShardNotFoundError,
  TopicNotReadError,
  type TopicNotReadErrorOptions,
} from "./errors.ts";
export { murmur2, partitionForKey } from "./partitioner.ts";
export { checkTopicRecords, MAX_TOPIC_RECORD_BYTES } from "./record_checks.ts";
export { type PollLimits, pollLimits, recordBytes } from "./poll_limits.ts";
export {
  evenHashRanges,
  hashKeyOf,
  MAX_HASH_KEY,
  sequenceNumberOf,
  shardIdOf,
} from "./hash_key.ts";
export {
  CREATED_AT_KEY,
  createShardReader,
  SHARD_END,
  type ShardReader,
  type ShardReaderOptions,
  type StreamRecreated,
} from "./shard_reader.ts";
