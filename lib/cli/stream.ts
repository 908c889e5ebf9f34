/**
 * `deno task stream`: the streaming job. Consumes `streaming-{prefix}-pin|geo|user` from the
 * profile's streams (embedded: the log in `{data-dir}/log.db`), cleans each micro-batch and appends it to the tables
 * `stream_pin`, `stream_geo`, `stream_user` (and `stream_quarantine`) under
 * `{data-dir}/stream/`, exactly once across crashes.
 *
 * ```sh
 * deno task stream [--data-dir .data] [--prefix pinterest] [--profile embedded|local|aws]
 *                  [--trigger-interval-ms 1000] [--compact-after 256]
 * deno task stream --once   # catch up with everything posted so far, then exit
 * ```
 *
 * Without `--once` it runs until SIGINT or SIGTERM; the batch in flight finishes first.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  dataPaths,
  loadConfig,
  openStreamLog,
  type PipelineConfig,
} from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import { consoleLogger, type Logger } from "../logger.ts";
import { stopOnSignals } from "./stop_signal.ts";
import {
  createStreamProcessor,
  STREAM_PROGRAM,
  type StreamProcessorStats,
} from "../stream/mod.ts";
import {
  type CliProgram,
  COMMON_FLAGS,
  formatUsage,
  runCli,
} from "./program.ts";

/**
 * Settings of `deno task stream`.
 *
 * @example
 * ```ts
 * import { parseStreamArgs, type StreamCliOptions } from "./stream.ts";
 * const options: StreamCliOptions = parseStreamArgs(["--compact-after", "64"], {});
 * console.log(options.compactAfterParts, options.once, options.triggerIntervalMs); // 64 false 1000
 * ```
 */
export interface StreamCliOptions {
  /** Profile, data dir (tables in `{dataDir}/stream/`) and prefix, as `loadConfig` resolved them. */
  config: PipelineConfig;
  /** `--trigger-interval-ms`: time between micro-batch starts; default 1000. */
  triggerIntervalMs: number;
  /** `--once`: catch up with everything available, then exit. */
  once: boolean;
  /** `--compact-after`: micro-batch parts of a table merged into one file; default 256. */
  compactAfterParts: number;
}

/**
 * Parses the command line (and environment) of `deno task stream`.
 *
 * @example
 * ```ts
 * import { parseStreamArgs } from "./stream.ts";
 * const opts = parseStreamArgs(["--once", "--trigger-interval-ms", "500"], {});
 * console.log(opts.once, opts.triggerIntervalMs, opts.config.dataDir); // true 500 .data
 * ```
 */
export function parseStreamArgs(
  args: string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): StreamCliOptions {
  const { values } = parseArgs({
    args,
    options: {
      "data-dir": { type: "string" },
      prefix: { type: "string" },
      profile: { type: "string" },
      "trigger-interval-ms": { type: "string", default: "1000" },
      "compact-after": { type: "string", default: "256" },
      once: { type: "boolean", default: false },
    },
  });
  const interval = Number(values["trigger-interval-ms"]);
  if (!Number.isInteger(interval) || interval < 1 || interval > 3_600_000) {
    throw new ConfigError(
      "--trigger-interval-ms",
      "must be an integer number of milliseconds from 1 to 3600000",
      { value: values["trigger-interval-ms"] },
    );
  }
  const compactAfter = Number(values["compact-after"]);
  if (!Number.isInteger(compactAfter) || compactAfter < 2) {
    throw new ConfigError(
      "--compact-after",
      "must be a whole number of parts >= 2",
      { value: values["compact-after"] },
    );
  }
  const config = loadConfig({
    profile: values.profile,
    dataDir: values["data-dir"],
    prefix: values.prefix,
  }, { env });
  return {
    config,
    triggerIntervalMs: interval,
    once: values.once,
    compactAfterParts: compactAfter,
  };
}

/**
 * Options of {@linkcode runStreamCli}.
 *
 * @example
 * ```ts
 * import { runStreamCli, type RunStreamCliOptions } from "./stream.ts";
 * import { silentLogger } from "../logger.ts";
 * const options: RunStreamCliOptions = { signal: AbortSignal.timeout(500), logger: silentLogger };
 * const stats = await runStreamCli(["--data-dir", await Deno.makeTempDir()], options);
 * console.log(stats.records); // 0: stopped after half a second with nothing to read
 * ```
 */
export interface RunStreamCliOptions {
  /** Stops a continuous run, like SIGINT does. */
  signal?: AbortSignal;
  /** Progress lines (default: stderr). */
  logger?: Logger;
}

/**
 * Runs the streaming job: one catch-up with `--once`, otherwise until SIGINT/SIGTERM (or
 * `signal`). Resolves to the processor's counters.
 *
 * @example
 * ```ts
 * import { runStreamCli } from "./stream.ts";
 * import { silentLogger } from "../logger.ts";
 * const stats = await runStreamCli(["--once", "--data-dir", await Deno.makeTempDir()], {
 *   logger: silentLogger,
 * });
 * console.log(stats.records); // 0
 * ```
 */
export async function runStreamCli(
  args: string[],
  options: RunStreamCliOptions = {},
): Promise<StreamProcessorStats> {
  const opts = parseStreamArgs(args);
  const { prefix } = opts.config;
  const logger = options.logger ?? consoleLogger;
  const outDir = dataPaths(opts.config.dataDir).stream;
  const streams = await openStreamLog(opts.config);
  const processor = createStreamProcessor({
    streams,
    prefix,
    outDir,
    triggerIntervalMs: opts.triggerIntervalMs,
    compactAfterParts: opts.compactAfterParts,
    logger,
    program: STREAM_PROGRAM,
    // Said once the tables are this processor's: one refused (another processor holds
    // them) fails with the error alone.
    onOpen: () => {
      if (!opts.once) logger.info("stream: running", { outDir, prefix });
    },
  });
  const stop = stopOnSignals({
    listen: !opts.once,
    signal: options.signal,
    notice: "the micro-batch in flight finishes",
  });
  try {
    if (opts.once) {
      await processor.runOnce();
    } else {
      await processor.run(stop.signal);
    }
  } finally {
    stop.dispose();
    await streams.close();
  }
  const s = processor.stats;
  logger.info("stream: done", {
    outDir,
    batches: s.batches,
    records: s.records,
    rows: s.rows,
    checkpointBatch: s.lastBatchId,
  });
  return s;
}

/** The usage text `deno task stream --help` prints. */
const STREAM_USAGE = formatUsage(
  "stream [options]",
  {
    summary:
      "Cleans the streams micro-batch by micro-batch into stream_pin, stream_geo, stream_user and\nstream_quarantine under {data-dir}/stream/, exactly once across crashes. Runs until Ctrl-C\n(the micro-batch in flight finishes) unless --once.",
    flags: [
      ["--once", "catch up with everything posted so far, then exit"],
      [
        "--trigger-interval-ms N",
        "time between micro-batch starts (default 1000)",
      ],
      [
        "--compact-after N",
        "merge a table's micro-batch parts into one file every N parts (default 256)",
      ],
      COMMON_FLAGS.dataDir,
      COMMON_FLAGS.prefix,
      COMMON_FLAGS.profile,
    ],
  },
);

/**
 * `deno task stream` as a program: `--help`, error messages and exit codes as every task has
 * them (see `program.ts`).
 *
 * @example
 * ```ts
 * import { streamProgram } from "./stream.ts";
 * console.log(streamProgram.usage.split("\n")[0]); // Usage: deno task stream [options]
 * ```
 */
export const streamProgram: CliProgram = {
  name: "stream",
  usage: STREAM_USAGE,
  run: async (args) => {
    await runStreamCli(args);
  },
};

if (import.meta.main) Deno.exit(await runCli(streamProgram, Deno.args));
