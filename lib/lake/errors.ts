/**
 * Typed errors of the lake (object stores).
 *
 * @module
 */
import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * An object that does not exist was read.
 *
 * @example
 * ```ts
 * import { ObjectNotFoundError } from "./errors.ts";
 * const err = new ObjectNotFoundError("topics/demo.pin/x.json", "/tmp/lake");
 * console.log(err.code, err.context.key); // OBJECT_NOT_FOUND topics/demo.pin/x.json
 * ```
 */
export class ObjectNotFoundError extends PipelineError {
  constructor(
    key: string,
    location: string,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Object "${key}" does not exist in ${location}; list the store to see which keys exist.`,
      {
        ...options,
        code: "OBJECT_NOT_FOUND",
        context: { key, location, ...options.context },
      },
    );
  }
}

/**
 * A key that cannot name an object was given: empty, absolute, with `.` or `..` or empty
 * segments, a backslash, a NUL byte, or a segment that looks like a store temp file.
 *
 * @example
 * ```ts
 * import { InvalidKeyError } from "./errors.ts";
 * const err = new InvalidKeyError("../etc/passwd", "segment \"..\" is not allowed");
 * console.log(err.code); // INVALID_KEY
 * ```
 */
export class InvalidKeyError extends PipelineError {
  constructor(
    key: string,
    problem: string,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Invalid object key ${
        JSON.stringify(key)
      }: ${problem}. Use relative, "/"-separated keys such as "topics/demo.pin/partition=0/a.json".`,
      {
        ...options,
        code: "INVALID_KEY",
        context: { key, problem, ...options.context },
      },
    );
  }
}

/**
 * Prefix of the temp files a directory store writes before renaming them into place.
 *
 * @example
 * ```ts
 * import { TEMP_PREFIX, validateKey } from "./errors.ts";
 * try {
 *   validateKey(`topics/${TEMP_PREFIX}1234`);
 * } catch (e) {
 *   console.log((e as Error).name); // InvalidKeyError
 * }
 * ```
 */
export const TEMP_PREFIX = ".tmp-";

/**
 * Checks that `key` can name an object; throws {@linkcode InvalidKeyError} otherwise.
 * With `{ prefix: true }` an empty string and a trailing `/` are allowed (list prefixes).
 *
 * @example
 * ```ts
 * import { validateKey } from "./errors.ts";
 * validateKey("topics/demo.pin/partition=0/demo.pin+0+0000000000.json");
 * validateKey("topics/", { prefix: true });
 * ```
 */
export function validateKey(
  key: string,
  options: { prefix?: boolean } = {},
): void {
  if (key === "") {
    if (options.prefix) return;
    throw new InvalidKeyError(key, "it is empty");
  }
  if (key.startsWith("/")) throw new InvalidKeyError(key, "it is absolute");
  if (key.includes("\\")) {
    throw new InvalidKeyError(key, "it contains a backslash");
  }
  if (key.includes("\0")) {
    throw new InvalidKeyError(key, "it contains a NUL byte");
  }
  const segments = key.split("/");
  if (options.prefix && segments.at(-1) === "") segments.pop();
  for (const s of segments) {
    if (s === "") throw new InvalidKeyError(key, "it has an empty segment");
    if (s === "." || s === "..") {
      throw new InvalidKeyError(key, `segment "${s}" is not allowed`);
    }
    if (s.startsWith(TEMP_PREFIX)) {
      throw new InvalidKeyError(
        key,
        `segments starting "${TEMP_PREFIX}" are reserved for temp files`,
      );
    }
  }
}
