/**
 * Closed-loop and open-loop load drivers and their latency summary, used by
 * `bench/ingest_load.ts`.
 *
 * @module
 */

/**
 * Latencies (ms) and failures of one run.
 *
 * @example
 * ```ts
 * import { type LoadRun, summarize } from "./load_loops.ts";
 * const run: LoadRun = { latencies: [4, 1, 2, 3], failures: 1, seconds: 2 };
 * console.log(summarize("x", run, { recordsPerRequest: 1 }).requestsPerSecond); // 2
 * ```
 */
export interface LoadRun {
  /** One latency per measured request, ms, in completion order. */
  latencies: number[];
  /** Requests answered with a non-200 status or failed on the network. */
  failures: number;
  /** Length of the measured part of the run, s. */
  seconds: number;
}

/**
 * What one scenario measured.
 *
 * @example
 * ```ts
 * import { type LoadResult, summarize } from "./load_loops.ts";
 * const run = { latencies: [1, 2, 3, 4], failures: 0, seconds: 1 };
 * const result: LoadResult = summarize("batches", run, { recordsPerRequest: 100 });
 * console.log(result.records, result.p50Ms, result.p99Ms, result.maxMs); // 400 3 4 4
 * ```
 */
export interface LoadResult {
  scenario: string;
  requests: number;
  records: number;
  /** Requests answered with a non-200 status or failed on the network. */
  failures: number;
  seconds: number;
  requestsPerSecond: number;
  recordsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Server CPU time per request, when the server's CPU time could be read. */
  serverCpuMsPerRequest?: number;
  /** Share of the machine's CPU time the hypervisor gave to other guests meanwhile, %. */
  hostStealPercent?: number;
}

/**
 * A request maker: sends one request, resolves to whether it was answered 200.
 *
 * @example
 * ```ts
 * import { closedLoop, type Send } from "./load_loops.ts";
 * const send: Send = () => Promise.resolve(true);
 * const run = await closedLoop(send, { clients: 1, seconds: 0.05 });
 * console.log(run.failures); // 0
 * ```
 */
export type Send = () => Promise<boolean>;

/**
 * What {@linkcode summarize} needs besides the run.
 *
 * @example
 * ```ts
 * import { summarize, type SummarizeOptions } from "./load_loops.ts";
 * const options: SummarizeOptions = { recordsPerRequest: 100 };
 * console.log(summarize("x", { latencies: [5], failures: 0, seconds: 2 }, options).records); // 100
 * ```
 */
export interface SummarizeOptions {
  /** Records each request carried, for the records and records/s figures. */
  recordsPerRequest: number;
}

/**
 * Summarizes a run: throughput and latency percentiles.
 *
 * @example
 * ```ts
 * import { summarize } from "./load_loops.ts";
 * const run = { latencies: [1, 2, 3], failures: 0, seconds: 1 };
 * const r = summarize("x", run, { recordsPerRequest: 10 });
 * console.log(r.recordsPerSecond, r.p50Ms); // 30 2
 * ```
 */
export function summarize(
  scenario: string,
  { latencies, failures, seconds }: LoadRun,
  { recordsPerRequest }: SummarizeOptions,
): LoadResult {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) =>
    sorted.length === 0
      ? NaN
      : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const requests = latencies.length;
  return {
    scenario,
    requests,
    records: requests * recordsPerRequest,
    failures,
    seconds,
    requestsPerSecond: requests / seconds,
    recordsPerSecond: (requests * recordsPerRequest) / seconds,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  };
}

/**
 * Runs `clients` loops that each send, wait for the answer, and send again, for `seconds`
 * (after an unmeasured warm-up). Returns per-request latencies in ms.
 *
 * @example
 * ```ts
 * import { closedLoop } from "./load_loops.ts";
 * const run = await closedLoop(() => Promise.resolve(true), { clients: 2, seconds: 0.1 });
 * console.log(run.latencies.length > 0);
 * ```
 */
export async function closedLoop(
  send: Send,
  options: { clients: number; seconds: number; warmupSeconds?: number },
): Promise<LoadRun> {
  const warmEnd = performance.now() + (options.warmupSeconds ?? 0) * 1000;
  const start = warmEnd;
  const end = start + options.seconds * 1000;
  const latencies: number[] = [];
  let failures = 0;
  await Promise.all(Array.from({ length: options.clients }, async () => {
    while (true) {
      const t0 = performance.now();
      if (t0 >= end) return;
      const ok = await send().catch(() => false);
      const t1 = performance.now();
      if (t0 < start) continue;
      latencies.push(t1 - t0);
      if (!ok) failures++;
    }
  }));
  return { latencies, failures, seconds: options.seconds };
}

/**
 * Sends at a fixed offered `rate` (requests/s) for `seconds`, whether or not earlier
 * requests were answered; latency counts from each request's scheduled time.
 *
 * @example
 * ```ts
 * import { openLoop } from "./load_loops.ts";
 * const run = await openLoop(() => Promise.resolve(true), { rate: 100, seconds: 0.1 });
 * console.log(run.latencies.length); // 10
 * ```
 */
export async function openLoop(
  send: Send,
  options: { rate: number; seconds: number },
): Promise<LoadRun> {
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const start = performance.now() + 10;
  const latencies: number[] = [];
  let failures = 0;
  const inflight: Promise<void>[] = [];
  let next = 0;
  while (next < total) {
    const wait = start + next * interval - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Timers fire late by up to a millisecond or so: send every request now due.
    const now = performance.now();
    while (next < total && start + next * interval <= now) {
      const scheduled = start + next * interval;
      next++;
      inflight.push(
        send().catch(() => false).then((ok) => {
          latencies.push(performance.now() - scheduled);
          if (!ok) failures++;
        }),
      );
    }
  }
  await Promise.all(inflight);
  return { latencies, failures, seconds: (performance.now() - start) / 1000 };
}
