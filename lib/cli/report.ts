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
import { ConfigError, PipelineError } from "../errors.ts";
import { metricsFromWarehouse } from "../metrics/mod.ts";
import { buildReport, writeReport } from "../report/mod.ts";

/** Settings of `deno task report`. */
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

if (import.meta.main) {
  try {
    const path = await runReportCli(Deno.args);
    console.log(`report: wrote ${path}`);
  } catch (err) {
    if (!(err instanceof PipelineError) && !(err instanceof TypeError)) {
      throw err;
    }
    console.error(`report: ${err.message}`);
    Deno.exit(err instanceof ConfigError || err instanceof TypeError ? 2 : 1);
  }
}
