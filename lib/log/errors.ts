/**
 * Errors specific to the log area (topics, streams, shards).
 *
 * Shared errors (`TopicNotFoundError`, `StreamNotFoundError`, `AlreadyExistsError`,
 * `BackendError`) live in `lib/errors.ts`; these add the cases only a log can hit.
 *
 * @module
 */

import {
  PipelineError,
  type PipelineErrorOptions,
  shownValue,
} from "../errors.ts";

/**
 * Options of {@linkcode InvalidArgumentError}: the value that was refused, and the `code`
 * a subclass gives, besides the common ones.
 *
 * @example
 * ```ts
 * import { InvalidArgumentError, type InvalidArgumentErrorOptions } from "./errors.ts";
 * const options: InvalidArgumentErrorOptions = { value: -1, code: "INVALID_LIMIT" };
 * const err = new InvalidArgumentError("limit", "must be a positive integer", options);
 * console.log(err.code, err.message); // INVALID_LIMIT Invalid limit -1: must be a positive integer
 * ```
 */
export interface InvalidArgumentErrorOptions extends PipelineErrorOptions {
  /** The value given for the argument; left out of the message when `undefined`. */
  value?: unknown;
  /** The error's `code`, for subclasses; `INVALID_ARGUMENT` when left out. */
  code?: string;
}

/**
 * An argument was out of range or malformed (bad name, partition count, sequence number).
 *
 * @example
 * ```ts
 * import { InvalidArgumentError } from "./errors.ts";
 * const err = new InvalidArgumentError("shardCount", "must be an integer from 1 to 1000", { value: 0 });
 * console.log(err.code, err.context.argument); // INVALID_ARGUMENT shardCount
 * ```
 */
export class InvalidArgumentError extends PipelineError {
  /** `argument`: what was refused, as the message names it; `problem`: what is wrong with it. */
  constructor(
    argument: string,
    problem: string,
    options: InvalidArgumentErrorOptions = {},
  ) {
    const { value } = options;
    super(
      `Invalid ${argument}${
        value === undefined ? "" : ` ${shownValue(value)}`
      }: ${problem}`,
      {
        cause: options.cause,
        code: options.code ?? "INVALID_ARGUMENT",
        context: { argument, value, ...options.context },
      },
    );
  }
}

const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;

/**
 * The error for a stream name Kinesis would refuse (1 to 128 characters among
 * `a-z A-Z 0-9 _ . -`), or `undefined` for a valid one.
 *
 * @example
 * ```ts
 * import { invalidStreamName } from "./errors.ts";
 * console.log(invalidStreamName("streaming-demo-pin"), invalidStreamName("a b")?.message);
 * // undefined Invalid stream name "a b": use 1 to 128 characters among a-z A-Z 0-9 _ . -
 * ```
 */
export function invalidStreamName(
  name: unknown,
): InvalidArgumentError | undefined {
  if (typeof name === "string" && STREAM_NAME.test(name)) return undefined;
  return new InvalidArgumentError(
    "stream name",
    "use 1 to 128 characters among a-z A-Z 0-9 _ . -",
    { value: name },
  );
}

/**
 * Options of {@linkcode TopicNotReadError}: the consumer's group and topics.
 *
 * @example
 * ```ts
 * import { TopicNotReadError, type TopicNotReadErrorOptions } from "./errors.ts";
 * const options: TopicNotReadErrorOptions = { group: "sink", topics: ["demo.pin", "demo.geo"] };
 * console.log(new TopicNotReadError("demo.user", options).context.group); // sink
 * ```
 */
export interface TopicNotReadErrorOptions extends PipelineErrorOptions {
  /** The consumer's group. */
  group: string;
  /** The topics the consumer reads. */
  topics: readonly string[];
}

/**
 * A consumer was asked to seek, commit or tell the committed offset in a topic it does not
 * read (whether or not the topic exists).
 *
 * @example
 * ```ts
 * import { TopicNotReadError } from "./errors.ts";
 * const err = new TopicNotReadError("demo.geo", { group: "sink", topics: ["demo.pin"] });
 * console.log(err.message);
 * // Invalid topic "demo.geo": the consumer of group "sink" reads only demo.pin; name one of those
 * ```
 */
export class TopicNotReadError extends InvalidArgumentError {
  /** `topic`: the topic named. */
  constructor(topic: string, options: TopicNotReadErrorOptions) {
    const { group, topics, ...rest } = options;
    super(
      "topic",
      `the consumer of group "${group}" reads only ${
        topics.join(", ")
      }; name one of those`,
      {
        ...rest,
        value: topic,
        code: "TOPIC_NOT_READ",
        context: { group, topics: [...topics], ...rest.context },
      },
    );
  }
}

/**
 * Options of {@linkcode InvalidPartitionError}: how many partitions the topic has.
 *
 * @example
 * ```ts
 * import { InvalidPartitionError, type InvalidPartitionErrorOptions } from "./errors.ts";
 * const options: InvalidPartitionErrorOptions = { partitions: 3, advice: "seek to 0, 1 or 2" };
 * console.log(new InvalidPartitionError("demo.pin", 5, options).message);
 * // Invalid partition 5: topic "demo.pin" has partitions 0 to 2; seek to 0, 1 or 2
 * ```
 */
export interface InvalidPartitionErrorOptions extends PipelineErrorOptions {
  /** The topic's partition count: its partitions are 0 to `partitions - 1`. */
  partitions: number;
  /**
   * What to do instead, ending the message. Default, for an append: leave `partition` out
   * to let the key pick one.
   */
  advice?: string;
}

/**
 * A record named a partition the topic does not have. Nothing of that append was written.
 *
 * @example
 * ```ts
 * import { InvalidPartitionError } from "./errors.ts";
 * const err = new InvalidPartitionError("demo.pin", 3, { partitions: 1 });
 * console.log(err.code, err.context.partitions); // PARTITION_NOT_FOUND 1
 * ```
 */
export class InvalidPartitionError extends InvalidArgumentError {
  /** `topic`: the topic appended to; `partition`: the partition the record named. */
  constructor(
    topic: string,
    partition: unknown,
    options: InvalidPartitionErrorOptions,
  ) {
    const {
      partitions,
      advice = 'leave "partition" out to let the key pick one',
      ...rest
    } = options;
    super(
      "partition",
      `topic "${topic}" has partitions 0 to ${partitions - 1}; ${advice}`,
      {
        ...rest,
        value: partition,
        code: "PARTITION_NOT_FOUND",
        context: { topic, partitions, ...rest.context },
      },
    );
  }
}

/**
 * A shard id that the stream does not have was named.
 *
 * @example
 * ```ts
 * import { ShardNotFoundError } from "./errors.ts";
 * const err = new ShardNotFoundError("streaming-demo-pin", "shardId-000000000009");
 * console.log(err.code); // SHARD_NOT_FOUND
 * ```
 */
export class ShardNotFoundError extends PipelineError {
  constructor(
    stream: string,
    shardId: string,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Shard "${shardId}" does not exist in stream "${stream}"; describe the stream to list its shards.`,
      {
        ...options,
        code: "SHARD_NOT_FOUND",
        context: { stream, shardId, ...options.context },
      },
    );
  }
}

/**
 * The log was used after `close()`.
 *
 * @example
 * ```ts
 * import { LogClosedError } from "./errors.ts";
 * console.log(new LogClosedError("/tmp/log.db").message);
 * ```
 */
export class LogClosedError extends PipelineError {
  constructor(path: string, options: PipelineErrorOptions = {}) {
    super(
      `The embedded log at ${path} is closed; open it again with openEmbeddedLog().`,
      { ...options, code: "LOG_CLOSED", context: { path, ...options.context } },
    );
  }
}

/**
 * A consumer group of the embedded log already has a member. The embedded log does not
 * split partitions between members as Kafka does: a group has one member at a time, so two
 * sinks can never write the same partition's objects with different boundaries (which
 * would put records in the lake twice).
 *
 * @example
 * ```ts
 * import { GroupBusyError } from "./errors.ts";
 * console.log(new GroupBusyError("s3-sink", ".data/log.db").code); // GROUP_BUSY
 * ```
 */
export class GroupBusyError extends PipelineError {
  constructor(
    group: string,
    path: string,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Consumer group "${group}" of the embedded log ${path} already has a member: ` +
        `another sink (\`deno task sink\`, or the one \`deno task emulate\` runs) is ` +
        `reading these topics. Stop it first, since one sink per data dir moves the ` +
        `topics into the lake; or post beside it with \`deno task emulate --post-only\`.`,
      {
        ...options,
        code: "GROUP_BUSY",
        context: { group, path, ...options.context },
      },
    );
  }
}
