/**
 * `deno task bench`: ingestion throughput and latency of the gateway over loopback, on
 * the embedded log with fsync ON (every 200 is answered after a WAL fdatasync that began after its commit).
 *
 * By default the gateway runs as a subprocess (`lib/cli/gateway.ts` with the permissions of
 * `deno task gateway`), so the load client and the server do not share a JavaScript
 * thread, and the server's CPU time per request is read from /proc; `--in-process` serves it from this
 * process instead (then the group-commit size is printed too), and `--in-process
 * --no-fsync` shows the same run without fsync, for comparison only.
 *
 * ```sh
 * deno task bench [--seconds 5] [--rate 1000] [--client raw|fetch] [--in-process [--no-fsync]]
 * deno task bench --kafka   # then also gateway -> Kafka next to a direct kafkajs producer
 * ```
 *
 * `--kafka` needs a broker (`deno task services up`; `KAFKA_BROKERS`, default 127.0.0.1:9092)
 * and prints the gateway/direct ratio of batched records/s (target, issue 4: >= 0.7).
 *
 * The load client is `raw` by default (`raw_http.ts`: keep-alive HTTP/1.1 on plain TCP
 * connections, one per concurrent client), which costs a fraction of `fetch`'s CPU per
 * request, so that on a 2-core machine the figures are the server's rather than the
 * client's; `--client fetch` uses Deno's `fetch`.
 *
 * Scenarios (see `bench/ingest_load.ts`): (a) 100-record batches and (b) single records
 * (topic and stream), each from 16 concurrent clients, (c) an open-loop offered load of
 * 1,000 single-record requests/s. Targets (issue 2): (a) >= 100,000 records/s,
 * (b) >= 10,000 requests/s, (c) p99 < 20 ms.
 *
 * @example
 * ```sh
 * deno task bench --seconds 3
 * ```
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ConfigError } from "../lib/errors.ts";
import { formatUsage, positiveFlag, runCli } from "../lib/cli/program.ts";
import { ensureTopology, serveGateway } from "../lib/gateway/mod.ts";
import { openEmbeddedLog } from "../lib/log/mod.ts";
import { formatKafkaReport, measureKafkaIngest } from "./ingest_kafka.ts";
import { cpuTimesReader, readProcText } from "./host_steal.ts";
import { type LoadResult, measureGateway } from "./ingest_load.ts";

/**
 * Settings of `deno task bench`.
 *
 * @example
 * ```ts
 * import { type BenchIngestOptions, parseIngestArgs } from "./ingest.ts";
 * const options: BenchIngestOptions = parseIngestArgs(["--seconds", "2", "--client", "fetch"]);
 * console.log(options.seconds, options.client, options.fsync, options.rate); // 2 fetch true 1000
 * ```
 */
export interface BenchIngestOptions {
  seconds: number;
  inProcess: boolean;
  fsync: boolean;
  /** Offered load of scenario (c), requests/s. */
  rate: number;
  client: "raw" | "fetch";
  kafka: boolean;
}

/**
 * Parses the command line of `deno task bench`.
 *
 * @example
 * ```ts
 * import { parseIngestArgs } from "./ingest.ts";
 * console.log(parseIngestArgs(["--seconds", "2"]).seconds); // 2
 * ```
 */
export function parseIngestArgs(args: string[]): BenchIngestOptions {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: "string", default: "5" },
      "in-process": { type: "boolean", default: false },
      "no-fsync": { type: "boolean", default: false },
      rate: { type: "string", default: "1000" },
      client: { type: "string", default: "raw" },
      kafka: { type: "boolean", default: false },
    },
  });
  const { client } = values;
  if (client !== "raw" && client !== "fetch") {
    throw new ConfigError("--client", "must be raw or fetch", {
      value: client,
    });
  }
  if (values["no-fsync"] && !values["in-process"]) {
    throw new ConfigError("--no-fsync", "needs --in-process");
  }
  return {
    seconds: positiveFlag("--seconds", values.seconds),
    inProcess: values["in-process"],
    fsync: !values["no-fsync"],
    rate: positiveFlag("--rate", values.rate),
    client,
    kafka: values.kafka,
  };
}

const PREFIX = "bench";

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`${url}/healthz`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gateway at ${url} not healthy after 30 s`);
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A reader of process `pid`'s CPU time (user + system, seconds) from /proc, if any. */
function procCpuSeconds(pid: number): (() => number) | undefined {
  const path = `/proc/${pid}/stat`;
  const read = () => {
    // Fields after the ")" that ends the command name: utime is the 12th, stime the 13th.
    const fields = readProcText(path).split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  };
  try {
    read();
    return read;
  } catch {
    return undefined;
  }
}

/** Starts the gateway; resolves to its URL and a stop function. */
async function startGateway(
  dataDir: string,
  how: { inProcess: boolean; fsync: boolean },
) {
  const { inProcess, fsync } = how;
  if (inProcess) {
    const log = await openEmbeddedLog(`${dataDir}/log.db`, { fsync });
    await ensureTopology(log.topics, log.streams, { prefix: PREFIX });
    const server = await serveGateway({
      topics: log.topics,
      streams: log.streams,
    });
    return {
      url: server.url,
      stats: () => log.stats(),
      cpuSeconds: undefined,
      stop: async () => {
        await server.shutdown();
        await log.close();
      },
    };
  }
  const port = freePort();
  // The same program and permissions as `deno task gateway`, spawned directly so that the
  // child's PID is the server's and its CPU time can be read from /proc.
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      ...["-R", "-W", "-N", "-E", "-S", "--allow-ffi", "--allow-run"],
      "lib/cli/gateway.ts",
      ...["--port", String(port), "--data-dir", dataDir, "--prefix", PREFIX],
    ],
    cwd: fileURLToPath(new URL("../", import.meta.url)),
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url);
  return {
    url,
    stats: () => null,
    cpuSeconds: procCpuSeconds(child.pid),
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

function table(rows: LoadResult[]): string {
  const fmt = (n: number, d = 0) =>
    n.toLocaleString("en-US", {
      maximumFractionDigits: d,
      minimumFractionDigits: d,
    });
  const head = [
    "scenario",
    "requests/s",
    "records/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "failed",
    "server CPU ms/req",
    "host steal %",
  ];
  const body = rows.map((r) => [
    r.scenario,
    fmt(r.requestsPerSecond),
    fmt(r.recordsPerSecond),
    fmt(r.p50Ms, 2),
    fmt(r.p99Ms, 2),
    fmt(r.maxMs, 2),
    String(r.failures),
    r.serverCpuMsPerRequest === undefined
      ? "n/a"
      : fmt(r.serverCpuMsPerRequest, 3),
    r.hostStealPercent === undefined ? "n/a" : fmt(r.hostStealPercent, 1),
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...body.map((row) => row[i].length))
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join("  ");
  return [
    line(head),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
  ].join("\n");
}

function verdicts(rows: LoadResult[]): string[] {
  const [batch, single, , open] = rows;
  const mark = (ok: boolean) => (ok ? "met" : "NOT met");
  return [
    `(a) batched >= 100,000 records/s: ${
      mark(batch.recordsPerSecond >= 100_000)
    }`,
    `(b) single-record >= 10,000 requests/s: ${
      mark(single.requestsPerSecond >= 10_000)
    }`,
    `(c) p99 < 20 ms at ${open.scenario.split("loop ")[1]}: ${
      mark(open.p99Ms < 20 && open.failures === 0)
    }`,
  ];
}

async function main(args: string[]): Promise<void> {
  const options = parseIngestArgs(args);
  const { seconds, inProcess, fsync, client } = options;
  const dataDir = await Deno.makeTempDir({ prefix: "bench_ingest_" });
  const gw = await startGateway(dataDir, { inProcess, fsync });
  try {
    console.log(
      `Gateway ${
        inProcess ? "in this process" : "in a subprocess (lib/cli/gateway.ts)"
      } at ${gw.url}; ` +
        `embedded log ${dataDir}/log.db, fsync ${
          fsync ? "on" : "OFF"
        }; ${seconds} s per scenario after 1 s warm-up; ` +
        `${navigator.hardwareConcurrency} CPUs (shared), load average ${
          Deno.loadavg().map((l) => l.toFixed(1)).join(" ")
        }; client ${client}.`,
    );
    const rows = await measureGateway(gw.url, {
      topic: `${PREFIX}.pin`,
      stream: `streaming-${PREFIX}-pin`,
      seconds,
      rate: options.rate,
      serverCpuSeconds: gw.cpuSeconds,
      hostCpu: cpuTimesReader(),
      client,
    });
    console.log();
    console.log(table(rows));
    console.log();
    for (const v of verdicts(rows)) console.log(v);
    const stats = gw.stats();
    if (stats) {
      console.log(
        `group commit: ${stats.jobs} writes in ${stats.commits} commits (${
          (stats.jobs / stats.commits).toFixed(1)
        } per commit), ${stats.syncs} WAL syncs (${
          (stats.commits / Math.max(1, stats.syncs)).toFixed(1)
        } commits per sync), ${stats.checkpoints} worker checkpoints`,
      );
    }
  } finally {
    await gw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
  if (options.kafka) {
    console.log(
      "\nKafka: gateway -> Kafka adapter next to a direct kafkajs producer",
    );
    console.log(
      formatKafkaReport(await measureKafkaIngest({ seconds })),
    );
  }
}

/** The usage text `deno task bench --help` prints. */
const BENCH_USAGE = formatUsage(
  "bench [options]",
  {
    summary:
      "Ingestion throughput and latency of the gateway over loopback, embedded log with fsync on:\n(a) 100-record batches and (b) single records from 16 clients, (c) p99 at an offered load.",
    flags: [
      ["--seconds N", "per scenario, after 1 s of warm-up (default 5)"],
      ["--rate R", "offered load of scenario (c), requests/s (default 1000)"],
      [
        "--client C",
        "raw (keep-alive HTTP/1.1 on TCP, cheap) | fetch (default raw)",
      ],
      ["--in-process", "serve the gateway from this process, not a subprocess"],
      ["--no-fsync", "with --in-process: no WAL fsync, for comparison only"],
      [
        "--kafka",
        "also gateway -> Kafka next to a direct kafkajs producer (needs a broker)",
      ],
    ],
  },
);

if (import.meta.main) {
  Deno.exit(
    await runCli({ name: "bench", usage: BENCH_USAGE, run: main }, Deno.args),
  );
}
