/**
 * Typed errors shared by every stage of the pipeline.
 *
 * Every error carries a machine-readable `code`, a `context` object naming what was
 * involved (topic, stream, setting, ...) and, where another error caused it, `cause`.
 * Messages say what to do next, not only what went wrong.
 *
 * @module
 */

/**
 * Options accepted by {@linkcode PipelineError} and its subclasses.
 *
 * @example
 * ```ts
 * import { PipelineError, type PipelineErrorOptions } from "./errors.ts";
 * const options: PipelineErrorOptions = { cause: new Error("EACCES"), context: { dir: ".data/lake" } };
 * const err = new PipelineError("cannot write the lake: check the permissions of .data/lake", options);
 * console.log(err.context, (err.cause as Error).message); // { dir: ".data/lake" } EACCES
 * ```
 */
export interface PipelineErrorOptions {
  /** The error that caused this one, if any. */
  cause?: unknown;
  /** What was involved: names, values, settings. */
  context?: Record<string, unknown>;
}

/**
 * Base class of every error the pipeline throws on purpose.
 *
 * @example
 * ```ts
 * import { PipelineError } from "./errors.ts";
 * try {
 *   throw new PipelineError("disk full: free space under .data/", { context: { dir: ".data" } });
 * } catch (e) {
 *   if (e instanceof PipelineError) console.error(e.code, e.context);
 * }
 * ```
 */
export class PipelineError extends Error {
  /** Stable machine-readable code, e.g. `TOPIC_NOT_FOUND`. */
  readonly code: string;
  /** What was involved when the error happened. */
  readonly context: Record<string, unknown>;

  constructor(
    message: string,
    options: PipelineErrorOptions & { code?: string } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? "PIPELINE_ERROR";
    this.context = options.context ?? {};
  }
}

/**
 * A topic that does not exist was named.
 *
 * @example
 * ```ts
 * import { TopicNotFoundError } from "./errors.ts";
 * const err = new TopicNotFoundError("demo.pin");
 * console.log(err.message);
 * ```
 */
export class TopicNotFoundError extends PipelineError {
  constructor(topic: string, options: PipelineErrorOptions = {}) {
    super(
      `Topic "${topic}" does not exist. List topics with GET /topics, or create it first.`,
      {
        ...options,
        code: "TOPIC_NOT_FOUND",
        context: { topic, ...options.context },
      },
    );
  }
}

/**
 * A stream that does not exist was named.
 *
 * @example
 * ```ts
 * import { StreamNotFoundError } from "./errors.ts";
 * const err = new StreamNotFoundError("streaming-demo-pin");
 * console.log(err.code); // STREAM_NOT_FOUND
 * ```
 */
export class StreamNotFoundError extends PipelineError {
  constructor(stream: string, options: PipelineErrorOptions = {}) {
    super(
      `Stream "${stream}" does not exist. List streams with GET /streams, or create it with POST /streams/${stream}.`,
      {
        ...options,
        code: "STREAM_NOT_FOUND",
        context: { stream, ...options.context },
      },
    );
  }
}

/**
 * A topic or stream that already exists was created again.
 *
 * @example
 * ```ts
 * import { AlreadyExistsError } from "./errors.ts";
 * console.log(new AlreadyExistsError("stream", "s1").message);
 * ```
 */
export class AlreadyExistsError extends PipelineError {
  constructor(
    kind: "topic" | "stream",
    name: string,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `The ${kind} "${name}" already exists; use it as it is or delete it first.`,
      {
        ...options,
        code: "ALREADY_EXISTS",
        context: { kind, name, ...options.context },
      },
    );
  }
}

/**
 * Options of {@linkcode ConfigError}: the value that was refused, besides the common ones.
 *
 * @example
 * ```ts
 * import { ConfigError, type ConfigErrorOptions } from "./errors.ts";
 * const options: ConfigErrorOptions = { value: "cloudy" };
 * console.log(new ConfigError("PIPELINE_PROFILE", "must be one of embedded, local, aws", options).message);
 * // Invalid setting PIPELINE_PROFILE="cloudy": must be one of embedded, local, aws
 * ```
 */
export interface ConfigErrorOptions extends PipelineErrorOptions {
  /** The value given for the setting; left out of the message when `undefined`. */
  value?: unknown;
}

/**
 * A refused value as an error message shows it: JSON, but numbers as `String()` writes them
 * (JSON writes NaN and Infinity as null).
 *
 * @example
 * ```ts
 * import { shownValue } from "./errors.ts";
 * console.log(shownValue("cloudy"), shownValue(NaN), shownValue([1])); // "cloudy" NaN [1]
 * ```
 */
export function shownValue(value: unknown): string {
  return typeof value === "number" ? String(value) : JSON.stringify(value);
}

/**
 * A configuration value is missing or invalid. The message names the setting.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./errors.ts";
 * const err = new ConfigError("PIPELINE_PROFILE", "must be one of embedded, local, aws", {
 *   value: "cloudy",
 * });
 * console.log(err.message); // Invalid setting PIPELINE_PROFILE="cloudy": must be one of embedded, local, aws
 * ```
 */
export class ConfigError extends PipelineError {
  /** `setting`: the setting (or flag) named in the message; `problem`: what is wrong with it. */
  constructor(
    setting: string,
    problem: string,
    options: ConfigErrorOptions = {},
  ) {
    const { value, ...rest } = options;
    super(
      `Invalid setting ${setting}${
        value === undefined ? "" : `=${shownValue(value)}`
      }: ${problem}`,
      {
        ...rest,
        code: "CONFIG_ERROR",
        context: { setting, value, ...rest.context },
      },
    );
  }
}

/**
 * A backend (database, broker, object store, server) could not be reached or failed.
 *
 * @example
 * ```ts
 * import { BackendError } from "./errors.ts";
 * const err = new BackendError("kafka", "no broker answered at 127.0.0.1:9092; start it with `deno task services up`");
 * console.log(err.context.backend); // kafka
 * ```
 */
export class BackendError extends PipelineError {
  constructor(
    backend: string,
    message: string,
    options: PipelineErrorOptions = {},
  ) {
    super(`${backend}: ${message}`, {
      ...options,
      code: "BACKEND_ERROR",
      context: { backend, ...options.context },
    });
  }
}
