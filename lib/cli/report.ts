/**
 * `deno task report`: writes `{data-dir}/report.html`, the nine answers as tables and
 * Vega-Lite charts (SVG rendered here, so the page works offline and has no scripts).
 *
 * ```sh
 * deno task report [--data-dir .data] [--out .data/report.html]
 * ```
 *
 * Reads the batch tables in `{data-dir}/warehouse/`; says to run `deno task batch` first when
 * they are missing or empty.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/settings.ts";
import { ConfigError } from "../errors.ts";
import { metricsFromWarehouse } from "../metrics/mod.ts";
import { buildReport, writeReport } from "../report/mod.ts";
import {
  type CliProgram,
  COMMON_FLAGS,
  formatUsage,
  runCli,
} from "./program.ts";

/**
 * Settings of `deno task report`.
 *
 * @example
 * ```ts
 * import { parseReportArgs, type ReportCliOptions } from "./report.ts";
 * const options: ReportCliOptions = parseReportArgs(["--out", "site/index.html"], {});
 * console.log(options); // { dataDir: ".data", out: "site/index.html" }
 * ```
 */
export interface ReportCliOptions {
  dataDir: string;
  /** Output file; default `{dataDir}/report.html`. */
  out: string;
}

/**
 * Parses the command line of `deno task report`.
 *
 * @example
 * ```ts
 * import { parseReportArgs } from "./report.ts";
 * console.log(parseReportArgs(["--data-dir", "d"], {}).out); // d/report.html
 * ```
 */
export function parseReportArgs(
  args: string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): ReportCliOptions {
  const { values } = parseArgs({
    args,
    options: { "data-dir": { type: "string" }, out: { type: "string" } },
  });
  if (values.out === "") {
    throw new ConfigError(
      "--out",
      "must not be empty (the default is {data-dir}/report.html)",
      { value: values.out },
    );
  }
  const config = loadConfig({
    dataDir: values["data-dir"],
    profile: "embedded",
  }, { env });
  return {
    dataDir: config.dataDir,
    out: values.out ?? join(config.dataDir, "report.html"),
  };
}

/**
 * Runs `deno task report` with `args`; resolves to the path written.
 *
 * @example
 * ```ts
 * import { runReportCli } from "./report.ts";
 * const path = await runReportCli(["--data-dir", ".data"]);
 * console.log(path); // .data/report.html
 * ```
 */
export async function runReportCli(args: string[]): Promise<string> {
  const opts = parseReportArgs(args);
  const { results, rows } = await metricsFromWarehouse(
    join(opts.dataDir, "warehouse"),
  );
  await writeReport(opts.out, await buildReport(results, { tableRows: rows }));
  return opts.out;
}

/** The usage text `deno task report --help` prints. */
const REPORT_USAGE = formatUsage(
  "report [options]",
  {
    summary:
      "Writes an HTML page with the nine answers as tables and Vega-Lite charts, from the batch\ntables in {data-dir}/warehouse/ (written by `deno task batch`).",
    flags: [
      [
        "--out FILE",
        "where to write the page (default {data-dir}/report.html)",
      ],
      COMMON_FLAGS.dataDir,
    ],
  },
);

/**
 * `deno task report` as a program: `--help`, error messages and exit codes as every task has
 * them (see `program.ts`).
 *
 * @example
 * ```ts
 * import { reportProgram } from "./report.ts";
 * console.log(reportProgram.usage.split("\n")[0]); // Usage: deno task report [options]
 * ```
 */
export const reportProgram: CliProgram = {
  name: "report",
  usage: REPORT_USAGE,
  run: async (args) => {
    console.log(`report: wrote ${await runReportCli(args)}`);
  },
};

if (import.meta.main) Deno.exit(await runCli(reportProgram, Deno.args));
