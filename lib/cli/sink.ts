/**
 * `deno task sink`: the S3-sink stage alone. Consumes `{prefix}.pin|.geo|.user` and writes
 * NDJSON objects `topics/{topic}/partition={p}/{topic}+{p}+{startOffset}.json` to the lake,
 * exactly once across crashes (see `lib/sink/sink.ts`).
 *
 * ```sh
 * deno task sink [--data-dir .data] [--prefix pinterest] [--flush-size 500] [--rotate-interval-ms 10000]
 * deno task sink --once [--idle-ms 1000]   # drain what is in the topics, flush, exit
 * deno task sink --verify last             # on start, read only each partition's last object
 * deno task sink --profile local           # Kafka + S3 from the configuration
 * ```
 *
 * Without `--once` it runs until SIGINT or SIGTERM, then flushes its buffers and exits.
 * A data dir takes one sink at a time, whatever its `--group`: a second one is refused
 * with `LakeBusyError` naming the first's process (see `lib/sink/lake_lock.ts`). An S3 lake
 * (`--profile local|aws`) cannot be locked: run one sink group per bucket prefix.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError } from "../errors.ts";
import {
  loadConfig,
  openLake,
  type OpenLogOptions,
  openTopicLog,
  type PipelineConfig,
} from "../config/mod.ts";
import type { TopicLog } from "../log/types.ts";
import type { ObjectStore } from "../lake/types.ts";
import { consoleLogger, type Logger } from "../logger.ts";
import { ensureTopics, pipelineNames } from "../gateway/mod.ts";
import { stopOnSignals } from "./stop_signal.ts";
import { createSink, type SinkStats } from "../sink/mod.ts";
import {
  type CliProgram,
  COMMON_FLAGS,
  formatUsage,
  positiveFlag,
  runCli,
} from "./program.ts";

/**
 * Settings of `deno task sink`.
 *
 * @example
 * ```ts
 * import { parseSinkArgs, type SinkCliOptions } from "./sink.ts";
 * const options: SinkCliOptions = parseSinkArgs(["--group", "sink-2", "--rotate-interval-ms", "2000"], {});
 * console.log(options.group, options.rotateIntervalMs, options.flushSize); // sink-2 2000 500
 * ```
 */
export interface SinkCliOptions {
  /**
   * Profile, data dir (embedded: `log.db` and `lake/` under it) and prefix (topics
   * `{prefix}.pin|.geo|.user`), flags over `PIPELINE_PROFILE`, `DATA_DIR`, `PIPELINE_PREFIX`.
   */
  config: PipelineConfig;
  /** `--flush-size`: most records per object (default 500). */
  flushSize: number;
  /** `--rotate-interval-ms`: write a partial object after this long (default 10000). */
  rotateIntervalMs: number;
  /** `--once`: drain what is there, flush, exit. */
  once: boolean;
  /** `--idle-ms`: with `--once`, how long without records means drained (default 1000). */
  idleMs: number;
  /** `--group`: consumer group (default `s3-sink`). */
  group: string;
  /**
   * `--verify`: on start, read every object of each partition to check that their offsets
   * follow on (`all`, default), or only the last one, which resuming needs (`last`).
   */
  verify: "all" | "last";
}

/**
 * Parses the command line (and environment) of `deno task sink`.
 *
 * @example
 * ```ts
 * import { parseSinkArgs } from "./sink.ts";
 * const o = parseSinkArgs(["--once", "--flush-size", "3"], {});
 * console.log(o.once, o.flushSize, o.config.dataDir, o.config.prefix); // true 3 .data pinterest
 * ```
 */
export function parseSinkArgs(
  args: string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): SinkCliOptions {
  const { values } = parseArgs({
    args,
    options: {
      profile: { type: "string" },
      "data-dir": { type: "string" },
      prefix: { type: "string" },
      "flush-size": { type: "string", default: "500" },
      "rotate-interval-ms": { type: "string", default: "10000" },
      once: { type: "boolean", default: false },
      "idle-ms": { type: "string", default: "1000" },
      group: { type: "string", default: "s3-sink" },
      verify: { type: "string", default: "all" },
    },
  });
  const verify = values.verify;
  if (verify !== "all" && verify !== "last") {
    throw new ConfigError(
      "--verify",
      "must be all or last (the default is all)",
      { value: verify },
    );
  }
  if (values.group === "") {
    throw new ConfigError(
      "--group",
      "must not be empty (the default is s3-sink)",
      { value: values.group },
    );
  }
  return {
    config: loadConfig({
      profile: values.profile,
      dataDir: values["data-dir"],
      prefix: values.prefix,
    }, { env }),
    flushSize: positiveFlag("--flush-size", values["flush-size"], {
      whole: true,
    }),
    rotateIntervalMs: positiveFlag(
      "--rotate-interval-ms",
      values["rotate-interval-ms"],
      { whole: true },
    ),
    once: values.once,
    idleMs: positiveFlag("--idle-ms", values["idle-ms"], { whole: true }),
    group: values.group,
    verify,
  };
}

/**
 * The backends the sink uses and how to close them.
 *
 * @example
 * ```ts
 * import { openSinkBackends, type SinkBackends } from "./sink.ts";
 * import { loadConfig } from "../config/mod.ts";
 * const config = loadConfig({ dataDir: await Deno.makeTempDir() }, { env: {} });
 * const backends: SinkBackends = await openSinkBackends(config);
 * console.log(await backends.topics.listTopics()); // []
 * await backends.close();
 * ```
 */
export interface SinkBackends {
  topics: TopicLog;
  lake: ObjectStore;
  close(): Promise<void>;
}

/**
 * Opens the topics and the lake of the configured profile (embedded: `{dataDir}/log.db`
 * and `{dataDir}/lake`). The one place where the sink's backends are chosen.
 *
 * @example
 * ```ts
 * import { openSinkBackends } from "./sink.ts";
 * import { loadConfig } from "../config/mod.ts";
 * const config = loadConfig({ dataDir: await Deno.makeTempDir() }, { env: {} });
 * const b = await openSinkBackends(config);
 * console.log(b.lake.location);
 * await b.close();
 * ```
 */
export async function openSinkBackends(
  config: PipelineConfig,
  options: OpenLogOptions = {},
): Promise<SinkBackends> {
  const topics = await openTopicLog(config, options);
  try {
    return {
      topics,
      lake: await openLake(config),
      close: () => topics.close(),
    };
  } catch (e) {
    await topics.close();
    throw e;
  }
}

/**
 * Options of {@linkcode runSinkCli}.
 *
 * @example
 * ```ts
 * import { runSinkCli, type RunSinkCliOptions } from "./sink.ts";
 * import { silentLogger } from "../logger.ts";
 * const options: RunSinkCliOptions = { signal: AbortSignal.timeout(500), logger: silentLogger };
 * const stats = await runSinkCli(["--data-dir", await Deno.makeTempDir()], options);
 * console.log(stats.recordsWritten); // 0: stopped after half a second with nothing to write
 * ```
 */
export interface RunSinkCliOptions {
  /** Stops a continuous run, like SIGINT does. */
  signal?: AbortSignal;
  /** Progress lines (default: stderr). */
  logger?: Logger;
}

/**
 * Runs the sink: a drain with `--once`, otherwise until SIGINT/SIGTERM (or `signal`).
 * Creates the three topics when missing. Resolves to the sink's counters.
 *
 * @example
 * ```ts
 * import { runSinkCli } from "./sink.ts";
 * import { silentLogger } from "../logger.ts";
 * const dir = await Deno.makeTempDir();
 * const stats = await runSinkCli(["--once", "--idle-ms", "100", "--data-dir", dir], {
 *   logger: silentLogger,
 * });
 * console.log(stats.recordsWritten); // 0
 * ```
 */
export async function runSinkCli(
  args: string[],
  options: RunSinkCliOptions = {},
): Promise<SinkStats> {
  const opts = parseSinkArgs(args);
  const logger = options.logger ?? consoleLogger;
  const backends = await openSinkBackends(opts.config, { logger });
  const stop = stopOnSignals({
    listen: !opts.once,
    signal: options.signal,
    notice: "the sink flushes its buffers",
  });
  try {
    const { topics } = pipelineNames(opts.config.prefix);
    await ensureTopics(backends.topics, topics);
    const sink = createSink({
      log: backends.topics,
      store: backends.lake,
      topics,
      group: opts.group,
      program: "deno task sink",
      flushSize: opts.flushSize,
      rotateIntervalMs: opts.rotateIntervalMs,
      verify: opts.verify,
      logger,
    });
    const done = opts.once
      ? sink.drain({ idleMs: opts.idleMs })
      : sink.run(stop.signal);
    // Said once the lake and the group are this sink's: one refused (another sink holds
    // them) fails with the error alone.
    await sink.ready().then(
      () =>
        logger.info(opts.once ? "sink: draining" : "sink: running", {
          lake: backends.lake.location,
          topics,
        }),
      () => {}, // the same failure ends `done`
    );
    await done;
    const { partitions: _, ...totals } = sink.stats;
    logger.info("sink: done", { lake: backends.lake.location, ...totals });
    return sink.stats;
  } finally {
    stop.dispose();
    await backends.close();
  }
}

/** The usage text `deno task sink --help` prints. */
const SINK_USAGE = formatUsage(
  "sink [options]",
  {
    summary:
      "Moves the topics into the lake as NDJSON objects\n(topics/{topic}/partition={p}/{topic}+{p}+{startOffset}.json), exactly once across crashes.\nRuns until Ctrl-C (its buffers are flushed) unless --once.",
    flags: [
      ["--once", "drain what is in the topics, flush, exit"],
      [
        "--idle-ms N",
        "with --once: this long without records means drained (default 1000)",
      ],
      ["--flush-size N", "most records per object (default 500)"],
      [
        "--rotate-interval-ms N",
        "write a partial object after this long (default 10000)",
      ],
      [
        "--group G",
        "consumer group (default s3-sink); a data dir takes one sink, whatever its group",
      ],
      [
        "--verify all|last",
        "on start, check every lake object (all, default) or read only each partition's last (faster)",
      ],
      COMMON_FLAGS.dataDir,
      COMMON_FLAGS.prefix,
      COMMON_FLAGS.profile,
    ],
  },
);

/**
 * `deno task sink` as a program: `--help`, error messages and exit codes as every task has
 * them (see `program.ts`).
 *
 * @example
 * ```ts
 * import { sinkProgram } from "./sink.ts";
 * console.log(sinkProgram.usage.split("\n")[0]); // Usage: deno task sink [options]
 * ```
 */
export const sinkProgram: CliProgram = {
  name: "sink",
  usage: SINK_USAGE,
  run: async (args) => {
    await runSinkCli(args);
  },
};

if (import.meta.main) Deno.exit(await runCli(sinkProgram, Deno.args));
