/**
 * Typed errors of the source stage (`lib/source/`).
 *
 * @module
 */

import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * The source (SQLite file or MySQL database) does not exist, or lacks the course tables.
 *
 * @example
 * ```ts
 * import { SourceNotFoundError } from "./errors.ts";
 * const err = new SourceNotFoundError(".data/source.db", "the file does not exist");
 * console.log(err.code, err.message);
 * ```
 */
export class SourceNotFoundError extends PipelineError {
  constructor(
    location: string,
    problem: string,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Source ${location}: ${problem}. Create it with \`deno task seed\`` +
        (location.startsWith("mysql://")
          ? ` --source ${location} (start MariaDB with \`deno task services up\`).`
          : ` (or \`deno task seed --source ${location}\`).`),
      {
        ...options,
        code: "SOURCE_NOT_FOUND",
        context: { location, ...options.context },
      },
    );
  }
}

/**
 * A row offset outside `0 .. rowCount-1`, or not a whole number, was asked for.
 *
 * @example
 * ```ts
 * import { SourceOffsetError } from "./errors.ts";
 * console.log(new SourceOffsetError(".data/source.db", 20_000, 11_000).message);
 * ```
 */
export class SourceOffsetError extends PipelineError {
  constructor(
    location: string,
    offset: unknown,
    rowCount: number,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Source ${location}: row offset ${
        String(offset)
      } is invalid; use a whole number from 0 to ${
        rowCount - 1
      } (the source holds ${rowCount} rows).`,
      {
        ...options,
        code: "SOURCE_BAD_OFFSET",
        context: { location, offset, rowCount, ...options.context },
      },
    );
  }
}

/**
 * The source could not be read or written (I/O, connection, SQL error).
 *
 * @example
 * ```ts
 * import { SourceAccessError } from "./errors.ts";
 * const err = new SourceAccessError("mysql://pinterest@127.0.0.1:3306/pinterest", "connection refused");
 * console.log(err.context.location);
 * ```
 */
export class SourceAccessError extends PipelineError {
  constructor(
    location: string,
    problem: string,
    options: PipelineErrorOptions = {},
  ) {
    super(`Source ${location}: ${problem}`, {
      ...options,
      code: "SOURCE_ACCESS_ERROR",
      context: { location, ...options.context },
    });
  }
}
