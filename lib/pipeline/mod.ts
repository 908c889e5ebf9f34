/**
 * The whole pipeline in one process, as `deno task emulate` runs it: seed the source when
 * absent, serve the gateway, post, drain the sink, then batch, stream catch-up and metrics.
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config/settings.ts";
 * import { runEmulateJob } from "./mod.ts";
 * const config = loadConfig({ dataDir: await Deno.makeTempDir() });
 * const result = await runEmulateJob(config, { count: 2 });
 * console.log(result.emulation.postsOk); // 2
 * ```
 *
 * @module
 */
export {
  type EmulateJobOptions,
  type EmulateJobResult,
  runEmulateJob,
} from "./emulate.ts";
export {
  type ProcessingOptions,
  type ProcessingResult,
  runProcessing,
} from "./process.ts";
