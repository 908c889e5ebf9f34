/**
 * Typed errors of the gateway and their REST Proxy style HTTP mapping.
 *
 * Every error answered to a client is a {@linkcode GatewayError}: an HTTP `status` plus a
 * Confluent REST Proxy style `errorCode` (`{"error_code":40401,"message":...}`). Errors
 * thrown by the log (`TopicNotFoundError`, `StreamNotFoundError`, `AlreadyExistsError`) are
 * mapped by {@linkcode toGatewayError}, as are log errors by their `code`
 * (`PARTITION_NOT_FOUND` → 40402, `INVALID_ARGUMENT` → 42202).
 *
 * | status | error_code | meaning |
 * |---|---|---|
 * | 400 | 400 | the body could not be read to its end (the client hung up mid-request) |
 * | 403 | 40301 | missing or wrong `x-api-key` |
 * | 403 | 40302 | sent by a web page (an `Origin`, or a `Sec-Fetch-Site` other than `none`) |
 * | 404 | 404 | no such route |
 * | 404 | 40401 | unknown topic or stream |
 * | 404 | 40402 | partition not found in the topic |
 * | 405 | 405 | method not allowed on this route |
 * | 409 | 40901 | stream (or topic) already exists |
 * | 413 | 41301 | body over the size limit |
 * | 415 | 41501 | unsupported content type |
 * | 422 | 42201 | malformed JSON |
 * | 422 | 42202 | well-formed JSON but not a valid request body (also: a value nested deeper than 1,000 levels, a topic record over 1,000,000 bytes) |
 * | 500 | 50002 | the log failed (backend error) |
 *
 * @module
 */

import {
  AlreadyExistsError,
  PipelineError,
  type PipelineErrorOptions,
  StreamNotFoundError,
  TopicNotFoundError,
} from "../errors.ts";

/**
 * Options of {@linkcode GatewayError}: the HTTP status and the REST Proxy error code.
 *
 * @example
 * ```ts
 * import { GatewayError, type GatewayErrorOptions } from "./errors.ts";
 * const options: GatewayErrorOptions = { status: 404, errorCode: 40401, context: { topic: "demo.pin" } };
 * const err = new GatewayError('Topic "demo.pin" not found', options);
 * console.log(err.code, err.toBody().error_code); // GATEWAY_40401 40401
 * ```
 */
export interface GatewayErrorOptions extends PipelineErrorOptions {
  /** HTTP status answered to the client. */
  status: number;
  /** REST Proxy style numeric code, e.g. `40401`. */
  errorCode: number;
}

/**
 * An error answered to the client with `status` and `{"error_code", "message"}`.
 *
 * @example
 * ```ts
 * import { GatewayError } from "./errors.ts";
 * const err = new GatewayError("no such route", { status: 404, errorCode: 404 });
 * console.log(err.status, err.errorCode); // 404 404
 * ```
 */
export class GatewayError extends PipelineError {
  /** HTTP status answered to the client. */
  readonly status: number;
  /** REST Proxy style numeric code. */
  readonly errorCode: number;

  constructor(message: string, options: GatewayErrorOptions) {
    super(message, {
      cause: options.cause,
      context: options.context,
      code: `GATEWAY_${options.errorCode}`,
    });
    this.status = options.status;
    this.errorCode = options.errorCode;
  }

  /** The JSON body answered to the client. */
  toBody(): { error_code: number; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/**
 * A request body that cannot be accepted (422): malformed JSON (42201) or a body that
 * does not have the required shape (42202).
 *
 * @example
 * ```ts
 * import { InvalidBodyError } from "./errors.ts";
 * throw new InvalidBodyError("records[0] has no value", { errorCode: 42202 });
 * ```
 */
export class InvalidBodyError extends GatewayError {
  constructor(
    message: string,
    options: PipelineErrorOptions & { errorCode?: 42201 | 42202 } = {},
  ) {
    super(message, {
      ...options,
      status: 422,
      errorCode: options.errorCode ?? 42202,
    });
  }
}

/**
 * The request body is larger than the configured limit (413, 41301).
 *
 * @example
 * ```ts
 * import { BodyTooLargeError } from "./errors.ts";
 * console.log(new BodyTooLargeError(1024).status); // 413
 * ```
 */
export class BodyTooLargeError extends GatewayError {
  constructor(limit: number, options: PipelineErrorOptions = {}) {
    super(
      `Request body is larger than ${limit} bytes; send fewer records per request, or start the gateway with a larger --max-body-bytes.`,
      {
        ...options,
        status: 413,
        errorCode: 41301,
        context: { limit, ...options.context },
      },
    );
  }
}

/**
 * The request body could not be read to its end (400, 400): the client closed the
 * connection, or sent less than its `Content-Length`, or a malformed chunked body. A
 * client's failure, not the log's: it is not logged as one (see `failure_log.ts`).
 *
 * @example
 * ```ts
 * import { BodyReadError } from "./errors.ts";
 * const err = new BodyReadError(new Error("connection closed"));
 * console.log(err.status, err.errorCode); // 400 400
 * ```
 */
export class BodyReadError extends GatewayError {
  constructor(cause: unknown, options: PipelineErrorOptions = {}) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(
      `The request body could not be read to its end (${detail}); the client closed the connection or sent less than its Content-Length. Nothing was stored: send the request again.`,
      { ...options, cause, status: 400, errorCode: 400 },
    );
  }
}

/**
 * The request's content type is not one the route accepts, or it has none (415, 41501).
 *
 * @example
 * ```ts
 * import { UnsupportedMediaTypeError } from "./errors.ts";
 * const err = new UnsupportedMediaTypeError("text/plain", ["application/json"]);
 * console.log(err.errorCode); // 41501
 * ```
 */
export class UnsupportedMediaTypeError extends GatewayError {
  constructor(
    got: string | null,
    accepted: string[],
    options: PipelineErrorOptions = {},
  ) {
    super(
      `${
        got === null
          ? "No Content-Type header"
          : `Unsupported Content-Type ${JSON.stringify(got)}`
      }; send one of: ${accepted.join(", ")}.`,
      {
        ...options,
        status: 415,
        errorCode: 41501,
        context: { got, accepted, ...options.context },
      },
    );
  }
}

/**
 * The `x-api-key` header is missing or not one of the configured keys (403, 40301).
 *
 * @example
 * ```ts
 * import { ForbiddenError } from "./errors.ts";
 * console.log(new ForbiddenError().status); // 403
 * ```
 */
export class ForbiddenError extends GatewayError {
  constructor(options: PipelineErrorOptions = {}) {
    super(
      "Forbidden: send a valid API key in the x-api-key header (keys are set by GATEWAY_API_KEYS).",
      { ...options, status: 403, errorCode: 40301 },
    );
  }
}

/**
 * The request came from a web page (it carries an `Origin`, or a `Sec-Fetch-Site` other than
 * `none`): 403, 40302. The gateway offers no CORS, yet a browser sends some requests without
 * asking first (a `POST` with no content type), and a page on a rebound DNS name is
 * same-origin; so any site the user visits could otherwise create streams or post records.
 *
 * @example
 * ```ts
 * import { CrossSiteRequestError } from "./errors.ts";
 * console.log(new CrossSiteRequestError().errorCode); // 40302
 * ```
 */
export class CrossSiteRequestError extends GatewayError {
  constructor(options: PipelineErrorOptions = {}) {
    super(
      "Requests from web pages are refused: the gateway offers no CORS, so a page another site serves could otherwise write to it; call it from a program (the emulator, curl, an SDK), which sends no Origin or Sec-Fetch-Site header.",
      { ...options, status: 403, errorCode: 40302 },
    );
  }
}

/** Log error codes (`PipelineError.code`) mapped to HTTP status and REST Proxy code. */
const LOG_CODES: Record<string, [number, number]> = {
  PARTITION_NOT_FOUND: [404, 40402],
  INVALID_ARGUMENT: [422, 42202],
};

/**
 * Maps any thrown value to the {@linkcode GatewayError} answered to the client.
 *
 * @example
 * ```ts
 * import { toGatewayError } from "./errors.ts";
 * import { TopicNotFoundError } from "../errors.ts";
 * console.log(toGatewayError(new TopicNotFoundError("x")).errorCode); // 40401
 * ```
 */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof TopicNotFoundError || err instanceof StreamNotFoundError) {
    return new GatewayError(err.message, {
      status: 404,
      errorCode: 40401,
      cause: err,
      context: err.context,
    });
  }
  if (err instanceof AlreadyExistsError) {
    return new GatewayError(err.message, {
      status: 409,
      errorCode: 40901,
      cause: err,
      context: err.context,
    });
  }
  if (err instanceof PipelineError && err.code in LOG_CODES) {
    const [status, errorCode] = LOG_CODES[err.code];
    return new GatewayError(err.message, {
      status,
      errorCode,
      cause: err,
      context: err.context,
    });
  }
  const detail = err instanceof Error ? err.message : String(err);
  return new GatewayError(
    `The log failed to handle the request (${detail}); check the gateway's log and retry.`,
    { status: 500, errorCode: 50002, cause: err },
  );
}
