/**
 * Streams on Amazon Kinesis Data Streams (or kinesis-mock locally) behind the pipeline's
 * `StreamLog`, through `@aws-sdk/client-kinesis` with an HTTP/1.1 handler.
 *
 * @example
 * ```ts
 * import { openKinesisLog } from "./mod.ts";
 * const streams = await openKinesisLog({ endpoint: "http://127.0.0.1:4567" });
 * console.log(await streams.listStreams());
 * await streams.close();
 * ```
 *
 * @module
 */
export {
  KinesisLog,
  type KinesisLogOptions,
  openKinesisLog,
} from "./kinesis_log.ts";
export {
  chunkIndexes,
  PUT_RECORDS_LIMITS,
  type PutBatch,
  type PutRetryOptions,
  putWithRetry,
  RETRYABLE_CODES,
} from "./put_records.ts";
export {
  IteratorCache,
  type IteratorCacheOptions,
  type ReadShardPageOptions,
  ShardPager,
  type ShardPosition,
} from "./shard_iterators.ts";
export {
  describeStreamOf,
  listStreamNames,
  waitForStream,
  type WaitForStreamOptions,
} from "./describe.ts";
export {
  describeEndpoint,
  isExpiredIterator,
  type KinesisErrorContext,
  toKinesisError,
  withKinesisErrors,
} from "./errors.ts";
export { createKinesisClient, type KinesisClientOptions } from "./sdk.ts";
