/**
 * The `deno task emulate` job as a function: make sure the source exists, open the profile's
 * backends, serve the ingestion API in-process (unless another API is given), run the sink,
 * post, drain the sink so every acknowledged topic record is in the lake, then clean
 * (batch and streaming catch-up) and compute the metrics. With `postOnly`, just post.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { dataPaths, ensureDataDir } from "../config/data_paths.ts";
import { openRuntime, openSource, type Runtime } from "../config/runtime.ts";
import type { PipelineConfig } from "../config/settings.ts";
import {
  DEFAULT_CONCURRENCY,
  type EmulationSummary,
  type Mode,
  runEmulation,
  shownUrl,
} from "../emulator/mod.ts";
import {
  ensureTopology,
  type GatewayServer,
  serveGateway,
} from "../gateway/mod.ts";
import { type Logger, silentLogger } from "../logger.ts";
import type { RetryOptions } from "../retry.ts";
import { createSink, EMULATE_PROGRAM, type SinkStats } from "../sink/mod.ts";
import { type ProcessingResult, runProcessing } from "./process.ts";
import { isMysqlUrl, seedSqlite, type SourceReader } from "../source/mod.ts";
import {
  checkStreamOutput,
  countStreamTables,
  tableStoreHeld,
} from "../stream/mod.ts";

/**
 * Options of {@linkcode runEmulateJob}.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config/settings.ts";
 * import { type EmulateJobOptions, runEmulateJob } from "./emulate.ts";
 * const options: EmulateJobOptions = { count: 5, mode: "batch", randomSeed: 7, postOnly: true };
 * const result = await runEmulateJob(loadConfig({ dataDir: await Deno.makeTempDir() }), options);
 * console.log(result.emulation.recordsAccepted, result.sink); // 15 undefined
 * ```
 */
export interface EmulateJobOptions {
  /** Posts to make (default 500 unless `duration` is given). */
  count?: number;
  /** Stop after this many milliseconds. */
  duration?: number;
  /** Posts per second; unlimited when absent. */
  rate?: number;
  /** Posts in flight (default 4). */
  concurrency?: number;
  /** `batch`, `stream` or `both` (default `both`). */
  mode?: Mode;
  /** Post to this API instead of an in-process gateway. */
  api?: string;
  /** Sent as `x-api-key`; defaults to the first configured gateway key. */
  apiKey?: string;
  /** Seed of the random row picks; random when absent. */
  randomSeed?: number;
  /** Snapshots while posting. */
  onProgress?: (snapshot: EmulationSummary) => void;
  /**
   * Only post, as the course's `user_posting_emulation.py` does: no sink, no cleaning, no
   * stream catch-up, no metrics (default false). For a pipeline whose stages run as tasks
   * of their own (`deno task sink`, `deno task stream`).
   */
  postOnly?: boolean;
  /** Stops posting; the sink still drains what was acknowledged. */
  signal?: AbortSignal;
  /**
   * Retries of the job's sink when a lake write or read fails (default `SINK_LAKE_RETRY`: 16
   * attempts over about 1.5 minutes). Once they run out, posting stops and the job fails
   * with `LakeWriteError`; what was acknowledged stays in the log for the next run.
   */
  sinkLakeRetry?: RetryOptions;
  logger?: Logger;
}

/**
 * What the job did.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config/settings.ts";
 * import { type EmulateJobResult, runEmulateJob } from "./emulate.ts";
 * const config = loadConfig({ dataDir: await Deno.makeTempDir() });
 * const result: EmulateJobResult = await runEmulateJob(config, { count: 2 });
 * console.log(result.sink?.recordsWritten, result.unseen, result.locations.inProcess);
 * // 6 { topics: 0, streams: 0 } true
 * ```
 */
export interface EmulateJobResult {
  emulation: EmulationSummary;
  /**
   * The in-process sink's counts: it moves the profile's topics into the lake, whichever API
   * the posts went to. Absent with `postOnly`.
   */
  sink?: SinkStats;
  /**
   * Where the source rows and the lake are, and the API the posts went to (`inProcess`: the
   * job's own gateway, stopped when the job ends). No lake with `postOnly` and `api`: then
   * the job opens none of the profile's backends, only the source.
   */
  locations: { source: string; lake?: string; api: string; inProcess: boolean };
  /** Batch, stream and metrics results, unless `postOnly`. */
  processing?: ProcessingResult;
  /**
   * Records the API accepted that this job did not find downstream: topic records beyond
   * what the sink wrote, and (when the stream catch-up ran) stream records beyond the rows
   * the stream tables gained since posting began (another process's catch-up may have
   * processed some of them first). Nonzero when `api` is a gateway that writes to other backends than the
   * profile's (another data dir, other servers): the posts then never reach this job's lake
   * or tables; or, on Kafka, when another sink of the group holds some partitions (it
   * writes them on its own schedule).
   */
  unseen: { topics: number; streams: number };
  /** Rows written to a freshly seeded source, when it had to be seeded. */
  seededRows?: number;
}

/** A small seeded PRNG (mulberry32) for repeatable row picks. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function ensureSource(
  config: PipelineConfig,
  logger: Logger,
): Promise<number | undefined> {
  // An unset source (the aws profile has none by default) is refused by openSource.
  if (
    config.sourceUrl === "" || isMysqlUrl(config.sourceUrl) ||
    existsSync(config.sourceUrl)
  ) {
    return undefined;
  }
  logger.info("seeding the source (first run)", { path: config.sourceUrl });
  const summary = await seedSqlite(config.sourceUrl, {});
  logger.info("source seeded", {
    rows: summary.rows,
    ms: Math.round(summary.elapsedMs),
  });
  return summary.rows;
}

/** The most connections a MySQL source opens: a small RDS allows some 60 in all. */
const MAX_SOURCE_CONNECTIONS = 32;

/**
 * A MySQL source's connections for `concurrency` posts in flight: 3 each (a post reads the
 * pin, geolocation and user rows at once; a pool of 4 had the posts wait on each other),
 * up to {@linkcode MAX_SOURCE_CONNECTIONS}.
 */
function sourceConnections(concurrency = DEFAULT_CONCURRENCY): number {
  return Math.min(3 * concurrency, MAX_SOURCE_CONNECTIONS);
}

/** Posts rows of `source` to `job.api` as the job's options ask. */
function postPosts(
  source: SourceReader,
  job: {
    config: PipelineConfig;
    options: EmulateJobOptions;
    api: string;
    signal?: AbortSignal;
  },
): Promise<EmulationSummary> {
  const { config, options } = job;
  return runEmulation({
    source,
    api: job.api,
    mode: options.mode,
    count: options.count ?? (options.duration === undefined ? 500 : undefined),
    duration: options.duration,
    rate: options.rate,
    concurrency: options.concurrency,
    apiKey: options.apiKey ?? config.apiKeys[0],
    prefix: config.prefix,
    random: options.randomSeed === undefined
      ? undefined
      : seededRandom(options.randomSeed),
    onProgress: options.onProgress,
    signal: job.signal,
  });
}

/** How many of the records accepted per target exceed `found` (0 when none do). */
function shortfall(accepted: Record<string, number>, found: number): number {
  return Math.max(0, sum(accepted) - found);
}

/** The sum of `counts`' values. */
function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Rows in all the stream tables under `dir` (one per stream record, quarantine included). */
async function streamRows(dir: string): Promise<number> {
  return sum(await countStreamTables(dir));
}

/**
 * Runs the ingestion part of the pipeline end to end on `config`'s profile.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config/settings.ts";
 * import { runEmulateJob } from "./emulate.ts";
 * const config = loadConfig({ dataDir: await Deno.makeTempDir() });
 * const result = await runEmulateJob(config, { count: 10 });
 * console.log(result.emulation.recordsAccepted); // 60
 * ```
 */
export async function runEmulateJob(
  config: PipelineConfig,
  options: EmulateJobOptions = {},
): Promise<EmulateJobResult> {
  const logger = options.logger ?? silentLogger;
  await ensureDataDir(config.dataDir);
  const streamDir = dataPaths(config.dataDir).stream;
  const postOnly = options.postOnly === true;
  if (!postOnly) {
    // Stream tables of another prefix would refuse this run's catch-up: say so before posting.
    await checkStreamOutput(streamDir, config.prefix);
  }
  const seededRows = await ensureSource(config, logger);
  const source = await openSource(config, {
    connections: sourceConnections(options.concurrency),
  });
  if (postOnly && options.api !== undefined) {
    // As the course's posting script: only the source and the API, no backend of the
    // profile (the API's own backends may be servers this machine cannot reach).
    try {
      const emulation = await postPosts(source, {
        config,
        options,
        api: options.api,
        signal: options.signal,
      });
      return {
        emulation,
        unseen: { topics: 0, streams: 0 },
        locations: {
          source: source.location,
          api: options.api,
          inProcess: false,
        },
        seededRows,
      };
    } finally {
      await source.close();
    }
  }
  let runtime: Runtime | undefined;
  let server: GatewayServer | undefined;
  try {
    runtime = await openRuntime(config, { logger });
    const names = await ensureTopology(runtime.topics, runtime.streams, {
      prefix: config.prefix,
    });
    if (options.api === undefined) {
      server = await serveGateway({
        topics: runtime.topics,
        streams: runtime.streams,
        apiKeys: config.apiKeys,
        port: 0,
        logger,
      });
    }
    const api = options.api ?? server!.url;
    const locations = {
      source: source.location,
      lake: runtime.lake.location,
      api,
      inProcess: server !== undefined,
    };
    // A running `deno task stream` owns the stream tables and processes the streams:
    // this job leaves the catch-up to it.
    const streamProcessorRunning = !postOnly && await tableStoreHeld(streamDir);
    if (streamProcessorRunning) {
      logger.info(
        "a stream processor is running on this data dir: it processes the streams, this job skips its catch-up",
        { out: streamDir },
      );
    }
    // Per-object lines would break the progress line; the sink's warnings still show.
    const sink = postOnly ? undefined : createSink({
      log: runtime.topics,
      store: runtime.lake,
      topics: names.topics,
      program: EMULATE_PROGRAM,
      lakeRetry: options.sinkLakeRetry,
      logger: { ...logger, info: () => {} },
    });
    // A sink that fails (its lake unwritable past its retries) stops the posting: the
    // job cannot end well, and its error is the one to report.
    const sinkFailed = new AbortController();
    let sinkError: unknown;
    const sinkDone = sink?.run().catch((error) => {
      sinkError = error;
      sinkFailed.abort();
    });
    const signal = sink === undefined
      ? options.signal
      : options.signal === undefined
      ? sinkFailed.signal
      : AbortSignal.any([options.signal, sinkFailed.signal]);
    let emulation: EmulationSummary;
    let rowsBefore = 0;
    try {
      // Another sink on these topics (say `deno task sink` on the same data dir) is
      // refused here, before anything is posted.
      await sink?.ready();
      if (sink !== undefined) rowsBefore = await streamRows(streamDir);
      emulation = await postPosts(source, { config, options, api, signal });
    } finally {
      await sink?.stop({ drain: true });
      await sinkDone;
    }
    if (sinkError !== undefined) throw sinkError;
    if (sink === undefined) {
      return {
        emulation,
        unseen: { topics: 0, streams: 0 },
        locations,
        seededRows,
      };
    }
    logger.info("sink drained", {
      records: sink.stats.recordsWritten,
      objects: sink.stats.objectsWritten,
    });
    const processing = await runProcessing(runtime, {
      logger,
      streamCatchUp: !streamProcessorRunning,
    });
    const unseen = {
      topics: shortfall(emulation.topics, sink.stats.recordsWritten),
      // Rows the stream tables gained since posting began, not the records this job's
      // catch-up read: another process's catch-up (`deno task stream --once`, another
      // `emulate`) may have processed this job's records before it.
      streams: processing?.stream === undefined ? 0 : shortfall(
        emulation.streams,
        sum(processing.streamTables) - rowsBefore,
      ),
    };
    if (unseen.topics + unseen.streams > 0) {
      logger.warn(
        "records the API accepted were not found by this job's sink or stream catch-up (see the summary)",
        { api: shownUrl(api), ...unseen },
      );
    }
    return {
      emulation,
      sink: sink.stats,
      processing,
      unseen,
      locations,
      seededRows,
    };
  } finally {
    await server?.shutdown();
    await runtime?.close();
    await source.close();
  }
}
