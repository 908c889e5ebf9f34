/**
 * Turns kafkajs errors into the pipeline's typed errors: an unknown topic becomes
 * `TopicNotFoundError`, an existing one `AlreadyExistsError`, a name the broker refuses
 * `InvalidArgumentError`, everything else
 * `BackendError` naming the brokers, the operation and what to do (for a TLS or SASL failure,
 * the setting to change: see `security_errors.ts`).
 *
 * @module
 */
import {
  AlreadyExistsError,
  BackendError,
  PipelineError,
  type PipelineErrorOptions,
  TopicNotFoundError,
} from "../../errors.ts";
import { InvalidArgumentError } from "../../log/errors.ts";
import { type KafkaSecurityContext, securityHint } from "./security_errors.ts";

/**
 * What was being done when a kafkajs call failed.
 *
 * @example
 * ```ts
 * import { type KafkaErrorContext, toKafkaError } from "./errors.ts";
 * const ctx: KafkaErrorContext = { op: "createTopic", brokers: ["127.0.0.1:9092"], topic: "demo.pin" };
 * console.log(toKafkaError({ type: "TOPIC_ALREADY_EXISTS" }, ctx).code); // ALREADY_EXISTS
 * ```
 */
export interface KafkaErrorContext {
  /** The operation, e.g. `append`, `createTopic`, `commit`. */
  op: string;
  /** Bootstrap brokers, for the message. */
  brokers: string[];
  /** The topic involved, if one. */
  topic?: string;
  /** The consumer group involved, if one. */
  group?: string;
  /** How the client connects (TLS, SASL mechanism and user), to explain TLS and SASL failures. */
  security?: KafkaSecurityContext;
}

interface KafkaJsLike {
  name?: string;
  type?: string;
  message?: string;
  originalError?: unknown;
  cause?: unknown;
  errors?: unknown[];
}

/**
 * The Kafka protocol error types (`UNKNOWN_TOPIC_OR_PARTITION`, ...) found in `err`, its
 * `originalError`/`cause` chain and aggregated `errors`, plus the error class names.
 *
 * @example
 * ```ts
 * import { kafkaErrorTypes } from "./errors.ts";
 * const e = { name: "KafkaJSNumberOfRetriesExceeded", originalError: { type: "UNKNOWN_TOPIC_OR_PARTITION" } };
 * console.log(kafkaErrorTypes(e)); // ["KafkaJSNumberOfRetriesExceeded", "UNKNOWN_TOPIC_OR_PARTITION"]
 * ```
 */
export function kafkaErrorTypes(err: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const visit = (e: unknown, depth: number) => {
    if (!e || typeof e !== "object" || seen.has(e) || depth > 8) return;
    seen.add(e);
    const k = e as KafkaJsLike;
    if (k.name && k.name !== "Error" && !out.includes(k.name)) out.push(k.name);
    if (k.type && !out.includes(k.type)) out.push(k.type);
    visit(k.originalError, depth + 1);
    visit(k.cause, depth + 1);
    for (const inner of k.errors ?? []) visit(inner, depth + 1);
  };
  visit(err, 0);
  return out;
}

const CONNECTION = [
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSBrokerNotFound",
  "KafkaJSRequestTimeoutError",
];

/**
 * Maps a kafkajs failure to a `PipelineError` (pipeline errors pass through unchanged).
 *
 * @example
 * ```ts
 * import { toKafkaError } from "./errors.ts";
 * const err = toKafkaError({ type: "UNKNOWN_TOPIC_OR_PARTITION", message: "x" }, {
 *   op: "append", brokers: ["127.0.0.1:9092"], topic: "demo.pin",
 * });
 * console.log(err.code); // TOPIC_NOT_FOUND
 * ```
 */
export function toKafkaError(
  err: unknown,
  ctx: KafkaErrorContext,
): PipelineError {
  if (err instanceof PipelineError) return err;
  const types = kafkaErrorTypes(err);
  const context = { ...ctx, kafkaErrors: types };
  if (ctx.topic && types.includes("UNKNOWN_TOPIC_OR_PARTITION")) {
    return new TopicNotFoundError(ctx.topic, { cause: err, context });
  }
  if (ctx.topic && types.includes("TOPIC_ALREADY_EXISTS")) {
    return new AlreadyExistsError("topic", ctx.topic, { cause: err, context });
  }
  const where = ctx.brokers.join(",");
  // kafkajs drops the broker's reason (a bad character, or a collision in metric names).
  if (ctx.topic !== undefined && types.includes("INVALID_TOPIC_EXCEPTION")) {
    return new InvalidArgumentError(
      "topic name",
      `the broker at ${where} refused it; use 1 to 249 characters among a-z A-Z 0-9 . _ -, ` +
        `other than "." and "..", and no name that differs from an existing topic's only ` +
        `in "." and "_" (Kafka takes them for one in its metric names)`,
      { cause: err, value: ctx.topic, context },
    );
  }
  const detail = (err as KafkaJsLike)?.message ?? String(err);
  const hint = securityHint(types, detail, ctx) ??
    (types.some((t) => CONNECTION.includes(t))
      ? `no Kafka broker answered at ${where}; start the local one with \`deno task services up\` or check KAFKA_BROKERS`
      : `the broker at ${where} refused it (${
        types.join(", ") || "unknown error"
      })`);
  return new BackendError("kafka", `${ctx.op} failed: ${hint}: ${detail}`, {
    cause: err,
    context,
  });
}

/**
 * Runs `fn`, mapping whatever it throws with {@linkcode toKafkaError}.
 *
 * @example
 * ```ts
 * import { mapKafkaErrors } from "./errors.ts";
 * const n = await mapKafkaErrors({ op: "demo", brokers: [] }, () => Promise.resolve(1));
 * console.log(n); // 1
 * ```
 */
export async function mapKafkaErrors<T>(
  ctx: KafkaErrorContext,
  fn: () => Promise<T>,
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toKafkaError(e, ctx);
  }
}

/**
 * The Kafka log (or its producer) was used after `close()`: it would have connected again
 * and kept the connection, with nothing left to close it.
 *
 * @example
 * ```ts
 * import { KafkaLogClosedError } from "./errors.ts";
 * const err = new KafkaLogClosedError(["127.0.0.1:9092"]);
 * console.log(err.code, err.message);
 * // LOG_CLOSED The Kafka log at 127.0.0.1:9092 is closed; open it again with openKafkaLog().
 * ```
 */
export class KafkaLogClosedError extends PipelineError {
  constructor(brokers: string[], options: PipelineErrorOptions = {}) {
    super(
      `The Kafka log at ${
        brokers.join(",")
      } is closed; open it again with openKafkaLog().`,
      {
        ...options,
        code: "LOG_CLOSED",
        context: { brokers, ...options.context },
      },
    );
  }
}
