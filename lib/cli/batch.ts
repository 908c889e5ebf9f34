/**
 * `deno task batch`: cleans everything the sink wrote to the lake into the warehouse.
 *
 * ```sh
 * deno task batch [--data-dir .data] [--prefix pinterest] [--profile embedded|local|aws]
 * ```
 *
 * Reads `topics/{prefix}.pin|.geo|.user/...` from the profile's lake (embedded:
 * `{data-dir}/lake`; local and aws: the S3 bucket), writes
 * `pin`, `geo`, `user` and `quarantine` as Parquet under `{data-dir}/warehouse/` (atomic
 * replace; a rerun gives the same tables) and prints a summary per table. `DATA_DIR` and
 * `PIPELINE_PREFIX` are read when the flags are absent.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type BatchSummary, runBatch } from "../batch/mod.ts";
import {
  dataPaths,
  loadConfig,
  openLake,
  type PipelineConfig,
} from "../config/mod.ts";
import { consoleLogger, type Logger } from "../logger.ts";
import {
  type CliProgram,
  COMMON_FLAGS,
  formatUsage,
  runCli,
} from "./program.ts";

/**
 * Settings of `deno task batch`: the resolved configuration.
 *
 * @example
 * ```ts
 * import { type BatchCliOptions, parseBatchArgs } from "./batch.ts";
 * const options: BatchCliOptions = parseBatchArgs(["--data-dir", "/tmp/demo"], { PIPELINE_PREFIX: "demo" });
 * console.log(options.profile, options.dataDir, options.prefix); // embedded /tmp/demo demo
 * ```
 */
export type BatchCliOptions = PipelineConfig;

/**
 * Parses the command line of `deno task batch` (flags over `DATA_DIR` / `PIPELINE_PREFIX`).
 *
 * @example
 * ```ts
 * import { parseBatchArgs } from "./batch.ts";
 * const config = parseBatchArgs(["--prefix", "demo"], {});
 * console.log(config.dataDir, config.prefix); // .data demo
 * ```
 */
export function parseBatchArgs(
  args: string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): BatchCliOptions {
  const { values } = parseArgs({
    args,
    options: {
      "data-dir": { type: "string" },
      prefix: { type: "string" },
      profile: { type: "string" },
    },
  });
  return loadConfig(
    {
      dataDir: values["data-dir"],
      prefix: values.prefix,
      profile: values.profile,
    },
    { env },
  );
}

/**
 * Formats a batch summary as a small table for people.
 *
 * @example
 * ```ts
 * import { formatBatchSummary } from "./batch.ts";
 * const t = { objects: 1, records: 3, quarantined: 1, duplicates: 1, rows: 1, elapsedMs: 5 };
 * console.log(formatBatchSummary({ tables: { pin: t, geo: t, user: t }, quarantined: 3,
 *   warehouseDir: ".data/warehouse", elapsedMs: 20 }));
 * ```
 */
export function formatBatchSummary(summary: BatchSummary): string {
  const head = [
    "table",
    "objects",
    "records",
    "quarantined",
    "duplicates",
    "rows",
  ];
  const rows = Object.entries(summary.tables).map(([name, t]) => [
    name,
    ...[t.objects, t.records, t.quarantined, t.duplicates, t.rows].map(String),
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => r[i].length))
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ");
  return [
    line(head),
    ...rows.map(line),
    `quarantine: ${summary.quarantined} rows; tables in ${summary.warehouseDir} (${summary.elapsedMs} ms)`,
  ].join("\n");
}

/**
 * Options of {@linkcode runBatchCli}.
 *
 * @example
 * ```ts
 * import { runBatchCli, type RunBatchCliOptions } from "./batch.ts";
 * import { silentLogger } from "../logger.ts";
 * const options: RunBatchCliOptions = { logger: silentLogger };
 * const summary = await runBatchCli(["--data-dir", await Deno.makeTempDir()], options);
 * console.log(summary.quarantined); // 0
 * ```
 */
export interface RunBatchCliOptions {
  /** Progress lines (default: stderr). */
  logger?: Logger;
}

/**
 * Runs `deno task batch` with `args`; resolves to the summary it printed.
 *
 * @example
 * ```ts
 * import { runBatchCli } from "./batch.ts";
 * import { silentLogger } from "../logger.ts";
 * const summary = await runBatchCli(["--data-dir", await Deno.makeTempDir()], { logger: silentLogger });
 * console.log(summary.tables.pin.rows); // 0
 * ```
 */
export async function runBatchCli(
  args: string[],
  options: RunBatchCliOptions = {},
): Promise<BatchSummary> {
  const opts = parseBatchArgs(args);
  const summary = await runBatch({
    store: await openLake(opts),
    warehouseDir: dataPaths(opts.dataDir).warehouse,
    prefix: opts.prefix,
    logger: options.logger ?? consoleLogger,
  });
  console.log(formatBatchSummary(summary));
  return summary;
}

/** The usage text `deno task batch --help` prints. */
const BATCH_USAGE = formatUsage(
  "batch [options]",
  {
    summary:
      "Cleans every object the sink wrote to the lake into the warehouse: pin, geo, user and\nquarantine as Parquet under {data-dir}/warehouse/ (atomic replace; a rerun gives the same tables).",
    flags: [COMMON_FLAGS.dataDir, COMMON_FLAGS.prefix, COMMON_FLAGS.profile],
  },
);

/**
 * `deno task batch` as a program: `--help`, error messages and exit codes as every task has
 * them (see `program.ts`).
 *
 * @example
 * ```ts
 * import { batchProgram } from "./batch.ts";
 * console.log(batchProgram.usage.split("\n")[0]); // Usage: deno task batch [options]
 * ```
 */
export const batchProgram: CliProgram = {
  name: "batch",
  usage: BATCH_USAGE,
  run: async (args) => {
    await runBatchCli(args);
  },
};

if (import.meta.main) Deno.exit(await runCli(batchProgram, Deno.args));
