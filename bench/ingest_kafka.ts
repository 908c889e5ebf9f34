/**
 * The Kafka run of `bench/ingest.ts`: gateway -> Kafka records/s next to a direct kafkajs
 * producer in the same run, on the broker of `KAFKA_BROKERS` (default 127.0.0.1:9092,
 * `deno task services up`), printed as a ratio (target >= 0.7).
 *
 * Both sides use the same producer settings (idempotent, `acks: -1`, one request in
 * flight) and the same 100-record batches of the course's pin JSON from 4 concurrent
 * callers. The gateway runs in a subprocess (this file with `--serve`), over the Kafka
 * adapter, so the HTTP load client does not share its JavaScript thread.
 *
 * ```sh
 * deno run -A bench/ingest_kafka.ts [--seconds 5] [--brokers 127.0.0.1:9092]
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  createKafkaClient,
  openKafkaLog,
  parseBrokers,
} from "../lib/adapters/kafka/mod.ts";
import { serveGateway } from "../lib/gateway/mod.ts";
import { openEmbeddedLog } from "../lib/log/mod.ts";
import {
  closedLoop,
  type LoadResult,
  measureGateway,
  SAMPLE_PIN,
} from "./ingest_load.ts";
import { summarize } from "./load_loops.ts";

/**
 * Options of {@linkcode measureKafkaIngest}.
 *
 * @example
 * ```ts
 * import { type KafkaIngestOptions, measureKafkaIngest } from "./ingest_kafka.ts";
 * const options: KafkaIngestOptions = { brokers: ["127.0.0.1:19092"], seconds: 3, batchSize: 500, batchClients: 2 };
 * const measure = () => measureKafkaIngest(options); // needs the broker running
 * ```
 */
export interface KafkaIngestOptions {
  /** Bootstrap brokers (default from `KAFKA_BROKERS`, else 127.0.0.1:9092). */
  brokers?: string[];
  /** Seconds per scenario after 1 s of warm-up (default 5). */
  seconds?: number;
  /** Records per batch (default 100) and concurrent batch callers (default 4). */
  batchSize?: number;
  batchClients?: number;
}

/**
 * The rows of both sides and the gateway/direct ratio of batched records/s.
 *
 * @example
 * ```ts
 * import { formatKafkaReport, type KafkaIngestReport } from "./ingest_kafka.ts";
 * import { summarize } from "./load_loops.ts";
 * const run = (ms: number) => ({ latencies: [ms], failures: 0, seconds: 1 });
 * const report: KafkaIngestReport = { direct: [summarize("direct", run(2), { recordsPerRequest: 100 })],
 *   gateway: [summarize("gateway", run(4), { recordsPerRequest: 100 })], ratio: 0.8 };
 * console.log(formatKafkaReport(report).split("\n").at(-1));
 * // gateway -> Kafka / direct kafkajs, batched records/s: 0.80 (target >= 0.7: met)
 * ```
 */
export interface KafkaIngestReport {
  direct: LoadResult[];
  gateway: LoadResult[];
  ratio: number;
}

/**
 * Measures a direct kafkajs producer, then the gateway over the Kafka adapter, on one broker.
 *
 * @example
 * ```ts
 * import { formatKafkaReport, measureKafkaIngest } from "./ingest_kafka.ts";
 * const report = await measureKafkaIngest({ seconds: 3 });
 * console.log(formatKafkaReport(report));
 * ```
 */
export async function measureKafkaIngest(
  options: KafkaIngestOptions = {},
): Promise<KafkaIngestReport> {
  const brokers = options.brokers ??
    parseBrokers(Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092");
  const seconds = options.seconds ?? 5;
  const batchSize = options.batchSize ?? 100;
  const batchClients = options.batchClients ?? 4;
  const topic = `bench.kafka.${crypto.randomUUID().slice(0, 8)}`;
  const log = await openKafkaLog({ brokers });
  await log.createTopic(topic, { partitions: 1 });
  await log.close();

  const kafka = createKafkaClient({ brokers });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const value = JSON.stringify(SAMPLE_PIN);
  const batch = Array.from({ length: batchSize }, () => ({ value }));
  const send = (messages: { value: string }[]) => async () => {
    await producer.send({ topic, acks: -1, messages });
    return true;
  };
  const loop = { seconds, warmupSeconds: 1 };
  const directBatch = await closedLoop(send(batch), {
    clients: batchClients,
    ...loop,
  });
  const directSingle = await closedLoop(send([{ value }]), {
    clients: 16,
    ...loop,
  });
  await producer.disconnect();
  const direct = [
    summarize(
      `direct kafkajs, ${batchSize}-record batches, ${batchClients} callers`,
      directBatch,
      { recordsPerRequest: batchSize },
    ),
    summarize("direct kafkajs, 1 record, 16 callers", directSingle, {
      recordsPerRequest: 1,
    }),
  ];

  const server = await spawnGateway(brokers);
  let gateway: LoadResult[];
  try {
    gateway = await measureGateway(server.url, {
      topic,
      seconds,
      batchSize,
      batchClients,
    });
  } finally {
    await server.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
  return {
    direct,
    gateway,
    ratio: gateway[0].recordsPerSecond / direct[0].recordsPerSecond,
  };
}

async function spawnGateway(
  brokers: string[],
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      fileURLToPath(import.meta.url),
      "--serve",
      "--brokers",
      brokers.join(","),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + 60_000;
  while (!text.includes("\n") && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  const url = text.match(/^(http:\/\/\S+)$/m)?.[1];
  if (!url) {
    child.kill("SIGKILL");
    await child.status;
    throw new Error(`the Kafka gateway did not start: ${text}`);
  }
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
      await reader.cancel().catch(() => {});
    },
  };
}

/** `--serve`: the gateway over the Kafka adapter; prints its URL, stops on SIGTERM. */
async function serve(brokers: string[]): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bench_kafka_gw_" });
  const embedded = await openEmbeddedLog(`${dir}/streams.db`);
  const topics = await openKafkaLog({ brokers });
  const server = await serveGateway({ topics, streams: embedded.streams });
  console.log(server.url);
  await new Promise<void>((resolve) =>
    Deno.addSignalListener("SIGTERM", resolve)
  );
  await server.shutdown();
  await topics.close();
  await embedded.close();
  await Deno.remove(dir, { recursive: true });
  Deno.exit(0);
}

/**
 * The report as a table plus the ratio line.
 *
 * @example
 * ```ts
 * import { formatKafkaReport, measureKafkaIngest } from "./ingest_kafka.ts";
 * console.log(formatKafkaReport(await measureKafkaIngest({ seconds: 2 })));
 * ```
 */
export function formatKafkaReport(report: KafkaIngestReport): string {
  const fmt = (n: number, d = 0) =>
    n.toLocaleString("en-US", {
      maximumFractionDigits: d,
      minimumFractionDigits: d,
    });
  const rows = [...report.direct, ...report.gateway].map((r) =>
    `${r.scenario.padEnd(44)} ${fmt(r.requestsPerSecond).padStart(10)} req/s ${
      fmt(r.recordsPerSecond).padStart(10)
    } rec/s  p50 ${fmt(r.p50Ms, 2).padStart(7)} ms  p99 ${
      fmt(r.p99Ms, 2).padStart(7)
    } ms  failed ${r.failures}`
  );
  return [
    ...rows,
    "",
    `gateway -> Kafka / direct kafkajs, batched records/s: ${
      report.ratio.toFixed(2)
    } (target >= 0.7: ${report.ratio >= 0.7 ? "met" : "NOT met"})`,
  ].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      serve: { type: "boolean", default: false },
      brokers: {
        type: "string",
        default: Deno.env.get("KAFKA_BROKERS") ?? "127.0.0.1:9092",
      },
      seconds: { type: "string", default: "5" },
    },
  });
  const brokers = parseBrokers(values.brokers!);
  if (values.serve) {
    await serve(brokers);
  } else {
    console.log(
      `Kafka ingestion at ${
        brokers.join(",")
      }; ${values.seconds} s per scenario after 1 s warm-up.`,
    );
    console.log(
      formatKafkaReport(
        await measureKafkaIngest({ brokers, seconds: Number(values.seconds) }),
      ),
    );
  }
}
