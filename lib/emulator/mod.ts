/**
 * The user-posting emulator: reads random rows of the source and posts them to the
 * ingestion API, to Kafka REST Proxy topics (batch), API Gateway Kinesis streams
 * (stream), or both.
 *
 * @example
 * ```ts
 * import { createProgressLine, formatSummary, runEmulation } from "./mod.ts";
 * import type { SourceReader } from "../source/types.ts";
 * async function emulate(source: SourceReader) {
 *   const progress = createProgressLine({ stream: Deno.stderr });
 *   const summary = await runEmulation({
 *     source,
 *     api: "http://127.0.0.1:8080",
 *     mode: "both",
 *     count: 500,
 *     rate: 100,
 *     onProgress: progress.update,
 *   });
 *   progress.done();
 *   console.log(formatSummary(summary));
 * }
 * ```
 *
 * @module
 */

export {
  DEFAULT_CONCURRENCY,
  type EmulationOptions,
  MAX_CONCURRENCY,
  runEmulation,
} from "./run.ts";
export {
  createTally,
  type EmulationSummary,
  formatSummary,
  type StopReason,
  type Tally,
  type TallyPlan,
  type TargetFailures,
} from "./summary.ts";
export {
  createProgressLine,
  type ProgressLine,
  type ProgressLineOptions,
  type ProgressStream,
  progressText,
} from "./progress.ts";
export {
  buildRequest,
  type PostRequest,
  type SendOptions,
  sendRequest,
  shownUrl,
} from "./poster.ts";
export {
  type Mode,
  MODES,
  parseMode,
  type Table,
  type Target,
  targetsFor,
} from "./targets.ts";
export { createPacer, type Pacer, type PacerOptions } from "./pacer.ts";
export type { RetryOptions } from "../retry.ts";
export { checkApiKey, checkApiUrl } from "./api_settings.ts";
export {
  ApiUnreachableError,
  PostError,
  type PostErrorDetails,
  SourceReadError,
} from "./errors.ts";
