/**
 * Errors raised while posting emulated records to the ingestion API.
 *
 * A {@linkcode PostError} describes one failed HTTP attempt: which target (topic or
 * stream), the HTTP status (absent for network errors and timeouts), the body the server
 * answered, and whether trying again may help. The emulator's retry loop reads
 * `retryable` and `retryAfterMs`; the summary keeps the message as a sample.
 *
 * @module
 */

import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * What {@linkcode PostError} knows about a failed attempt.
 *
 * @example
 * ```ts
 * import { PostError, type PostErrorDetails } from "./errors.ts";
 * const details: PostErrorDetails = {
 *   target: "streaming-pinterest-geo",
 *   request: "PUT /streams/streaming-pinterest-geo/record",
 *   status: 429,
 *   retryable: true,
 *   retryAfterMs: 1000,
 * };
 * console.log(new PostError("HTTP 429: slow down", details).retryAfterMs); // 1000
 * ```
 */
export interface PostErrorDetails {
  /** Topic or stream name the record was meant for. */
  target: string;
  /** `POST /topics/...` or `PUT /streams/.../record`. */
  request: string;
  /** HTTP status, or `undefined` for network errors and timeouts. */
  status?: number;
  /** The response body (truncated), for HTTP errors. */
  body?: string;
  /** True for 5xx, 408, 429, network errors and timeouts. */
  retryable: boolean;
  /** The server's `Retry-After`, in milliseconds, when it sent one. */
  retryAfterMs?: number;
}

/**
 * One HTTP attempt to post a record failed.
 *
 * @example
 * ```ts
 * import { PostError } from "./errors.ts";
 * const err = new PostError("HTTP 422 from POST /topics/pinterest.pin: bad body", {
 *   target: "pinterest.pin",
 *   request: "POST /topics/pinterest.pin",
 *   status: 422,
 *   body: "bad body",
 *   retryable: false,
 * });
 * console.log(err.code, err.status, err.retryable); // POST_FAILED 422 false
 * ```
 */
export class PostError extends PipelineError {
  /** Topic or stream name. */
  readonly target: string;
  /** HTTP status, or `undefined` when no response came back. */
  readonly status?: number;
  /** Response body (truncated). */
  readonly body?: string;
  /** Whether another attempt may succeed. */
  readonly retryable: boolean;
  /** Server-requested delay before the next attempt, in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    details: PostErrorDetails,
    options: PipelineErrorOptions = {},
  ) {
    super(message, {
      ...options,
      code: "POST_FAILED",
      context: {
        target: details.target,
        request: details.request,
        status: details.status,
        ...options.context,
      },
    });
    this.target = details.target;
    this.status = details.status;
    this.body = details.body;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * The source could not give rows to post (empty, or a read failed). The run stops.
 *
 * @example
 * ```ts
 * import { SourceReadError } from "./errors.ts";
 * const err = new SourceReadError("sqlite:.data/source.db", "it has no rows; run `deno task seed`");
 * console.log(err.message);
 * ```
 */
export class SourceReadError extends PipelineError {
  constructor(
    location: string,
    problem: string,
    options: PipelineErrorOptions = {},
  ) {
    super(`Cannot read posts from ${location}: ${problem}`, {
      ...options,
      code: "SOURCE_READ_FAILED",
      context: { location, ...options.context },
    });
  }
}

/**
 * No record reached the API: the first record of the run that failed got no HTTP answer at
 * all (connection refused, no answer in time) after its retries, and none had been
 * accepted before. The run stops rather than fail every post the same way.
 *
 * @example
 * ```ts
 * import { ApiUnreachableError } from "./errors.ts";
 * const err = new ApiUnreachableError("http://127.0.0.1:8080", "connection refused", { attempts: 5 });
 * console.log(err.code, err.context.api); // API_UNREACHABLE http://127.0.0.1:8080
 * ```
 */
export class ApiUnreachableError extends PipelineError {
  constructor(
    api: string,
    reason: string,
    options: PipelineErrorOptions & { attempts: number },
  ) {
    const { attempts, ...rest } = options;
    super(
      `No API answered at ${api}: ${reason} (${attempts} attempts). Start it ` +
        "(`deno task gateway`) or give --api the URL of one that runs; nothing was " +
        "accepted, so the run stopped.",
      {
        ...rest,
        code: "API_UNREACHABLE",
        context: { api, attempts, ...rest.context },
      },
    );
  }
}
