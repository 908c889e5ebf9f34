/**
 * One HTTP post of one record to the ingestion API, in the course's two shapes.
 *
 * - Topic (batch path, Kafka REST Proxy v2): `POST {api}/topics/{prefix}.pin|.geo|.user`,
 *   `Content-Type: application/vnd.kafka.json.v2+json`, body `{"records":[{"value":{...}}]}`.
 * - Stream (streaming path, API Gateway -> Kinesis): `PUT
 *   {api}/streams/streaming-{prefix}-pin|geo|user/record`, `Content-Type: application/json`,
 *   body `{"StreamName":...,"Data":{...},"PartitionKey":"partition-{index}"}`.
 *
 * The partition key is `partition-{index}` where `index` is the row's `index` (pin) or
 * `ind` (geo, user): the three records of one post share it, rows spread over shards, and
 * reposting a row hits the same shard. Datetimes are serialised as `YYYY-MM-DD HH:MM:SS`
 * by {@linkcode toCourseJson}.
 *
 * @module
 */

import { toCourseJson } from "../source/mod.ts";
import type { Post } from "../source/types.ts";
import { PostError } from "./errors.ts";
import type { Target } from "./targets.ts";

/**
 * A ready-to-send HTTP request.
 *
 * @example
 * ```ts
 * import type { PostRequest } from "./poster.ts";
 * const request: PostRequest = {
 *   target: { kind: "topic", table: "geo", name: "pinterest.geo" },
 *   method: "POST",
 *   path: "/topics/pinterest.geo",
 *   contentType: "application/vnd.kafka.json.v2+json",
 *   body: '{"records":[{"value":{"ind":7,"country":"Chad"}}]}',
 * };
 * ```
 */
export interface PostRequest {
  target: Target;
  method: "POST" | "PUT";
  /** Path below the API base URL, e.g. `/topics/pinterest.pin`. */
  path: string;
  contentType: string;
  body: string;
}

/**
 * Builds the request that posts `post`'s record for `target`.
 *
 * @example
 * ```ts
 * import { buildRequest } from "./poster.ts";
 * import { targetsFor } from "./targets.ts";
 * import type { Post } from "../source/types.ts";
 * function pinRequest(post: Post) {
 *   const [pinTopic] = targetsFor("batch", "pinterest");
 *   const req = buildRequest(pinTopic, post);
 *   console.log(req.method, req.path); // POST /topics/pinterest.pin
 * }
 * ```
 */
export function buildRequest(target: Target, post: Post): PostRequest {
  const record = post[target.table];
  const value = toCourseJson(record);
  if (target.kind === "topic") {
    return {
      target,
      method: "POST",
      path: `/topics/${encodeURIComponent(target.name)}`,
      contentType: "application/vnd.kafka.json.v2+json",
      body: JSON.stringify({ records: [{ value }] }),
    };
  }
  const index = "index" in record ? record.index : record.ind;
  return {
    target,
    method: "PUT",
    path: `/streams/${encodeURIComponent(target.name)}/record`,
    contentType: "application/json",
    body: JSON.stringify({
      StreamName: target.name,
      Data: value,
      PartitionKey: `partition-${index}`,
    }),
  };
}

/**
 * Options of {@linkcode sendRequest}.
 *
 * @example
 * ```ts
 * import { type PostRequest, sendRequest, type SendOptions } from "./poster.ts";
 * const options: SendOptions = { apiKey: "k1", timeoutMs: 5_000 };
 * const target = { kind: "topic", table: "geo", name: "pinterest.geo" } as const;
 * const body = JSON.stringify({ records: [{ value: { ind: 7 } }] });
 * const request: PostRequest = { target, method: "POST", path: "/topics/pinterest.geo", contentType: "application/vnd.kafka.json.v2+json", body };
 * await sendRequest("http://127.0.0.1:1", request, options).catch((e) => console.log(e.retryable)); // true: nothing listens there
 * ```
 */
export interface SendOptions {
  /** Sent as `x-api-key` when set. */
  apiKey?: string;
  /** Give up on one attempt after this many milliseconds (default 30,000); retryable. */
  timeoutMs?: number;
  /** The timer of an attempt's timeout (default `setTimeout`/`clearTimeout`). */
  timers?: RequestTimers;
}

/**
 * Sets and clears the timer of an attempt's timeout. The timer is cleared as soon as the
 * attempt ends: `AbortSignal.timeout` kept each one (and what it held) for the whole
 * timeout, 30 s by default, some 40 MB of heap at 650 posts/s.
 *
 * @example
 * ```ts
 * import { buildRequest, type RequestTimers, sendRequest } from "./poster.ts";
 * import { targetsFor } from "./targets.ts";
 * import { createGenerator } from "../source/mod.ts";
 * let pending = 0;
 * const timers: RequestTimers = {
 *   set: (fire, ms) => (pending++, setTimeout(() => (pending--, fire()), ms)),
 *   clear: (id) => (pending--, clearTimeout(id)),
 * };
 * const [target] = targetsFor("batch", "pinterest");
 * const request = buildRequest(target, createGenerator({ rows: 1, seed: 1 }).post(0));
 * await sendRequest("http://127.0.0.1:1", request, { timers }).catch(() => {});
 * console.log(pending); // 0: the attempt failed (nothing listens there) and its timer is gone
 * ```
 */
export interface RequestTimers {
  /** Calls `fire` after `ms` milliseconds; returns an id for {@linkcode RequestTimers.clear}. */
  set(fire: () => void, ms: number): ReturnType<typeof setTimeout>;
  /** Cancels the timer `id` (one that fired already is fine). */
  clear(id: ReturnType<typeof setTimeout>): void;
}

const DEFAULT_TIMERS: RequestTimers = {
  set: (fire, ms) => setTimeout(fire, ms),
  clear: (id) => clearTimeout(id),
};

const BODY_LIMIT = 500;

/**
 * `url` as shown in messages and reports: without the password of its user info (a REST
 * Proxy behind basic auth, `https://user:secret@host`); any other text as it is.
 *
 * @example
 * ```ts
 * import { shownUrl } from "./poster.ts";
 * console.log(shownUrl("https://user:secret@proxy:8082/v2")); // https://user@proxy:8082/v2
 * console.log(shownUrl("http://127.0.0.1:8080")); // http://127.0.0.1:8080
 * ```
 */
export function shownUrl(url: string): string {
  const parsed = URL.parse(url);
  if (parsed === null || parsed.password === "") return url;
  parsed.password = "";
  return parsed.href;
}

/** `Retry-After` in ms: delay-seconds, or an HTTP date (a past one is 0); else undefined. */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) {
    return seconds >= 0 ? seconds * 1000 : undefined;
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The JSON value of a response body; `undefined` when it is not JSON. */
function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** REST Proxy v2 reports per-record failures inside a 200: error_code 2 is retriable. */
function offsetError(
  text: string,
): { message: string; retryable: boolean } | undefined {
  const parsed = jsonOrUndefined(text);
  const offsets = (parsed as { offsets?: unknown })?.offsets;
  if (!Array.isArray(offsets)) return undefined;
  const bad = offsets.find((o) =>
    o && o.error_code !== null && o.error_code !== undefined
  );
  if (!bad) return undefined;
  return {
    message: `error_code ${bad.error_code}: ${bad.error ?? "no message"}`,
    retryable: bad.error_code === 2,
  };
}

/** Kinesis errors that another attempt may get past: throttling and the service's own failures. */
const KINESIS_RETRYABLE = new Set([
  "ProvisionedThroughputExceededException",
  "KMSThrottlingException",
  "ThrottlingException",
  "LimitExceededException",
  "InternalFailure",
  "InternalFailureException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
]);

/**
 * API Gateway's Kinesis integration answers 200 with Kinesis' error body
 * (`{"__type":"ResourceNotFoundException","message":...}`) unless its integration responses
 * map errors to other statuses, as the course's default setup does not.
 */
function kinesisError(
  text: string,
): { message: string; retryable: boolean } | undefined {
  const parsed = jsonOrUndefined(text);
  const { __type, message, Message } = (parsed ?? {}) as Record<
    string,
    unknown
  >;
  if (typeof __type !== "string") return undefined;
  const type = __type.split("#").pop()!;
  return {
    message: `${type}: ${message ?? Message ?? "no message"}`,
    retryable: KINESIS_RETRYABLE.has(type),
  };
}

/**
 * What a failed `fetch` says, with why: Deno's `TypeError` says only "fetch failed", and its
 * cause "error sending request for url (...): client error (Connect): tcp connect error:
 * Connection refused (os error 111)"; the last part is kept.
 */
function networkReason(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  const inner = (error as Error)?.cause;
  if (!(inner instanceof Error)) return message;
  return `${message}: ${inner.message.split("): ").pop()}`;
}

/**
 * Sends one request to the API at `api` (base URL). Resolves when the server accepted
 * the record; throws {@linkcode PostError} otherwise (`retryable` for 5xx, 408, 429, network
 * errors and timeouts), also for a 2xx whose body is a REST Proxy or Kinesis error
 * (retryable for a retriable broker error and Kinesis throttling), and for a redirect (3xx,
 * not followed, not retryable: it names where the API redirects). The response body is
 * always read, so keep-alive connections are reused.
 *
 * @example
 * ```ts
 * import { buildRequest, sendRequest } from "./poster.ts";
 * import { targetsFor } from "./targets.ts";
 * import type { Post } from "../source/types.ts";
 * async function postPin(post: Post) {
 *   const [target] = targetsFor("batch", "pinterest");
 *   await sendRequest("http://127.0.0.1:8080", buildRequest(target, post), { apiKey: "k" });
 * }
 * ```
 */
export async function sendRequest(
  api: string,
  request: PostRequest,
  options: SendOptions = {},
): Promise<void> {
  const label = `${request.method} ${request.path}`;
  const url = api.replace(/\/+$/, "") + request.path;
  const headers: Record<string, string> = {
    "content-type": request.contentType,
  };
  if (options.apiKey !== undefined) headers["x-api-key"] = options.apiKey;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const timers = options.timers ?? DEFAULT_TIMERS;
  const timeout = new AbortController();
  const timer = timers.set(() => timeout.abort(), timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: request.method,
      headers,
      body: request.body,
      // Followed, a 301, 302 or 303 turns the post into a GET without its record, which a
      // REST Proxy answers 200 (the topic's metadata): counted accepted, nothing produced.
      redirect: "manual",
      signal: timeout.signal,
    });
    text = await response.text();
  } catch (cause) {
    const timedOut = timeout.signal.aborted;
    const why = timedOut
      ? `no answer within ${timeoutMs} ms`
      : networkReason(cause);
    throw new PostError(`${label} to ${shownUrl(url)} failed: ${why}`, {
      target: request.target.name,
      request: label,
      retryable: true,
    }, { cause });
  } finally {
    timers.clear(timer);
  }
  const status = response.status;
  if (status >= 200 && status < 300) {
    const topic = request.target.kind === "topic";
    const failed = topic ? offsetError(text) : kinesisError(text);
    if (!failed) return;
    throw new PostError(
      `${label} was refused by ${
        topic ? "the broker" : "Kinesis"
      }: ${failed.message}`,
      {
        target: request.target.name,
        request: label,
        status,
        body: text.slice(0, BODY_LIMIT),
        retryable: failed.retryable,
      },
    );
  }
  const body = text.slice(0, BODY_LIMIT);
  if (status >= 300 && status < 400) {
    const location = response.headers.get("location");
    const target = location === null
      ? undefined
      : URL.parse(location, url)?.href ?? location;
    const where = target === undefined
      ? "nowhere (no Location)"
      : shownUrl(target);
    // The request's route is added to --api: the base is the target less that route.
    const base = target?.endsWith(request.path)
      ? shownUrl(target.slice(0, -request.path.length))
      : "the URL it redirects to";
    throw new PostError(
      `HTTP ${status} from ${label}: the API redirects to ${where}; give --api ${base}`,
      {
        target: request.target.name,
        request: label,
        status,
        body,
        retryable: false,
      },
    );
  }
  throw new PostError(
    `HTTP ${status} from ${label}: ${body || response.statusText}`,
    {
      target: request.target.name,
      request: label,
      status,
      body,
      retryable: status >= 500 || status === 429 || status === 408,
      retryAfterMs: retryAfterMs(response.headers.get("retry-after")),
    },
  );
}
