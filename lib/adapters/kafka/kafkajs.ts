/**
 * The one module of the repository that imports `kafkajs`. Everything else (the adapter's
 * other files, the Kafka bench) takes the client from here, so the SDK and its settings
 * (logging, partitioner, timeouts) live in one place.
 *
 * @module
 */
import {
  type Admin,
  AssignerProtocol,
  type Consumer,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  type PartitionAssigner,
  PartitionAssigners,
  Partitioners,
  type Producer,
  type SASLOptions,
} from "kafkajs";
import process from "node:process";
import type { Logger } from "../../logger.ts";
import { silentLogger } from "../../logger.ts";

export { AssignerProtocol, Kafka, logLevel, PartitionAssigners, Partitioners };

// kafkajs 2.2.4's request queue arms a timer with a negative delay whenever it has nothing
// pending, and Node-compatible runtimes print a TimeoutNegativeWarning for each. The timer
// is harmless (it fires after 1 ms); drop only that warning and pass every other one on.
const FILTERED = Symbol.for("pinterest-pipeline.kafkajs-warning-filter");
const proc = process as unknown as Record<symbol, boolean>;
if (!proc[FILTERED]) {
  proc[FILTERED] = true;
  const original = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", (warning: Error) => {
    if (warning?.name === "TimeoutNegativeWarning") return;
    for (const listener of original) listener(warning);
  });
}
export type {
  Admin,
  Consumer,
  KafkaConfig,
  PartitionAssigner,
  Producer,
  SASLOptions,
};

/**
 * SASL credentials for brokers that need them (MSK with SCRAM, Confluent Cloud).
 *
 * @example
 * ```ts
 * import { createKafkaClient, type KafkaSasl } from "./kafkajs.ts";
 * const sasl: KafkaSasl = { mechanism: "scram-sha-512", username: "pipeline", password: "secret" };
 * const kafka = createKafkaClient({ brokers: ["b-1.example.com:9096"], ssl: true, sasl });
 * ```
 */
export interface KafkaSasl {
  mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
  username: string;
  password: string;
}

/**
 * Connection settings of {@linkcode createKafkaClient}.
 *
 * @example
 * ```ts
 * import { createKafkaClient, type KafkaClientOptions } from "./kafkajs.ts";
 * import { consoleLogger } from "../../logger.ts";
 * const options: KafkaClientOptions = { brokers: ["127.0.0.1:9092"], clientId: "sink", logger: consoleLogger };
 * const kafka = createKafkaClient(options);
 * ```
 */
export interface KafkaClientOptions {
  /** Bootstrap brokers, `host:port`. */
  brokers: string[];
  /** Client id shown in broker logs (default `pinterest-pipeline`). */
  clientId?: string;
  /**
   * TLS to the brokers (MSK's TLS listener); default off. `true` trusts the CAs Deno trusts;
   * `{ ca }` trusts only the CA certificates of that PEM text (a private CA's, say).
   */
  ssl?: boolean | { ca: string };
  /** SASL authentication; default none. */
  sasl?: KafkaSasl;
  /** Where kafkajs' warnings and errors go (default: silent). */
  logger?: Logger;
  /** Connect timeout per broker, ms (default 3000). */
  connectionTimeoutMs?: number;
  /** Request timeout, ms (default 30000). */
  requestTimeoutMs?: number;
}

/**
 * Options of {@linkcode kafkaLogCreator}.
 *
 * @example
 * ```ts
 * import { kafkaLogCreator, type KafkaLogCreatorOptions, logLevel } from "./kafkajs.ts";
 * import { silentLogger } from "../../logger.ts";
 * const lines: string[] = [];
 * const options: KafkaLogCreatorOptions = { everyMs: 60_000, now: () => 0 };
 * const log = kafkaLogCreator({ ...silentLogger, warn: (m) => void lines.push(m) }, options)(logLevel.WARN);
 * const entry = { message: "Connection error", timestamp: "" };
 * for (let i = 0; i < 3; i++) log({ namespace: "Connection", level: logLevel.ERROR, label: "ERROR", log: entry });
 * console.log(lines); // ["kafkajs Connection: Connection error"]: the repeats wait for the next minute
 * ```
 */
export interface KafkaLogCreatorOptions {
  /** A message is passed on at most once in this long, ms (default 10,000). */
  everyMs?: number;
  /** The clock, ms (default `performance.now`). */
  now?: () => number;
}

/**
 * kafkajs lines that say nothing is wrong: an error answer to one request, which kafkajs
 * retries itself (the adapter throws when the retries run out), and the notice that the
 * producer's retries are bounded (deliberately: see `createKafkaClient`).
 */
const QUIET = [/^Response /, /^Limiting retries for the idempotent producer/];

/** Distinct messages remembered for throttling; past it, the memory starts over. */
const MAX_THROTTLED = 200;

/**
 * A kafkajs `logCreator` that drops DEBUG/INFO and hands WARN and ERROR to `logger.warn`
 * (kafkajs logs retriable conditions as errors; the adapter throws the real ones), less the
 * lines that say nothing is wrong (an error answer kafkajs retries itself). While a
 * broker is down kafkajs repeats the same few lines many times a second: each distinct
 * message is passed on at most once per `everyMs`, with `repeats`, how many of it were
 * dropped since it was last passed on.
 *
 * @example
 * ```ts
 * import { kafkaLogCreator } from "./kafkajs.ts";
 * import { consoleLogger } from "../../logger.ts";
 * const creator = kafkaLogCreator(consoleLogger);
 * console.log(typeof creator(2)); // function
 * ```
 */
export function kafkaLogCreator(
  logger: Logger,
  options: KafkaLogCreatorOptions = {},
): (level: logLevel) => (entry: LogEntry) => void {
  const everyMs = options.everyMs ?? 10_000;
  const now = options.now ?? (() => performance.now());
  const seen = new Map<string, { at: number; dropped: number }>();
  return () => ({ namespace, level, log }) => {
    if (level > logLevel.WARN) return;
    // The stack and the client's fixed fields only lengthen the line.
    const {
      message,
      timestamp: _t,
      stack: _s,
      logger: _l,
      clientId: _c,
      ...rest
    } = log;
    if (QUIET.some((quiet) => quiet.test(message))) return;
    const line = `kafkajs ${namespace}: ${message}`;
    const t = now();
    const last = seen.get(line);
    if (last !== undefined && t - last.at < everyMs) {
      last.dropped++;
      return;
    }
    if (seen.size >= MAX_THROTTLED) seen.clear();
    seen.set(line, { at: t, dropped: 0 });
    logger.warn(
      line,
      last?.dropped ? { ...rest, repeats: last.dropped } : rest,
    );
  };
}

/**
 * A kafkajs client with the pipeline's settings: quiet logging, bounded connect and
 * retry times (so a missing broker fails in seconds, not minutes).
 *
 * @example
 * ```ts
 * import { createKafkaClient } from "./kafkajs.ts";
 * const kafka = createKafkaClient({ brokers: ["127.0.0.1:9092"] });
 * const admin = kafka.admin();
 * ```
 */
export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId ?? "pinterest-pipeline",
    brokers: options.brokers,
    ssl: typeof options.ssl === "object"
      ? { ca: [options.ssl.ca] }
      : options.ssl ?? false,
    connectionTimeout: options.connectionTimeoutMs ?? 3000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(options.logger ?? silentLogger),
  };
  if (options.sasl) config.sasl = options.sasl as SASLOptions;
  return new Kafka(config);
}

/**
 * Splits a `KAFKA_BROKERS` value (`host:port,host:port`) into a broker list.
 *
 * @example
 * ```ts
 * import { parseBrokers } from "./kafkajs.ts";
 * console.log(parseBrokers(" 127.0.0.1:9092, 127.0.0.1:9094 ")); // ["127.0.0.1:9092", "127.0.0.1:9094"]
 * ```
 */
export function parseBrokers(value: string): string[] {
  return value.split(",").map((b) => b.trim()).filter((b) => b.length > 0);
}
