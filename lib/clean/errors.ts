/**
 * Errors of the cleaning stage.
 *
 * @module
 */
import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * A scratch file or folder that polars reads the raw records from could not be written (a
 * full disk, a folder without write permission). Nothing was cleaned from it.
 *
 * @example
 * ```ts
 * import { ScratchWriteError } from "./errors.ts";
 * const err = new ScratchWriteError("/tmp/x/raw.ndjson", new Error("No space left on device"));
 * console.log(err.code, err.context.path); // SCRATCH_WRITE /tmp/x/raw.ndjson
 * ```
 */
export class ScratchWriteError extends PipelineError {
  constructor(
    path: string,
    cause: unknown,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Could not write ${path}, scratch space for the raw records polars reads (${
        cause instanceof Error ? cause.message : String(cause)
      }). Free disk space there (or check its permissions), then run again.`,
      {
        ...options,
        cause,
        code: "SCRATCH_WRITE",
        context: { path, ...options.context },
      },
    );
  }
}

/**
 * A SQL query polars could not run (a column or table it names is missing, or of another
 * type). `query` names it (a metric's SQL file, say).
 *
 * @example
 * ```ts
 * import { SqlQueryError } from "./errors.ts";
 * const err = new SqlQueryError("02_popular_category_by_year.sql", new Error('unable to find column "category"'));
 * console.log(err.code, err.context.query); // SQL_QUERY 02_popular_category_by_year.sql
 * ```
 */
export class SqlQueryError extends PipelineError {
  constructor(
    query: string,
    cause: unknown,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Query ${query} failed: ${
        cause instanceof Error ? cause.message : String(cause)
      }. The tables it reads lack what it needs: if the warehouse was written by hand or by another version, run \`deno task batch\` again.`,
      {
        ...options,
        cause,
        code: "SQL_QUERY",
        context: { query, ...options.context },
      },
    );
  }
}

/**
 * Runs `write`, a file-system step that makes the scratch file or folder `path`; its
 * failure becomes a {@linkcode ScratchWriteError}.
 *
 * @example
 * ```ts
 * import { scratchStep } from "./errors.ts";
 * const dir = await Deno.makeTempDir();
 * await scratchStep(`${dir}/raw.ndjson`, () => Deno.writeTextFile(`${dir}/raw.ndjson`, "{}\n"));
 * ```
 */
export async function scratchStep<T>(
  path: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (cause) {
    throw new ScratchWriteError(path, cause);
  }
}
