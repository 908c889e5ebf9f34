/**
 * Gateway metrics in the Prometheus text exposition format (version 0.0.4).
 *
 * - `gateway_requests_total{route,method,status}`: every request answered.
 * - `gateway_records_total{kind="topic"|"stream",name}`: records accepted (durably appended).
 * - `gateway_errors_total{error_code}`: error responses by REST Proxy error code.
 * - `gateway_request_duration_seconds`: request latency histogram.
 *
 * Label sets only ever come from route templates, existing topic/stream names and error
 * codes, so the number of series stays bounded: a stream deleted through the gateway takes
 * its `gateway_records_total` series with it (one created again starts from 0), so that
 * cycles of streams created, written and deleted under new names add none.
 *
 * @module
 */

/**
 * Upper bounds (seconds) of the latency histogram buckets; `+Inf` is added.
 *
 * @example
 * ```ts
 * import { DURATION_BUCKETS } from "./metrics.ts";
 * console.log(DURATION_BUCKETS[0]); // 0.001
 * ```
 */
export const DURATION_BUCKETS = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
];

/**
 * One answered request as recorded by {@linkcode GatewayMetrics.observeRequest}.
 *
 * @example
 * ```ts
 * import { GatewayMetrics, type RequestObservation } from "./metrics.ts";
 * const metrics = new GatewayMetrics();
 * const observed: RequestObservation = { route: "/topics/{topic}", method: "POST", status: 200, durationSeconds: 0.004 };
 * metrics.observeRequest(observed);
 * console.log(metrics.render().includes('route="/topics/{topic}",method="POST",status="200"} 1')); // true
 * ```
 */
export interface RequestObservation {
  /** Route template, e.g. `/topics/{topic}`, or `unmatched`. */
  route: string;
  method: string;
  status: number;
  /** Time from arrival to response, in seconds. */
  durationSeconds: number;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(
    /"/g,
    '\\"',
  );
}

function labels(pairs: Record<string, string | number>): string {
  const parts = Object.entries(pairs).map(([k, v]) =>
    `${k}="${escapeLabel(String(v))}"`
  );
  return `{${parts.join(",")}}`;
}

/** Counters keyed by a cheap raw key; the label text is built once per series. */
class Series {
  #byKey = new Map<string, { labels: string; count: number }>();

  add(key: string, n: number, makeLabels: () => string): void {
    const entry = this.#byKey.get(key);
    if (entry) entry.count += n;
    else this.#byKey.set(key, { labels: makeLabels(), count: n });
  }

  /** Drops the series of `key`, if any. */
  delete(key: string): void {
    this.#byKey.delete(key);
  }

  /** `[labels, count]` pairs sorted by label text. */
  sorted(): [string, number][] {
    return [...this.#byKey.values()].map((
      e,
    ): [string, number] => [e.labels, e.count])
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/**
 * Where records were accepted: a topic or a stream, by name.
 *
 * @example
 * ```ts
 * import { GatewayMetrics, type RecordTarget } from "./metrics.ts";
 * const metrics = new GatewayMetrics();
 * const into: RecordTarget = { kind: "stream", name: "streaming-pinterest-geo" };
 * metrics.addRecords(into, 2);
 * console.log(metrics.render().includes('gateway_records_total{kind="stream",name="streaming-pinterest-geo"} 2')); // true
 * ```
 */
export interface RecordTarget {
  kind: "topic" | "stream";
  name: string;
}

/**
 * In-memory counters and histogram of one gateway, rendered by {@linkcode render}.
 *
 * @example
 * ```ts
 * import { GatewayMetrics } from "./metrics.ts";
 * const m = new GatewayMetrics();
 * m.observeRequest({ route: "/healthz", method: "GET", status: 200, durationSeconds: 0.0004 });
 * m.addRecords({ kind: "topic", name: "pinterest.pin" }, 3);
 * console.log(m.render().includes('gateway_records_total{kind="topic",name="pinterest.pin"} 3'));
 * ```
 */
export class GatewayMetrics {
  #requests = new Series();
  #records = new Series();
  #errors = new Series();
  #bucketCounts = new Array<number>(DURATION_BUCKETS.length).fill(0);
  #durationSum = 0;
  #durationCount = 0;

  /** Counts one answered request and its latency. */
  observeRequest(obs: RequestObservation): void {
    this.#requests.add(
      `${obs.route} ${obs.method} ${obs.status}`,
      1,
      () =>
        labels({ route: obs.route, method: obs.method, status: obs.status }),
    );
    for (let i = 0; i < DURATION_BUCKETS.length; i++) {
      if (obs.durationSeconds <= DURATION_BUCKETS[i]) this.#bucketCounts[i]++;
    }
    this.#durationSum += obs.durationSeconds;
    this.#durationCount++;
  }

  /** Counts `count` records durably accepted into a topic or stream. */
  addRecords(into: RecordTarget, count: number): void {
    const { kind, name } = into;
    this.#records.add(`${kind} ${name}`, count, () => labels({ kind, name }));
  }

  /**
   * Drops the records series of a topic or stream that no longer exists (a stream deleted
   * through the gateway), so names that come and go do not pile up.
   *
   * @example
   * ```ts
   * import { GatewayMetrics } from "./metrics.ts";
   * const m = new GatewayMetrics();
   * m.addRecords({ kind: "stream", name: "tmp" }, 2);
   * m.forgetRecords({ kind: "stream", name: "tmp" });
   * console.log(m.render().includes('name="tmp"')); // false
   * ```
   */
  forgetRecords(target: RecordTarget): void {
    this.#records.delete(`${target.kind} ${target.name}`);
  }

  /** Counts one error response with REST Proxy code `errorCode`. */
  addError(errorCode: number): void {
    this.#errors.add(
      String(errorCode),
      1,
      () => labels({ error_code: errorCode }),
    );
  }

  /** The Prometheus text exposition of every metric, series sorted by labels. */
  render(): string {
    const lines: string[] = [];
    const counter = (name: string, help: string, series: Series) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const [key, count] of series.sorted()) {
        lines.push(`${name}${key} ${count}`);
      }
    };
    counter(
      "gateway_requests_total",
      "Requests answered, by route, method and status.",
      this.#requests,
    );
    counter(
      "gateway_records_total",
      "Records durably accepted, by topic or stream.",
      this.#records,
    );
    counter(
      "gateway_errors_total",
      "Error responses, by REST Proxy error code.",
      this.#errors,
    );
    const h = "gateway_request_duration_seconds";
    lines.push(
      `# HELP ${h} Time from request arrival to response.`,
      `# TYPE ${h} histogram`,
    );
    DURATION_BUCKETS.forEach((le, i) => {
      lines.push(`${h}_bucket{le="${le}"} ${this.#bucketCounts[i]}`);
    });
    lines.push(`${h}_bucket{le="+Inf"} ${this.#durationCount}`);
    lines.push(
      `${h}_sum ${this.#durationSum}`,
      `${h}_count ${this.#durationCount}`,
    );
    return lines.join("\n") + "\n";
  }
}
