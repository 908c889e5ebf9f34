/**
 * Turns Kinesis SDK failures into the pipeline's typed errors: an unknown stream becomes
 * `StreamNotFoundError`, an unknown shard `ShardNotFoundError`, creating an existing stream
 * `AlreadyExistsError`, a rejected argument `InvalidArgumentError`, everything else a
 * `BackendError` naming the endpoint, the operation and what to do.
 *
 * @module
 */
import {
  AlreadyExistsError,
  BackendError,
  PipelineError,
  StreamNotFoundError,
} from "../../errors.ts";
import { InvalidArgumentError, ShardNotFoundError } from "../../log/errors.ts";
import { awsErrorName } from "./sdk.ts";

/**
 * What was being done when a Kinesis call failed.
 *
 * @example
 * ```ts
 * import { type KinesisErrorContext, toKinesisError } from "./errors.ts";
 * const ctx: KinesisErrorContext = { op: "createStream", endpoint: "http://127.0.0.1:4567", stream: "s" };
 * console.log(toKinesisError({ name: "ResourceInUseException", message: "in use" }, ctx).code);
 * // ALREADY_EXISTS
 * ```
 */
export interface KinesisErrorContext {
  /** The operation, e.g. `putRecords`, `createStream`, `readShard`. */
  op: string;
  /** The endpoint called; `undefined` means AWS itself. */
  endpoint?: string;
  /** The region of AWS itself, named in messages when there is no endpoint. */
  region?: string;
  /** The stream involved, if one. */
  stream?: string;
  /** The shard involved, if one. */
  shardId?: string;
}

const CONNECTION =
  /ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|socket hang up|connect|TimeoutError|timed? ?out/i;

const THROTTLED =
  "Kinesis throttled the call even after the SDK's retries: a shard takes 1,000 records or 1 MiB a second in, and 5 reads or 2 MiB a second out, shared by every client of the stream; slow down, or add shards";

/** A stream encrypted with a KMS key (server-side encryption) the caller may not use. */
const KMS_ACCESS =
  "the stream is encrypted with a KMS key this identity may not use: writers need kms:GenerateDataKey and readers kms:Decrypt on the stream's key, in its key policy or the identity's IAM policy";

/** A stream encrypted with a KMS key that cannot be used at all. */
const KMS_STATE =
  "the stream is encrypted with a KMS key that is disabled, pending deletion or gone; enable it or cancel its deletion in AWS KMS, or give the stream another key (`aws kinesis start-stream-encryption`, e.g. the AWS managed key alias/aws/kinesis)";

/** What to do about the AWS errors that are neither the endpoint's nor the credentials' fault. */
const HINTS: Record<string, string> = {
  ProvisionedThroughputExceededException: THROTTLED,
  ThrottlingException: THROTTLED,
  // KMS's quota, not the stream's: the SDK does not retry it, and more shards do not help.
  KMSThrottlingException:
    "AWS KMS throttled the stream's encryption key (the SDK does not retry it): every use of the region's KMS keys in the account shares one request quota; retry later, slow down, or ask for a higher KMS quota (Service Quotas, AWS KMS)",
  KMSAccessDeniedException: KMS_ACCESS,
  KMSDisabledException: KMS_STATE,
  KMSInvalidStateException: KMS_STATE,
  KMSNotFoundException: KMS_STATE,
  KMSOptInRequired:
    "the account is not subscribed to AWS KMS, which the stream's encryption needs; subscribe it, or turn the stream's encryption off",
  LimitExceededException:
    "a Kinesis limit was reached (shards per account or stream, streams created, deleted or resharded at once, or calls a second); retry later, or ask for a higher limit",
  ResourceInUseException:
    "the stream is being created, deleted or resharded; retry once describing it says ACTIVE",
};

/**
 * Where the adapter talks to, for messages: the endpoint, or `AWS (region)`.
 *
 * @example
 * ```ts
 * import { describeEndpoint } from "./errors.ts";
 * console.log(describeEndpoint("http://127.0.0.1:4567")); // http://127.0.0.1:4567
 * ```
 */
export function describeEndpoint(endpoint?: string, region?: string): string {
  return endpoint ?? `AWS Kinesis (${region ?? "default region"})`;
}

/**
 * Maps a Kinesis SDK failure to a `PipelineError` (pipeline errors pass through unchanged).
 * A read of a stream being deleted is a `StreamNotFoundError`, as once it is gone.
 *
 * @example
 * ```ts
 * import { toKinesisError } from "./errors.ts";
 * const err = toKinesisError(
 *   { name: "ResourceNotFoundException", message: "Stream s not found" },
 *   { op: "putRecords", endpoint: "http://127.0.0.1:4567", stream: "s" },
 * );
 * console.log(err.code); // STREAM_NOT_FOUND
 * ```
 */
export function toKinesisError(
  err: unknown,
  ctx: KinesisErrorContext,
): PipelineError {
  if (err instanceof PipelineError) return err;
  const name = awsErrorName(err);
  const message = String((err as Error)?.message ?? err);
  const context = {
    op: ctx.op,
    endpoint: ctx.endpoint,
    awsError: name || undefined,
    ...(ctx.region === undefined ? {} : { region: ctx.region }),
  };
  if (name === "ResourceNotFoundException" && ctx.stream !== undefined) {
    if (ctx.shardId !== undefined && /shard/i.test(message)) {
      return new ShardNotFoundError(ctx.stream, ctx.shardId, {
        cause: err,
        context,
      });
    }
    return new StreamNotFoundError(ctx.stream, { cause: err, context });
  }
  if (
    name === "ResourceInUseException" && ctx.op === "readShard" &&
    ctx.stream !== undefined
  ) {
    // Shards are listed (so read) only once the stream is ACTIVE: it is being deleted.
    return new StreamNotFoundError(ctx.stream, { cause: err, context });
  }
  if (
    name === "ResourceInUseException" && ctx.op === "createStream" &&
    ctx.stream !== undefined
  ) {
    return new AlreadyExistsError("stream", ctx.stream, {
      cause: err,
      context,
    });
  }
  if (name === "InvalidArgumentException" || name === "ValidationException") {
    return new InvalidArgumentError(ctx.op, message, {
      cause: err,
      context: { ...context, stream: ctx.stream, shardId: ctx.shardId },
    });
  }
  const where = describeEndpoint(ctx.endpoint, ctx.region);
  const hint = HINTS[name] ??
    (ctx.endpoint === undefined
      ? "check the AWS credentials, AWS_REGION and the IAM permissions"
      : CONNECTION.test(`${name} ${message}`)
      ? "is kinesis-mock running? Start it with `deno task services up` (or set KINESIS_ENDPOINT)"
      : "check KINESIS_ENDPOINT and the server's log (`deno task services status`)");
  const subject = ctx.stream === undefined ? "" : ` on stream "${ctx.stream}"`;
  return new BackendError(
    "kinesis",
    `${ctx.op}${subject} failed at ${where}: ${
      name ? `${name}: ` : ""
    }${message}; ${hint}`,
    {
      cause: err,
      context: { ...context, stream: ctx.stream, shardId: ctx.shardId },
    },
  );
}

/**
 * True for the AWS error names that mean "this iterator can no longer be used".
 *
 * @example
 * ```ts
 * import { isExpiredIterator } from "./errors.ts";
 * console.log(isExpiredIterator({ name: "ExpiredIteratorException" })); // true
 * ```
 */
export function isExpiredIterator(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === "ExpiredIteratorException";
}

/**
 * Runs `run`, turning whatever it throws into a typed error with {@linkcode toKinesisError}.
 *
 * @example
 * ```ts
 * import { withKinesisErrors } from "./errors.ts";
 * const n = await withKinesisErrors({ op: "demo" }, () => Promise.resolve(42));
 * console.log(n); // 42
 * ```
 */
export async function withKinesisErrors<T>(
  ctx: KinesisErrorContext,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (e) {
    throw toKinesisError(e, ctx);
  }
}
