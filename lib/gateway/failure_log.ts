/**
 * How the gateway reports its 5xx failures: one line per failing route, not one stack
 * trace per request.
 *
 * While a backend is down (a Kafka broker restarting, Kinesis unreachable) every request
 * of a route fails the same way, hundreds a second. The first failure of a route is
 * logged with its message and context; further ones are counted and reported at most
 * once per `everyMs` (default 10 s) with how many there were; the first request served
 * (2xx) after failures logs that the route answers again and how many requests failed in
 * all. A failure that is not a {@linkcode PipelineError} (a bug, not an outage) also
 * carries its stack.
 *
 * @module
 */

import { PipelineError } from "../errors.ts";
import { consoleLogger, type Logger } from "../logger.ts";
import type { GatewayError } from "./errors.ts";

/**
 * Options of {@linkcode FailureLog}.
 *
 * @example
 * ```ts
 * import type { FailureLogOptions } from "./failure_log.ts";
 * const options: FailureLogOptions = { everyMs: 1000 };
 * console.log(options.everyMs); // 1000
 * ```
 */
export interface FailureLogOptions {
  /** Where the lines go (default {@linkcode consoleLogger}). */
  logger?: Logger;
  /** Least time between two failure lines of one route, in ms (default 10,000). */
  everyMs?: number;
  /** The clock, in ms (default `performance.now`). */
  now?: () => number;
}

interface Outage {
  since: number;
  failures: number;
  /** Failures not yet reported in a line. */
  unreported: number;
  reportedAt: number;
}

/**
 * A 5xx answer, as {@linkcode FailureLog.failed} notes it.
 *
 * @example
 * ```ts
 * import { FailureLog, type RouteFailure } from "./failure_log.ts";
 * import { GatewayError } from "./errors.ts";
 * const lines: string[] = [];
 * const log = new FailureLog({ logger: { info: () => {}, warn: () => {}, error: (m) => lines.push(m) } });
 * const answered = new GatewayError("Internal server error", { status: 500, errorCode: 500 });
 * const failure: RouteFailure = { error: new Error("socket hang up"), answered };
 * log.failed("PUT /streams/{stream}/record", failure);
 * console.log(lines[0]); // gateway: PUT /streams/{stream}/record failed: Error: socket hang up
 * ```
 */
export interface RouteFailure {
  /** What the route threw. */
  error: unknown;
  /** The error the client was answered with. */
  answered: GatewayError;
}

/**
 * Rate-limited reporting of a gateway's failures, per route (`POST /topics/{topic}`).
 *
 * @example
 * ```ts
 * import { FailureLog } from "./failure_log.ts";
 * import { GatewayError } from "./errors.ts";
 * const lines: string[] = [];
 * const log = new FailureLog({
 *   logger: { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) },
 * });
 * const err = new GatewayError("kafka: append failed", { status: 500, errorCode: 50002 });
 * log.failed("POST /topics/{topic}", { error: err, answered: err });
 * log.failed("POST /topics/{topic}", { error: err, answered: err }); // counted, not printed
 * log.succeeded("POST /topics/{topic}");
 * console.log(lines.length); // 2: the first failure, then the recovery
 * ```
 */
export class FailureLog {
  #logger: Logger;
  #everyMs: number;
  #now: () => number;
  #outages = new Map<string, Outage>();

  constructor(options: FailureLogOptions = {}) {
    this.#logger = options.logger ?? consoleLogger;
    this.#everyMs = options.everyMs ?? 10_000;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Whether some route failed and has not answered since (cheap: for the hot path). */
  get open(): boolean {
    return this.#outages.size > 0;
  }

  /** Notes a 5xx answer on `route`: `failure.error` was thrown, `failure.answered` sent. */
  failed(route: string, failure: RouteFailure): void {
    const { error: err, answered } = failure;
    const now = this.#now();
    let outage = this.#outages.get(route);
    if (outage === undefined) {
      outage = {
        since: now,
        failures: 0,
        unreported: 0,
        reportedAt: -Infinity,
      };
      this.#outages.set(route, outage);
    }
    outage.failures++;
    outage.unreported++;
    if (now - outage.reportedAt < this.#everyMs) return;
    const context: Record<string, unknown> = {
      status: answered.status,
      errorCode: answered.errorCode,
      ...(err instanceof PipelineError ? err.context : {}),
    };
    if (!(err instanceof PipelineError) && err instanceof Error) {
      context.stack = err.stack;
    }
    const detail = err instanceof Error
      ? `${err.name}: ${err.message}`
      : String(err);
    const repeat = outage.failures > 1
      ? ` (${outage.unreported} failures since the last line)`
      : "";
    this.#logger.error(`gateway: ${route} failed${repeat}: ${detail}`, context);
    outage.unreported = 0;
    outage.reportedAt = now;
  }

  /** Notes a success on `route`: after failures, logs that it answers again. */
  succeeded(route: string): void {
    const outage = this.#outages.get(route);
    if (outage === undefined) return;
    this.#outages.delete(route);
    const seconds = (this.#now() - outage.since) / 1000;
    this.#logger.info(`gateway: ${route} answers again`, {
      failures: outage.failures,
      seconds: Math.round(seconds * 10) / 10,
    });
  }
}
