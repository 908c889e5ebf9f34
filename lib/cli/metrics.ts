/**
 * `deno task metrics`: the nine course answers from the batch tables.
 *
 * ```sh
 * deno task metrics            # readable tables
 * deno task metrics --json     # one JSON object { "<name>": [ {row}, ... ], ... } on stdout
 * deno task metrics --data-dir .data
 * ```
 *
 * Reads `pin`, `geo`, `user` from `{data-dir}/warehouse/` (written by `deno task batch`); says
 * to run the batch first when they are missing or empty. `DATA_DIR` is read when the flag is
 * absent.
 *
 * @module
 */
import { terminalSafe } from "../metrics/terminal_text.ts";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/settings.ts";
import {
  formatResults,
  type MetricResults,
  metricsFromWarehouse,
} from "../metrics/mod.ts";
import {
  type CliProgram,
  COMMON_FLAGS,
  formatUsage,
  runCli,
} from "./program.ts";

/**
 * Settings of `deno task metrics`.
 *
 * @example
 * ```ts
 * import { type MetricsCliOptions, parseMetricsArgs } from "./metrics.ts";
 * const options: MetricsCliOptions = parseMetricsArgs([], { DATA_DIR: "/srv/pipeline" });
 * console.log(options); // { dataDir: "/srv/pipeline", json: false }
 * ```
 */
export interface MetricsCliOptions {
  dataDir: string;
  json: boolean;
}

/**
 * Parses the command line of `deno task metrics`.
 *
 * @example
 * ```ts
 * import { parseMetricsArgs } from "./metrics.ts";
 * console.log(parseMetricsArgs(["--json"], {})); // { dataDir: ".data", json: true }
 * ```
 */
export function parseMetricsArgs(
  args: string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): MetricsCliOptions {
  const { values } = parseArgs({
    args,
    options: {
      "data-dir": { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const config = loadConfig({
    dataDir: values["data-dir"],
    profile: "embedded",
  }, { env });
  return { dataDir: config.dataDir, json: values.json };
}

/**
 * Options of {@linkcode runMetricsCli}.
 *
 * @example
 * ```ts
 * import { runMetricsCli, type RunMetricsCliOptions } from "./metrics.ts";
 * const lines: string[] = [];
 * const options: RunMetricsCliOptions = { write: (text) => lines.push(text) };
 * await runMetricsCli(["--data-dir", await Deno.makeTempDir()], options).catch((e) => console.log(e.code));
 * // WAREHOUSE_MISSING: `deno task batch` has not written the tables yet
 * ```
 */
export interface RunMetricsCliOptions {
  /** Where the output goes (default: `console.log`). */
  write?: (text: string) => void;
}

/**
 * Runs `deno task metrics` with `args`: prints the tables, or the JSON object with `--json`.
 *
 * @example
 * ```ts
 * import { runMetricsCli } from "./metrics.ts";
 * const out: string[] = [];
 * await runMetricsCli(["--json", "--data-dir", ".data"], { write: (t) => out.push(t) });
 * console.log(Object.keys(JSON.parse(out[0])).length); // 9
 * ```
 */
export async function runMetricsCli(
  args: string[],
  options: RunMetricsCliOptions = {},
): Promise<MetricResults> {
  const opts = parseMetricsArgs(args);
  const write = options.write ?? ((text: string) => console.log(text));
  const { results } = await metricsFromWarehouse(
    join(opts.dataDir, "warehouse"),
  );
  // JSON.stringify leaves C1 controls and direction marks raw: escaped, still the same JSON.
  write(
    opts.json ? terminalSafe(JSON.stringify(results)) : formatResults(results),
  );
  return results;
}

/** The usage text `deno task metrics --help` prints. */
const METRICS_USAGE = formatUsage(
  "metrics [options]",
  {
    summary:
      "Prints the nine course answers computed from the batch tables in {data-dir}/warehouse/\n(written by `deno task batch`).",
    flags: [
      ["--json", 'one JSON object { "<name>": [ {row}, ... ], ... } on stdout'],
      COMMON_FLAGS.dataDir,
    ],
  },
);

/**
 * `deno task metrics` as a program: `--help`, error messages and exit codes as every task has
 * them (see `program.ts`).
 *
 * @example
 * ```ts
 * import { metricsProgram } from "./metrics.ts";
 * console.log(metricsProgram.usage.split("\n")[0]); // Usage: deno task metrics [options]
 * ```
 */
export const metricsProgram: CliProgram = {
  name: "metrics",
  usage: METRICS_USAGE,
  run: async (args) => {
    await runMetricsCli(args);
  },
};

if (import.meta.main) Deno.exit(await runCli(metricsProgram, Deno.args));
