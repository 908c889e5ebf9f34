/**
 * Load generation against an ingestion API (the gateway, or any REST Proxy v2 + Kinesis
 * route compatible server): closed-loop batches, closed-loop single records with N
 * concurrent clients, and an open-loop fixed offered rate. Reusable by other benches, e.g.
 * a Kafka-backed gateway: call {@linkcode measureGateway} with its base URL.
 *
 * Latency is per HTTP request, from send to the full answer read. In the open-loop run it
 * is measured from the request's *scheduled* send time, so a stalled server is not hidden
 * by the client waiting (no coordinated omission).
 *
 * @module
 */

/**
 * A sample Pinterest post row as the course posts it (about 600 bytes of JSON).
 *
 * @example
 * ```ts
 * import { SAMPLE_PIN } from "./ingest_load.ts";
 * console.log(SAMPLE_PIN.category); // diy-and-crafts
 * ```
 */
export const SAMPLE_PIN = {
  index: 7528,
  unique_id: "fbe53c66-3442-4773-b19e-d3ec6f19f3f8",
  title: "Fun and Easy Thanksgiving Crafts for Kids - Crafty Morning",
  description:
    "You checked out Fun and Easy Thanksgiving Crafts for Kids and more on Pinterest, save them to your board and craft with your kids this holiday season.",
  poster_name: "Crafty Morning",
  follower_count: "124k",
  tag_list:
    "Thanksgiving Crafts For Toddlers,Thanksgiving Kids,Fall Crafts,Holiday Crafts",
  is_image_or_video: "image",
  image_src:
    "https://i.pinimg.com/originals/69/2c/0b/692c0b9cbd9c4d7cd7a7d3b2b5d6b2e5.png",
  downloaded: 1,
  save_location: "Local save in /data/diy-and-crafts",
  category: "diy-and-crafts",
};

import { type CpuTimes, stealPercent } from "./host_steal.ts";
import { RawHttpSender } from "./raw_http.ts";
import {
  closedLoop,
  type LoadResult,
  type LoadRun,
  openLoop,
  type Send,
  summarize,
} from "./load_loops.ts";

export { closedLoop, type LoadResult, openLoop, type Send };

/**
 * Options of {@linkcode measureGateway}.
 *
 * @example
 * ```ts
 * import { measureGateway, type MeasureGatewayOptions } from "./ingest_load.ts";
 * const options: MeasureGatewayOptions = { topic: "pinterest.pin", stream: "streaming-pinterest-pin",
 *   seconds: 2, rate: 500, client: "raw" };
 * const measure = () => measureGateway("http://127.0.0.1:8080", options); // needs a gateway there
 * ```
 */
export interface MeasureGatewayOptions {
  /** Topic to post to (must exist). */
  topic: string;
  /** Stream for the single-record PUT scenario; skipped when absent. */
  stream?: string;
  /** Seconds per scenario (default 5), after `warmupSeconds` (default 1) unmeasured. */
  seconds?: number;
  warmupSeconds?: number;
  /** Records per batch request (default 100) and batch clients (default 16, as singles). */
  batchSize?: number;
  batchClients?: number;
  /** Clients of the single-record scenarios (default 16). */
  clients?: number;
  /** Offered rate of the open-loop scenario, requests/s (default 1000). */
  rate?: number;
  /** Sent as `x-api-key` when set. */
  apiKey?: string;
  /** Reads the server's CPU time in seconds; adds `serverCpuMsPerRequest` to results. */
  serverCpuSeconds?: () => number;
  /** Reads the machine's CPU time counters; adds `hostStealPercent` to results. */
  hostCpu?: () => CpuTimes;
  /**
   * HTTP client: `fetch` (default) or `raw`, a minimal keep-alive HTTP/1.1 client
   * (`raw_http.ts`) that leaves more of a small machine's CPU to the server.
   */
  client?: "fetch" | "raw";
}

function poster(
  url: string,
  body: string,
  init: { method: string; type: string; apiKey?: string; client?: string },
): Send {
  const headers: Record<string, string> = { "content-type": init.type };
  if (init.apiKey) headers["x-api-key"] = init.apiKey;
  if (init.client === "raw") {
    const sender = new RawHttpSender(url, {
      method: init.method,
      headers,
      body,
    });
    return async () => (await sender.send()) === 200;
  }
  return async () => {
    const res = await fetch(url, { method: init.method, headers, body });
    await res.arrayBuffer();
    return res.status === 200;
  };
}

/**
 * One load scenario: a name, how to run it, and records per request.
 *
 * @example
 * ```ts
 * import { runScenarios, type Scenario } from "./ingest_load.ts";
 * const noop: Scenario = { name: "noop", recordsPerRequest: 10, warmupSeconds: 0,
 *   run: () => Promise.resolve({ latencies: [1, 3], failures: 0, seconds: 1 }) };
 * const [result] = await runScenarios([noop]);
 * console.log(result.recordsPerSecond, result.maxMs); // 20 3
 * ```
 */
export interface Scenario {
  name: string;
  recordsPerRequest: number;
  run(): Promise<LoadRun>;
  /** Unmeasured seconds at the start of `run` (excluded from the server CPU figure). */
  warmupSeconds: number;
}

/**
 * Waits (at most `maxSeconds`) until the server spends under 5% of a core over 0.5 s: the
 * checkpoints a write-heavy scenario leaves behind are done before the next one starts.
 */
async function serverSettled(
  serverCpuSeconds: () => number,
  maxSeconds = 15,
): Promise<void> {
  const end = performance.now() + maxSeconds * 1000;
  while (performance.now() < end) {
    const cpu0 = serverCpuSeconds();
    await new Promise((r) => setTimeout(r, 500));
    if (serverCpuSeconds() - cpu0 < 0.025) return;
  }
}

/**
 * Options of {@linkcode runScenarios}.
 *
 * @example
 * ```ts
 * import { cpuTimesReader } from "./host_steal.ts";
 * import { runScenarios, type RunScenariosOptions } from "./ingest_load.ts";
 * const options: RunScenariosOptions = { hostCpu: cpuTimesReader() };
 * const [r] = await runScenarios([{ name: "noop", recordsPerRequest: 1, warmupSeconds: 0,
 *   run: () => Promise.resolve({ latencies: [1], failures: 0, seconds: 1 }) }], options);
 * console.log(r.scenario, r.requests); // noop 1
 * ```
 */
export interface RunScenariosOptions {
  /** Reads the server's CPU time in seconds. */
  serverCpuSeconds?: () => number;
  /** Reads the machine's CPU time counters (`cpuTimesReader()` of `host_steal.ts`). */
  hostCpu?: () => CpuTimes;
}

/**
 * Runs scenarios one after the other; when `serverCpuSeconds` is given (a reader of the
 * server's CPU time), each result carries the server CPU time per request, and each
 * scenario starts once the server has settled after the previous one; with `hostCpu`, each
 * carries the host's steal share over its measured seconds.
 *
 * @example
 * ```ts
 * import { runScenarios } from "./ingest_load.ts";
 * const [r] = await runScenarios([{
 *   name: "noop", recordsPerRequest: 1, warmupSeconds: 0,
 *   run: () => Promise.resolve({ latencies: [1, 2], failures: 0, seconds: 1 }),
 * }]);
 * console.log(r.requestsPerSecond); // 2
 * ```
 */
export async function runScenarios(
  scenarios: Scenario[],
  options: RunScenariosOptions = {},
): Promise<LoadResult[]> {
  const { serverCpuSeconds, hostCpu } = options;
  const results: LoadResult[] = [];
  for (const sc of scenarios) {
    if (serverCpuSeconds && results.length > 0) {
      await serverSettled(serverCpuSeconds);
    }
    let cpu0 = serverCpuSeconds?.() ?? 0;
    let host0 = hostCpu?.();
    const timer = setTimeout(() => {
      cpu0 = serverCpuSeconds?.() ?? 0;
      host0 = hostCpu?.();
    }, sc.warmupSeconds * 1000);
    const run = await sc.run();
    clearTimeout(timer);
    const result = summarize(sc.name, run, {
      recordsPerRequest: sc.recordsPerRequest,
    });
    if (serverCpuSeconds) {
      result.serverCpuMsPerRequest = ((serverCpuSeconds() - cpu0) * 1000) /
        result.requests;
    }
    if (hostCpu && host0) {
      result.hostStealPercent = stealPercent(host0, hostCpu());
    }
    results.push(result);
  }
  return results;
}

/**
 * Measures the gateway at `baseUrl`: (a) `batchSize`-record batches from `batchClients`
 * clients, (b) single records from `clients` concurrent clients (topic, and stream when
 * given), (c) the open-loop offered `rate` of single records.
 *
 * @example
 * ```ts
 * import { measureGateway } from "./ingest_load.ts";
 * const rows = await measureGateway("http://127.0.0.1:8080", { topic: "pinterest.pin", seconds: 2 });
 * console.table(rows);
 * ```
 */
export async function measureGateway(
  baseUrl: string,
  options: MeasureGatewayOptions,
): Promise<LoadResult[]> {
  const seconds = options.seconds ?? 5;
  const warmupSeconds = options.warmupSeconds ?? 1;
  const batchSize = options.batchSize ?? 100;
  const clients = options.clients ?? 16;
  const rate = options.rate ?? 1000;
  const kafka = {
    method: "POST",
    type: "application/vnd.kafka.json.v2+json",
    apiKey: options.apiKey,
    client: options.client,
  };
  const topicUrl = `${baseUrl}/topics/${options.topic}`;
  const batch = JSON.stringify({
    records: Array(batchSize).fill({ value: SAMPLE_PIN }),
  });
  const single = poster(
    topicUrl,
    JSON.stringify({ records: [{ value: SAMPLE_PIN }] }),
    kafka,
  );
  const loop = { seconds, warmupSeconds };
  const scenarios: Scenario[] = [{
    name: `topic, ${batchSize}-record batches, ${
      options.batchClients ?? 16
    } clients`,
    recordsPerRequest: batchSize,
    warmupSeconds,
    run: () =>
      closedLoop(poster(topicUrl, batch, kafka), {
        clients: options.batchClients ?? 16,
        ...loop,
      }),
  }, {
    name: `topic, 1 record, ${clients} clients`,
    recordsPerRequest: 1,
    warmupSeconds,
    run: () => closedLoop(single, { clients, ...loop }),
  }];
  if (options.stream) {
    const body = JSON.stringify({
      StreamName: options.stream,
      Data: SAMPLE_PIN,
      PartitionKey: "partition-1",
    });
    const url = `${baseUrl}/streams/${options.stream}/record`;
    const put = poster(url, body, {
      method: "PUT",
      type: "application/json",
      apiKey: options.apiKey,
      client: options.client,
    });
    scenarios.push({
      name: `stream, 1 record, ${clients} clients`,
      recordsPerRequest: 1,
      warmupSeconds,
      run: () => closedLoop(put, { clients, ...loop }),
    });
  }
  scenarios.push({
    name: `topic, 1 record, open loop ${rate} req/s`,
    recordsPerRequest: 1,
    warmupSeconds: 0,
    run: () => openLoop(single, { rate, seconds }),
  });
  return await runScenarios(scenarios, options);
}
