/**
 * Request body handling: content-type checks, size-bounded reading and JSON parsing.
 *
 * The size limit is enforced before or while the body streams in: a declared
 * `Content-Length` over the limit is refused without reading; a body without one
 * (chunked) is read chunk by chunk and the reader stops (and cancels the stream) as soon
 * as the bytes read pass the limit, so no more than `maxBytes` plus one chunk is ever
 * held in memory.
 *
 * @module
 */

import {
  BodyReadError,
  BodyTooLargeError,
  InvalidBodyError,
  UnsupportedMediaTypeError,
} from "./errors.ts";

/**
 * Content types accepted by `POST /topics/{topic}` (REST Proxy v2 JSON embedded format).
 *
 * @example
 * ```ts
 * import { TOPIC_CONTENT_TYPES } from "./body.ts";
 * console.log(TOPIC_CONTENT_TYPES.includes("application/json")); // true
 * ```
 */
export const TOPIC_CONTENT_TYPES = [
  "application/vnd.kafka.json.v2+json",
  "application/json",
];

/**
 * Content types accepted by the Kinesis routes.
 *
 * @example
 * ```ts
 * import { STREAM_CONTENT_TYPES } from "./body.ts";
 * console.log(STREAM_CONTENT_TYPES[0]); // application/json
 * ```
 */
export const STREAM_CONTENT_TYPES = [
  "application/json",
  "application/x-amz-json-1.1",
];

/**
 * Throws {@linkcode UnsupportedMediaTypeError} unless the request's media type (ignoring
 * parameters such as `charset`, case-insensitive) is one of `accepted`.
 *
 * @example
 * ```ts
 * import { checkContentType, TOPIC_CONTENT_TYPES } from "./body.ts";
 * const req = new Request("http://x/topics/t", {
 *   method: "POST",
 *   headers: { "content-type": "application/json; charset=utf-8" },
 * });
 * checkContentType(req, TOPIC_CONTENT_TYPES); // passes
 * ```
 */
export function checkContentType(req: Request, accepted: string[]): void {
  const header = req.headers.get("content-type");
  const media = header?.split(";")[0].trim().toLowerCase() ?? "";
  if (!accepted.includes(media)) {
    throw new UnsupportedMediaTypeError(header, accepted);
  }
}

/**
 * Reads the whole body, failing with {@linkcode BodyTooLargeError} once it passes
 * `maxBytes` (without reading the rest), and with {@linkcode BodyReadError} when it cannot
 * be read to its end (the client hung up).
 *
 * @example
 * ```ts
 * import { readBodyBytes } from "./body.ts";
 * const req = new Request("http://x/", { method: "POST", body: "hello" });
 * const bytes = await readBodyBytes(req, 1024);
 * console.log(bytes.length); // 5
 * ```
 */
export async function readBodyBytes(
  req: Request,
  maxBytes: number,
): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) {
    await req.body?.cancel().catch(() => {});
    throw new BodyTooLargeError(maxBytes, { context: { declared } });
  }
  if (req.body === null) return new Uint8Array(0);
  if (Number.isSafeInteger(declared) && declared >= 0) {
    // Over HTTP the declared length frames the body, so it is at most `declared` bytes:
    // read it natively in one go (much cheaper than a JS stream reader). The check below
    // only matters for a Request built in-process with a false Content-Length.
    const bytes = await req.bytes().catch((e) => {
      throw new BodyReadError(e);
    });
    if (bytes.byteLength > maxBytes) throw new BodyTooLargeError(maxBytes);
    return bytes;
  }
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (true) {
    const { done, value } = await reader.read().catch((e) => {
      throw new BodyReadError(e);
    });
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses a body's bytes as JSON; malformed UTF-8 or JSON throws
 * {@linkcode InvalidBodyError} with error code 42201. No bytes parse to `undefined`.
 *
 * @example
 * ```ts
 * import { parseJsonBytes } from "./body.ts";
 * console.log(parseJsonBytes(new TextEncoder().encode('{"a":1}'))); // { a: 1 }
 * ```
 */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  if (bytes.byteLength === 0) return undefined;
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch (err) {
    throw new InvalidBodyError(
      `Request body is not valid JSON (${
        (err as Error).message
      }); send a UTF-8 JSON object.`,
      { errorCode: 42201, cause: err },
    );
  }
}

/**
 * Reads the body (bounded by `maxBytes`) and parses it as JSON ({@linkcode parseJsonBytes}).
 *
 * @example
 * ```ts
 * import { readJsonBody } from "./body.ts";
 * const req = new Request("http://x/", { method: "POST", body: '{"a":1}' });
 * console.log(await readJsonBody(req, 1024)); // { a: 1 }
 * ```
 */
export async function readJsonBody(
  req: Request,
  maxBytes: number,
): Promise<unknown> {
  return parseJsonBytes(await readBodyBytes(req, maxBytes));
}
