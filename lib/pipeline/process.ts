/**
 * The processing half of `deno task emulate`: batch-clean the lake into the warehouse,
 * catch the stream tables up with the streams, and compute the nine metrics.
 *
 * @module
 */
import { type BatchSummary, runBatch } from "../batch/mod.ts";
import { dataPaths } from "../config/data_paths.ts";
import type { Runtime } from "../config/runtime.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { metricsFromWarehouse, type WarehouseMetrics } from "../metrics/mod.ts";
import { EMULATE_PROGRAM } from "../sink/mod.ts";
import {
  countStreamTables,
  createStreamProcessor,
  StreamLockedError,
  type StreamProcessorStats,
} from "../stream/mod.ts";

/**
 * Options of {@linkcode runProcessing}.
 *
 * @example
 * ```ts
 * import { loadConfig, openRuntime } from "../config/mod.ts";
 * import { type ProcessingOptions, runProcessing } from "./process.ts";
 * const runtime = await openRuntime(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * const options: ProcessingOptions = { streamCatchUp: false };
 * console.log((await runProcessing(runtime, options)).stream); // undefined
 * await runtime.close();
 * ```
 */
export interface ProcessingOptions {
  logger?: Logger;
  /**
   * Catch the stream tables up with the streams (default true). False when another stream
   * processor (`deno task stream`) owns the tables: it processes the streams itself.
   */
  streamCatchUp?: boolean;
}

/**
 * What processing produced.
 *
 * @example
 * ```ts
 * import { loadConfig, openRuntime } from "../config/mod.ts";
 * import { type ProcessingResult, runProcessing } from "./process.ts";
 * const runtime = await openRuntime(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * const result: ProcessingResult = await runProcessing(runtime);
 * console.log(result.streamTables);
 * // { stream_pin: 0, stream_geo: 0, stream_user: 0, stream_quarantine: 0 }
 * await runtime.close();
 * ```
 */
export interface ProcessingResult {
  batch: BatchSummary;
  /**
   * The catch-up's counts; absent when it was skipped (`streamCatchUp: false`, or another
   * stream processor held the stream tables when it was to begin).
   */
  stream?: StreamProcessorStats;
  /** Rows now in each stream table (all runs so far). */
  streamTables: Record<string, number>;
  /** Absent when the warehouse has no rows (e.g. `--mode stream`). */
  metrics?: WarehouseMetrics;
  /** The data root and the two table folders under it. */
  paths: { dataDir: string; warehouse: string; stream: string };
}

/**
 * Runs batch cleaning, a streaming catch-up and the metrics on `runtime`'s lake and streams.
 *
 * @example
 * ```ts
 * import { loadConfig, openRuntime } from "../config/mod.ts";
 * import { runProcessing } from "./process.ts";
 * const runtime = await openRuntime(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * const result = await runProcessing(runtime);
 * console.log(result.batch.quarantined, result.metrics === undefined); // 0 true
 * await runtime.close();
 * ```
 */
export async function runProcessing(
  runtime: Runtime,
  options: ProcessingOptions = {},
): Promise<ProcessingResult> {
  const logger = options.logger ?? silentLogger;
  const paths = dataPaths(runtime.config.dataDir);
  const prefix = runtime.config.prefix;
  logger.info("batch: cleaning the lake into the warehouse", {
    warehouse: paths.warehouse,
  });
  const batch = await runBatch({
    store: runtime.lake,
    warehouseDir: paths.warehouse,
    prefix,
    logger,
  });
  let stream: StreamProcessorStats | undefined;
  if (options.streamCatchUp ?? true) {
    logger.info("stream: catching up with the streams", { out: paths.stream });
    stream = await createStreamProcessor({
      streams: runtime.streams,
      prefix,
      outDir: paths.stream,
      logger,
      // Recorded in the tables' lock: a processor refused meanwhile waits for this job.
      program: EMULATE_PROGRAM,
    }).runOnce().catch((error) => {
      // Another processor took the tables since the job began (`deno task stream`, the
      // catch-up of another `emulate` on this data dir): it processes the streams, and
      // this job's records wait there for it, as with a processor running from the start.
      if (!(error instanceof StreamLockedError)) throw error;
      logger.info(
        "stream: another stream processor holds the stream tables: it processes the streams, this job skips its catch-up",
        { out: paths.stream },
      );
      return undefined;
    });
  }
  const streamTables = await countStreamTables(paths.stream);
  const hasRows = Object.values(batch.tables).some((t) => t.rows > 0);
  const metrics = hasRows
    ? await metricsFromWarehouse(paths.warehouse)
    : undefined;
  return {
    batch,
    stream,
    streamTables,
    metrics,
    paths: {
      dataDir: runtime.config.dataDir,
      warehouse: paths.warehouse,
      stream: paths.stream,
    },
  };
}
