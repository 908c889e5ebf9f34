/**
 * Errors of the report.
 *
 * @module
 */
import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * The report page could not be written where it was asked for.
 *
 * @example
 * ```ts
 * import { ReportWriteError } from "./errors.ts";
 * const err = new ReportWriteError("/tmp/x/report.html", new Error("disk full"));
 * console.log(err.code); // REPORT_WRITE
 * ```
 */
export class ReportWriteError extends PipelineError {
  constructor(
    path: string,
    cause: unknown,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Could not write the report ${path} (${
        cause instanceof Error ? cause.message : String(cause)
      }); check that its folder can be created and written, or pass another --out.`,
      {
        ...options,
        cause,
        code: "REPORT_WRITE",
        context: { path, ...options.context },
      },
    );
  }
}
