/**
 * Errors of the report.
 *
 * @module
 */
import { join } from "node:path";
import { PipelineError, type PipelineErrorOptions } from "../errors.ts";

/**
 * Options of {@linkcode ReportWriteError}.
 *
 * @example
 * ```ts
 * import { ReportWriteError, type ReportWriteErrorOptions } from "./errors.ts";
 * const options: ReportWriteErrorOptions = { folder: true };
 * console.log(new ReportWriteError("site", new Error("Is a directory"), options).message);
 * // Could not write the report site: it is a folder; pass a file to --out, e.g. site/report.html.
 * ```
 */
export interface ReportWriteErrorOptions extends PipelineErrorOptions {
  /** The path is an existing folder (the page cannot replace it). */
  folder?: boolean;
}

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
    options: ReportWriteErrorOptions = {},
  ) {
    const { folder, ...rest } = options;
    super(
      folder
        ? `Could not write the report ${path}: it is a folder; pass a file to --out, e.g. ${
          join(path, "report.html")
        }.`
        : `Could not write the report ${path} (${
          cause instanceof Error ? cause.message : String(cause)
        }); check that its folder can be created and written, or pass another --out.`,
      {
        ...rest,
        cause,
        code: "REPORT_WRITE",
        context: { path, ...(folder ? { folder } : {}), ...rest.context },
      },
    );
  }
}
