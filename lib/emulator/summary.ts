/**
 * Counting what an emulation run did, and printing it.
 *
 * Every record is accounted for: accepted (counted per topic and per stream) or failed
 * after its retries (counted per target, with up to three distinct sample messages).
 *
 * @module
 */

import { terminalSafe } from "../metrics/terminal_text.ts";
import type { Mode, Target } from "./targets.ts";

/**
 * Failures of one topic or stream.
 *
 * @example
 * ```ts
 * import { createTally, type TargetFailures } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const [pin] = targetsFor("batch", "pinterest");
 * const tally = createTally("batch", [pin]);
 * tally.fail(pin, "HTTP 503");
 * tally.fail(pin, "HTTP 503");
 * const failures: TargetFailures = tally.snapshot(100, "count").failures["pinterest.pin"];
 * console.log(failures); // { count: 2, samples: ["HTTP 503"] }
 * ```
 */
export interface TargetFailures {
  /** Records that finally failed. */
  count: number;
  /** Up to three distinct error messages, first seen first. */
  samples: string[];
}

/**
 * Why a run stopped. `running` only appears in progress snapshots; `failed` in the last one
 * of a run that the source's failure stopped (the run then throws).
 *
 * @example
 * ```ts
 * import { createTally, type StopReason } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const stopped: StopReason = "aborted";
 * const summary = createTally("both", targetsFor("both", "pinterest")).snapshot(500, stopped);
 * console.log(summary.stopped); // aborted
 * ```
 */
export type StopReason =
  | "count"
  | "duration"
  | "aborted"
  | "failed"
  | "running";

/**
 * What a run did (also the shape of progress snapshots).
 *
 * @example
 * ```ts
 * import { createTally, type EmulationSummary } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const tally = createTally("stream", targetsFor("stream", "demo"), { count: 10 });
 * const summary: EmulationSummary = tally.snapshot(2000, "count");
 * console.log(summary.streams); // { "streaming-demo-pin": 0, "streaming-demo-geo": 0, "streaming-demo-user": 0 }
 * ```
 */
export interface EmulationSummary {
  mode: Mode;
  /** Posts started (each is one random row: pin, geo and user). */
  posts: number;
  /** Posts whose records were all accepted. */
  postsOk: number;
  /** Posts with at least one record that finally failed. */
  postsFailed: number;
  /** The requested number of posts, when one was given. */
  count?: number;
  /** The requested posts per second, when one was given. */
  rate?: number;
  /** Posts in flight at most. */
  concurrency?: number;
  /** Records accepted per topic (every topic of the mode, zeros included). */
  topics: Record<string, number>;
  /** Records accepted per stream (every stream of the mode, zeros included). */
  streams: Record<string, number>;
  recordsAccepted: number;
  recordsFailed: number;
  /** Per target name, only targets that had failures. */
  failures: Record<string, TargetFailures>;
  /** Retries of records made in total (attempts beyond the first). */
  retries: number;
  /** Source reads retried, and those that failed after their retries; absent when none were. */
  reads?: SourceReads;
  elapsedMs: number;
  /** Finished posts per second of elapsed time. */
  postsPerSecond: number;
  /**
   * Posts started per second, from the first start to the last: the pace the run held,
   * which `rate` is judged by (finished posts over the whole run also count the wait for
   * the last answers). Absent until two posts started at times given to `postStarted`.
   */
  startsPerSecond?: number;
  recordsPerSecond: number;
  /**
   * Mean time of a finished post, in ms: reading its row from the source, and its requests
   * to the API (retries included). Absent until a post finished.
   */
  msPerPost?: { source: number; api: number };
  stopped: StopReason;
}

/**
 * Source reads that failed for a moment (a lost connection, a deadlock): the retries made, and
 * the reads that failed after their retries. The post of a failed read is counted as a post
 * with failures, each of its records failed with the read's error.
 *
 * @example
 * ```ts
 * import { createTally, type SourceReads } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const tally = createTally("batch", targetsFor("batch", "pinterest"));
 * tally.readRetried(2);
 * const reads: SourceReads | undefined = tally.snapshot(100, "count").reads;
 * console.log(reads); // { retries: 2, failed: 0 }
 * ```
 */
export interface SourceReads {
  /** Attempts beyond the first. */
  retries: number;
  /** Reads that failed after their retries. */
  failed: number;
}

/**
 * Accumulates counts during a run.
 *
 * @example
 * ```ts
 * import { createTally, type Tally } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const targets = targetsFor("batch", "pinterest");
 * const tally: Tally = createTally("batch", targets);
 * tally.postStarted();
 * for (const t of targets) tally.accept(t);
 * tally.retried(2);
 * tally.postFinished(true, { sourceMs: 1, apiMs: 9 });
 * const s = tally.snapshot(1000, "count");
 * console.log(s.postsOk, s.recordsAccepted, s.retries, s.msPerPost); // 1 3 2 { source: 1, api: 9 }
 * ```
 */
export interface Tally {
  accept(target: Target): void;
  fail(target: Target, message: string): void;
  retried(n: number): void;
  /** `n` retries of a source read. */
  readRetried(n: number): void;
  /** A source read failed after its retries (its post's records are failed apart). */
  readFailed(): void;
  /** A post started, `atMs` into the run when given (then it counts in `startsPerSecond`). */
  postStarted(atMs?: number): void;
  /** A post's records are all answered; `sourceMs` and `apiMs` are where its time went. */
  postFinished(ok: boolean, time?: { sourceMs: number; apiMs: number }): void;
  snapshot(elapsedMs: number, stopped: StopReason): EmulationSummary;
}

/**
 * What a run was asked for, echoed in its summary: posts, posts per second, posts in flight.
 *
 * @example
 * ```ts
 * import type { TallyPlan } from "./summary.ts";
 * const plan: TallyPlan = { count: 500, rate: 50, concurrency: 4 };
 * console.log(plan.rate); // 50
 * ```
 */
export interface TallyPlan {
  count?: number;
  rate?: number;
  concurrency?: number;
}

/**
 * Creates an empty tally for the given targets.
 *
 * @example
 * ```ts
 * import { createTally } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const targets = targetsFor("batch", "pinterest");
 * const tally = createTally("batch", targets);
 * tally.postStarted();
 * for (const t of targets) tally.accept(t);
 * tally.postFinished(true);
 * console.log(tally.snapshot(1000, "count").recordsPerSecond); // 3
 * ```
 */
export function createTally(
  mode: EmulationSummary["mode"],
  targets: readonly Target[],
  plan: TallyPlan = {},
): Tally {
  const { count, rate: requestedRate, concurrency } = plan;
  const topics: Record<string, number> = {};
  const streams: Record<string, number> = {};
  for (const t of targets) (t.kind === "topic" ? topics : streams)[t.name] = 0;
  const failures: Record<string, TargetFailures> = {};
  let posts = 0,
    postsOk = 0,
    postsFailed = 0,
    accepted = 0,
    failed = 0,
    retries = 0,
    readRetries = 0,
    readsFailed = 0,
    timed = 0,
    sourceMs = 0,
    apiMs = 0,
    timedStarts = 0,
    firstStart = Infinity,
    lastStart = -Infinity;
  return {
    accept(target) {
      (target.kind === "topic" ? topics : streams)[target.name]++;
      accepted++;
    },
    fail(target, message) {
      const f = failures[target.name] ??= { count: 0, samples: [] };
      f.count++;
      if (f.samples.length < 3 && !f.samples.includes(message)) {
        f.samples.push(message);
      }
      failed++;
    },
    retried: (n) => void (retries += n),
    readRetried: (n) => void (readRetries += n),
    readFailed: () => void readsFailed++,
    postStarted(atMs) {
      posts++;
      if (atMs === undefined) return;
      timedStarts++;
      firstStart = Math.min(firstStart, atMs);
      lastStart = Math.max(lastStart, atMs);
    },
    postFinished(ok, time) {
      if (ok) postsOk++;
      else postsFailed++;
      if (time) {
        timed++;
        sourceMs += time.sourceMs;
        apiMs += time.apiMs;
      }
    },
    snapshot(elapsedMs, stopped) {
      const seconds = elapsedMs / 1000;
      const rate = (n: number) => seconds > 0 ? n / seconds : 0;
      return {
        mode,
        posts,
        postsOk,
        postsFailed,
        ...(count === undefined ? {} : { count }),
        ...(requestedRate === undefined ? {} : { rate: requestedRate }),
        ...(concurrency === undefined ? {} : { concurrency }),
        topics: { ...topics },
        streams: { ...streams },
        recordsAccepted: accepted,
        recordsFailed: failed,
        failures: structuredClone(failures),
        retries,
        ...(readRetries + readsFailed === 0
          ? {}
          : { reads: { retries: readRetries, failed: readsFailed } }),
        elapsedMs,
        postsPerSecond: rate(postsOk + postsFailed),
        ...(timedStarts < 2 || lastStart <= firstStart ? {} : {
          startsPerSecond: (timedStarts - 1) /
            ((lastStart - firstStart) / 1000),
        }),
        recordsPerSecond: rate(accepted),
        ...(timed === 0
          ? {}
          : { msPerPost: { source: sourceMs / timed, api: apiMs / timed } }),
        stopped,
      };
    },
  };
}

/**
 * A line when a run that lasted at least a second reached less than 90% of its requested
 * rate: each post waits for its source row and for the API's answers, so only more of them
 * in flight go faster. It names the slower of the two. The rate reached is how fast posts
 * started (`startsPerSecond`), else finished posts over the run.
 */
function rateShortfall(summary: EmulationSummary): string | undefined {
  const { rate, concurrency, elapsedMs, msPerPost } = summary;
  if (rate === undefined || elapsedMs < 1000) return undefined;
  const reached = summary.startsPerSecond ?? summary.postsPerSecond;
  if (reached >= 0.9 * rate) return undefined;
  const inFlight = concurrency === undefined
    ? ""
    : ` for ${fmt(concurrency)} post${concurrency === 1 ? "" : "s"} in flight`;
  const head = `  rate: ${fmt(rate)} posts/s requested, ${
    fmt(reached)
  } reached`;
  if (msPerPost && msPerPost.source > msPerPost.api) {
    return `${head}: the source answered too slowly${inFlight} (a post took ${
      fmt(msPerPost.source + msPerPost.api)
    } ms, ${
      fmt(msPerPost.source)
    } of them reading its row); raise --concurrency (unless the source is at its limit)`;
  }
  const took = msPerPost
    ? ` (a post took ${fmt(msPerPost.source + msPerPost.api)} ms, ${
      fmt(msPerPost.api)
    } of them waiting for the API)`
    : "";
  return `${head}: the API answered too slowly${inFlight}${took}; raise --concurrency (unless the API is at its limit)`;
}

const fmt = (n: number, digits = 1) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits });

const STOP_WORDS: Record<StopReason, string> = {
  count: "reached its count",
  duration: "reached its duration",
  aborted: "was interrupted",
  failed: "stopped on an error",
  running: "is running",
};

/**
 * The summary as text for people, one fact per line.
 *
 * @example
 * ```ts
 * import { createTally, formatSummary } from "./summary.ts";
 * import { targetsFor } from "./targets.ts";
 * const tally = createTally("stream", targetsFor("stream", "pinterest"), { count: 10 });
 * console.log(formatSummary(tally.snapshot(2000, "count")));
 * ```
 */
export function formatSummary(summary: EmulationSummary): string {
  const lines: string[] = [];
  const requested = summary.count === undefined
    ? ""
    : ` of ${fmt(summary.count)} requested`;
  lines.push(
    `Emulation (${summary.mode}) ${STOP_WORDS[summary.stopped]} after ${
      fmt(summary.elapsedMs / 1000, 2)
    } s`,
    `  posts: ${fmt(summary.posts)}${requested}, ${fmt(summary.postsOk)} ok, ${
      fmt(summary.postsFailed)
    } with failures`,
    `  records: ${fmt(summary.recordsAccepted)} accepted, ${
      fmt(summary.recordsFailed)
    } failed, ${fmt(summary.retries)} retries`,
    `  throughput: ${fmt(summary.postsPerSecond)} posts/s, ${
      fmt(summary.recordsPerSecond)
    } records/s`,
  );
  if (summary.reads) {
    const { retries, failed } = summary.reads;
    lines.push(
      `  source reads: ${fmt(retries)} retries, ${fmt(failed)} failed${
        failed === 0
          ? ""
          : ` (the post${failed === 1 ? "'s" : "s'"} records were not sent)`
      }`,
    );
  }
  const shortfall = rateShortfall(summary);
  if (shortfall) lines.push(shortfall);
  for (
    const [label, counts] of [["topic", summary.topics], [
      "stream",
      summary.streams,
    ]] as const
  ) {
    for (const [name, n] of Object.entries(counts)) {
      const f = summary.failures[name]?.count ?? 0;
      lines.push(
        `  ${label} ${name}: ${fmt(n)} accepted${
          f ? `, ${fmt(f)} failed` : ""
        }`,
      );
    }
  }
  const failed = Object.entries(summary.failures);
  if (failed.length > 0) {
    lines.push("  failures:");
    for (const [name, f] of failed) {
      lines.push(`    ${name}: ${fmt(f.count)}`);
      // An API's answer or a source's error, which may echo the data: shown, not obeyed.
      for (const s of f.samples) lines.push(`      - ${terminalSafe(s)}`);
    }
  }
  return lines.join("\n");
}
