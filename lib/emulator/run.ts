/**
 * The emulation loop: pick a random row, read its pin, geo and user records, post them.
 *
 * Up to `concurrency` posts are in flight; each post sends its records one after another
 * (topics pin, geo, user, then streams pin, geo, user), as the course's script does, so at
 * most `concurrency` HTTP requests are open at once. Posts start no faster than `rate`
 * per second (token bucket, see `pacer.ts`). The run stops starting posts when `count`
 * posts have started, when `duration` ms have passed, or when `signal` aborts; posts in
 * flight then finish. After an abort no new retry starts: a record whose attempt failed
 * is counted as failed with its last error. A source read that fails for a moment (the
 * source's error says `retryable: true`: a lost MySQL connection, a deadlock) is retried
 * as a post is; when it still fails, its post counts as one with failures, each record
 * failed with the read's error. Nothing is dropped without being counted.
 *
 * An API that never answers (a mistyped `--api`, a gateway not started) would fail every
 * post after its retries, about 7 s a post with the default policy. So when a record fails
 * with no HTTP answer before any record was accepted, the run stops with
 * {@linkcode ApiUnreachableError}: no new attempt starts, and the records not sent count as
 * failed. Once the API accepted a record, such failures are counted and the run goes on.
 *
 * @module
 */

import { ConfigError, PipelineError } from "../errors.ts";
import { isMysqlUrl } from "../source/mod.ts";
import type { SourceReader } from "../source/types.ts";
import { ApiUnreachableError, PostError, SourceReadError } from "./errors.ts";
import { createPacer } from "./pacer.ts";
import { checkApiKey, checkApiUrl } from "./api_settings.ts";
import { buildRequest, sendRequest, shownUrl } from "./poster.ts";
import { isRetryable, type RetryOptions, withRetry } from "../retry.ts";
import { sleep } from "../sleep.ts";
import {
  createTally,
  type EmulationSummary,
  type StopReason,
} from "./summary.ts";
import { type Mode, targetsFor } from "./targets.ts";

/**
 * Most posts in flight at once. Each is a worker of its own, so a huge `concurrency` (a
 * billion) ran the process out of memory before the first post.
 *
 * @example
 * ```ts
 * import { MAX_CONCURRENCY } from "./run.ts";
 * console.log(MAX_CONCURRENCY); // 1000
 * ```
 */
export const MAX_CONCURRENCY = 1000;

/**
 * Posts in flight when `concurrency` is not given.
 *
 * @example
 * ```ts
 * import { DEFAULT_CONCURRENCY } from "./run.ts";
 * console.log(DEFAULT_CONCURRENCY); // 4
 * ```
 */
export const DEFAULT_CONCURRENCY = 4;

/**
 * Options of {@linkcode runEmulation}.
 *
 * @example
 * ```ts
 * import type { EmulationOptions } from "./run.ts";
 * import type { SourceReader } from "../source/types.ts";
 * function streamForAMinute(source: SourceReader): EmulationOptions {
 *   return {
 *     source,
 *     api: "http://127.0.0.1:8080",
 *     mode: "stream",
 *     duration: 60_000,
 *     rate: 20,
 *     concurrency: 8,
 *     retry: { attempts: 3 },
 *   };
 * }
 * // const summary = await runEmulation(streamForAMinute(source));
 * ```
 */
export interface EmulationOptions {
  /** Where rows come from. The caller opens and closes it. */
  source: SourceReader;
  /** Base URL of the ingestion API, e.g. `http://127.0.0.1:8080` or an API Gateway stage URL. */
  api: string;
  /** `batch` (topics), `stream` (streams) or `both`. Default `both`. */
  mode?: Mode;
  /** Number of posts to make. */
  count?: number;
  /** Stop starting posts after this many milliseconds. */
  duration?: number;
  /** Target posts per second; unlimited when absent. */
  rate?: number;
  /** Posts that may start back to back after a pause (token-bucket size). Default 1. */
  burst?: number;
  /** Posts in flight at once, 1 to {@linkcode MAX_CONCURRENCY}. Default {@linkcode DEFAULT_CONCURRENCY}, 4. */
  concurrency?: number;
  /** Sent as the `x-api-key` header. */
  apiKey?: string;
  /** Topic and stream prefix. Default `pinterest`. */
  prefix?: string;
  /**
   * Random numbers in [0, 1) for row offsets; seed it for repeatable runs. Retries draw
   * their jitter elsewhere, so a retry does not change which rows are picked after it.
   */
  random?: () => number;
  /**
   * Retry policy for 5xx, 408, 429 and network errors, and for transient source read errors.
   * Default 5 attempts, 100 ms to 2 s.
   */
  retry?: Partial<RetryOptions>;
  /** Per-attempt HTTP timeout in milliseconds. Default 30,000. */
  timeoutMs?: number;
  /**
   * Called with a snapshot every `progressIntervalMs`, and once with the final summary (also
   * when the source fails: `stopped: "failed"`, before the run throws).
   */
  onProgress?: (snapshot: EmulationSummary) => void;
  /** Default 200 ms. */
  progressIntervalMs?: number;
  /** Aborting stops the run cleanly: posts in flight finish, no new post starts. */
  signal?: AbortSignal;
}

function validate(o: EmulationOptions): void {
  const nonNegativeInt = (v: number | undefined) =>
    v === undefined || (Number.isInteger(v) && v >= 0);
  if (!nonNegativeInt(o.count)) {
    throw new ConfigError("count", "must be a whole number >= 0", {
      value: o.count,
    });
  }
  if (o.duration !== undefined && !(o.duration >= 0)) {
    throw new ConfigError("duration", "must be milliseconds >= 0", {
      value: o.duration,
    });
  }
  if (o.rate !== undefined && !(o.rate > 0)) {
    throw new ConfigError("rate", "must be posts/s > 0", { value: o.rate });
  }
  if (
    o.concurrency !== undefined &&
    !(Number.isInteger(o.concurrency) && o.concurrency >= 1 &&
      o.concurrency <= MAX_CONCURRENCY)
  ) {
    throw new ConfigError(
      "concurrency",
      `must be a whole number from 1 to ${MAX_CONCURRENCY}`,
      { value: o.concurrency },
    );
  }
  if (
    o.count === undefined && o.duration === undefined && o.signal === undefined
  ) {
    throw new ConfigError(
      "count",
      "give count, duration or an abort signal, or the run never ends",
    );
  }
  checkApiUrl(o.api);
  if (o.apiKey !== undefined) checkApiKey(o.apiKey);
}

/**
 * Runs an emulation and returns what it did. Throws {@linkcode ConfigError} for invalid
 * options, {@linkcode SourceReadError} when the source is empty or a read fails for good,
 * or the source's own error when it names what failed (`SourceAccessError` of a MySQL
 * source, say), or the error of a post that threw where nothing expected it; posts in
 * flight finish first. Transient read errors are retried and counted instead (`reads` of
 * the summary).
 *
 * @example
 * ```ts
 * import { formatSummary, runEmulation } from "./mod.ts";
 * import type { SourceReader } from "../source/types.ts";
 * async function emulate(source: SourceReader) {
 *   const summary = await runEmulation({ source, api: "http://127.0.0.1:8080", mode: "both", count: 100 });
 *   console.log(formatSummary(summary));
 * }
 * ```
 */
export async function runEmulation(
  options: EmulationOptions,
): Promise<EmulationSummary> {
  validate(options);
  const { source, api, count, signal } = options;
  const mode = options.mode ?? "both";
  const random = options.random ?? Math.random;
  let rows: number;
  try {
    rows = await source.rowCount();
  } catch (cause) {
    throw readFailure(source.location, { doing: "counting rows", cause });
  }
  if (!(rows > 0)) {
    // Named: a bare `deno task seed` fills .data/source.db, whatever the source is.
    const where = source.location;
    throw new SourceReadError(
      where,
      `a table of it has no rows; seed it with \`deno task seed --source ${where}\`${
        isMysqlUrl(where) ? ", the URL with its password if it has one" : ""
      }`,
    );
  }

  const targets = targetsFor(mode, options.prefix ?? "pinterest");
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const tally = createTally(mode, targets, {
    count,
    rate: options.rate,
    concurrency,
  });
  const pacer = createPacer({ rate: options.rate, burst: options.burst });
  const stopper = new AbortController();
  // Aborted when the API proved unreachable: no retry starts after that.
  const halt = new AbortController();
  const retrySignal = signal === undefined
    ? halt.signal
    : AbortSignal.any([signal, halt.signal]);
  let accepted = 0;
  let stopped: StopReason | undefined;
  let fatal: { error: unknown } | undefined;
  const stop = (reason: StopReason) => {
    stopped ??= reason;
    stopper.abort();
  };
  const onAbort = () => stop("aborted");
  if (signal?.aborted) stop("aborted");
  signal?.addEventListener("abort", onAbort, { once: true });
  const start = performance.now();
  const elapsed = () => performance.now() - start;
  let claimed = 0; // posts a worker took on (it may still wait for the pacer)
  let started = 0; // posts past the pacer and the clock
  // sleep, not setTimeout: a duration past 2^31 ms (24.8 days) overflowed the timer, which
  // then fired at once.
  const timer = new AbortController();
  if (options.duration !== undefined) {
    sleep(options.duration, timer.signal).then((finished) => {
      // Once every requested post started, the count ended the run, not the duration.
      if (finished && !(count !== undefined && started >= count)) {
        stop("duration");
      }
    });
  }
  const ticker = options.onProgress === undefined ? undefined : setInterval(
    () => options.onProgress?.(tally.snapshot(elapsed(), "running")),
    options.progressIntervalMs ?? 200,
  );

  const worker = async () => {
    while (
      !stopper.signal.aborted && (count === undefined || claimed < count)
    ) {
      claimed++;
      if (!(await pacer.take(stopper.signal))) break;
      // The duration timer may fire late on a busy host; the clock decides.
      if (options.duration !== undefined && elapsed() >= options.duration) {
        stop("duration");
        break;
      }
      started++;
      const offset = Math.min(rows - 1, Math.floor(random() * rows));
      const began = performance.now();
      // A transient failure (`retryable: true`: a lost connection, a deadlock) is retried
      // like a post; any other stops the run.
      const got = await withRetry(() => source.readPost(offset), {
        ...options.retry,
        signal: retrySignal,
      });
      tally.readRetried(got.retries);
      if (!got.ok && !isRetryable(got.error)) {
        fatal ??= {
          error: readFailure(source.location, {
            doing: `reading row ${offset}`,
            cause: got.error,
            offset,
          }),
        };
        stop("aborted");
        break;
      }
      tally.postStarted(began - start);
      if (!got.ok) {
        // Failed after its retries: counted, and each record of the post failed with it.
        tally.readFailed();
        const message = got.error instanceof Error
          ? got.error.message
          : String(got.error);
        for (const target of targets) tally.fail(target, message);
        tally.postFinished(false);
        continue;
      }
      const post = got.value;
      const read = performance.now();
      let ok = true;
      for (const target of targets) {
        if (halt.signal.aborted) {
          ok = false;
          tally.fail(target, `not sent: no API answered at ${shownUrl(api)}`);
          continue;
        }
        const request = buildRequest(target, post);
        const result = await withRetry(
          () =>
            sendRequest(api, request, {
              apiKey: options.apiKey,
              timeoutMs: options.timeoutMs,
            }),
          { ...options.retry, signal: retrySignal },
        );
        tally.retried(result.retries);
        if (result.ok) {
          accepted++;
          tally.accept(target);
          continue;
        }
        ok = false;
        const error = result.error;
        tally.fail(
          target,
          error instanceof Error ? error.message : String(error),
        );
        // No HTTP answer, and none ever: the API is not there.
        if (
          accepted === 0 && error instanceof PostError &&
          error.status === undefined && !halt.signal.aborted &&
          !signal?.aborted
        ) {
          fatal ??= {
            error: new ApiUnreachableError(shownUrl(api), error.message, {
              attempts: result.retries + 1,
              cause: error,
            }),
          };
          halt.abort();
          stop("aborted");
        }
      }
      tally.postFinished(ok, {
        sourceMs: read - began,
        apiMs: performance.now() - read,
      });
    }
  };

  try {
    const workers = Math.min(concurrency, count ?? Infinity);
    // A post that throws where nothing expects it (a record JSON cannot hold) stops the run
    // as a failing source does: rejecting at once left the other workers posting, uncounted,
    // after the run had returned.
    const guarded = () =>
      worker().catch((error) => {
        fatal ??= { error };
        stop("aborted");
      });
    await Promise.all(Array.from({ length: workers }, guarded));
  } finally {
    timer.abort();
    clearInterval(ticker);
    signal?.removeEventListener("abort", onAbort);
  }
  if (fatal) {
    // What was posted before the source failed, for the caller to report with the error.
    options.onProgress?.(tally.snapshot(elapsed(), "failed"));
    throw fatal.error;
  }
  const summary = tally.snapshot(elapsed(), stopped ?? "count");
  options.onProgress?.(summary);
  return summary;
}

/**
 * The error that stops a run when the source fails `doing`: the source's own error when it
 * is a pipeline error (it names the source and what failed, with what to do), else a
 * {@linkcode SourceReadError} around it.
 */
function readFailure(
  location: string,
  failure: { doing: string; cause: unknown; offset?: number },
): PipelineError {
  const { doing, cause, offset } = failure;
  if (cause instanceof PipelineError) return cause;
  return new SourceReadError(
    location,
    `${doing} failed: ${(cause as Error)?.message}`,
    { cause, context: offset === undefined ? {} : { offset } },
  );
}
