/**
 * `deno task gateway`: runs the ingestion API (API Gateway + Kafka REST Proxy v2 stand-in)
 * alone, over the profile's topics and streams (embedded: the log in `{data-dir}/log.db`).
 *
 * ```sh
 * deno task gateway [--port 8080] [--hostname 127.0.0.1] [--prefix pinterest] [--data-dir .data]
 *                   [--profile embedded|local|aws] [--max-body-bytes 10485760]
 *                   [--shutdown-grace-ms 5000]
 * GATEWAY_API_KEYS=k1,k2 deno task gateway   # require x-api-key
 * ```
 *
 * It creates the topics `{prefix}.pin|.geo|.user` and the streams
 * `streaming-{prefix}-pin|geo|user` when absent, prints its URL, and stops cleanly (in-flight
 * requests finish, the log is closed) on SIGINT or SIGTERM: uploads still arriving after
 * `--shutdown-grace-ms` are cut (and logged), so a client that stalls mid-body cannot hold
 * the shutdown.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadConfig, openLogs, type PipelineConfig } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import { consoleLogger } from "../logger.ts";
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_SHUTDOWN_GRACE_MS,
  ensureTopology,
  type GatewayServer,
  serveGateway,
} from "../gateway/mod.ts";
import { stopOnSignals } from "./stop_signal.ts";
import {
  type CliProgram,
  COMMON_FLAGS,
  formatUsage,
  positiveFlag,
  runCli,
} from "./program.ts";

/**
 * Default port of `deno task gateway`.
 *
 * @example
 * ```ts
 * import { DEFAULT_GATEWAY_PORT, parseGatewayArgs } from "./gateway.ts";
 * console.log(DEFAULT_GATEWAY_PORT, parseGatewayArgs([], {}).port); // 8080 8080
 * ```
 */
export const DEFAULT_GATEWAY_PORT = 8080;

/**
 * Settings of `deno task gateway`.
 *
 * @example
 * ```ts
 * import { type GatewayCliOptions, parseGatewayArgs } from "./gateway.ts";
 * const options: GatewayCliOptions = parseGatewayArgs(["--hostname", "0.0.0.0", "--max-body-bytes", "1048576"], {});
 * console.log(options.hostname, options.maxBodyBytes, options.shutdownGraceMs); // 0.0.0.0 1048576 5000
 * ```
 */
export interface GatewayCliOptions {
  /** `--port`: port to listen on (0 picks a free one). */
  port: number;
  /** `--hostname`: address to listen on. */
  hostname: string;
  /** Largest request body taken, in bytes (larger: 413); default 10 MiB. */
  maxBodyBytes: number;
  /**
   * `--shutdown-grace-ms`: at shutdown, how long requests in flight may take to arrive
   * before their uploads are cut; default 5000.
   */
  shutdownGraceMs: number;
  /** Profile, data dir, prefix and API keys (`GATEWAY_API_KEYS`), as `loadConfig` resolved them. */
  config: PipelineConfig;
}

/**
 * Parses the command line and environment of `deno task gateway`.
 *
 * @example
 * ```ts
 * import { parseGatewayArgs } from "./gateway.ts";
 * const opts = parseGatewayArgs(["--port", "9000"], { GATEWAY_API_KEYS: "a,b" });
 * console.log(opts.port, opts.config.apiKeys); // 9000 ["a", "b"]
 * ```
 */
export function parseGatewayArgs(
  args: string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): GatewayCliOptions {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: String(DEFAULT_GATEWAY_PORT) },
      hostname: { type: "string", default: "127.0.0.1" },
      prefix: { type: "string" },
      "data-dir": { type: "string" },
      profile: { type: "string" },
      "max-body-bytes": {
        type: "string",
        default: String(DEFAULT_MAX_BODY_BYTES),
      },
      "shutdown-grace-ms": {
        type: "string",
        default: String(DEFAULT_SHUTDOWN_GRACE_MS),
      },
    },
  });
  // Digits only: Number("") is 0, which would pick a random free port.
  const port = /^\d+$/.test(values.port.trim()) ? Number(values.port) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError("--port", "must be an integer from 0 to 65535", {
      value: values.port,
    });
  }
  const config = loadConfig({
    profile: values.profile,
    dataDir: values["data-dir"],
    prefix: values.prefix,
  }, { env });
  const maxBodyBytes = positiveFlag(
    "--max-body-bytes",
    values["max-body-bytes"],
    { whole: true },
  );
  const shutdownGraceMs = positiveFlag(
    "--shutdown-grace-ms",
    values["shutdown-grace-ms"],
    { whole: true },
  );
  return {
    port,
    hostname: values.hostname,
    maxBodyBytes,
    shutdownGraceMs,
    config,
  };
}

/**
 * Runs the gateway until SIGINT/SIGTERM (or `signal`), then shuts down and closes the log.
 *
 * @example
 * ```ts
 * import { runGatewayCli } from "./gateway.ts";
 * const stop = new AbortController();
 * const done = runGatewayCli(["--port", "0", "--data-dir", await Deno.makeTempDir()], {
 *   signal: stop.signal,
 * });
 * stop.abort();
 * await done;
 * ```
 */
export async function runGatewayCli(
  args: string[],
  options: { signal?: AbortSignal; env?: Record<string, string | undefined> } =
    {},
): Promise<void> {
  const opts = parseGatewayArgs(args, options.env);
  const { config } = opts;
  // The Kafka client's warnings (a broker down) go to stderr, as the gateway's own lines do.
  const log = await openLogs(config, { logger: consoleLogger });
  let names: Awaited<ReturnType<typeof ensureTopology>>;
  let server: GatewayServer;
  try {
    names = await ensureTopology(log.topics, log.streams, {
      prefix: config.prefix,
    });
    server = await serveGateway({
      topics: log.topics,
      streams: log.streams,
      apiKeys: config.apiKeys,
      port: opts.port,
      hostname: opts.hostname,
      maxBodyBytes: opts.maxBodyBytes,
      shutdownGraceMs: opts.shutdownGraceMs,
    });
  } catch (e) {
    await log.close();
    throw listenError(e, opts);
  }
  console.log(`Gateway listening on ${server.url}`);
  console.log(`  topics:  ${names.topics.join(", ")}`);
  console.log(`  streams: ${names.streams.join(", ")}`);
  console.log(`  profile: ${config.profile} (data in ${config.dataDir})`);
  console.log(
    `  api key: ${
      config.apiKeys.length > 0 ? "required (x-api-key)" : "not required"
    }`,
  );
  const stop = stopOnSignals({ signal: options.signal });
  if (!stop.signal.aborted) {
    // Until Ctrl-C, or the server giving up listening (its error ends the task).
    await Promise.race([
      new Promise((resolve) =>
        stop.signal.addEventListener("abort", resolve, { once: true })
      ),
      server.finished.catch(async (e) => {
        stop.dispose();
        await log.close();
        throw e;
      }),
    ]);
  }
  const why = stop.reason;
  stop.dispose();
  console.log(`Gateway stopping (${why})...`);
  await server.shutdown();
  await log.close();
  console.log("Gateway stopped.");
}

/**
 * A port taken, an address not on this machine, or a host name that is none (`not a host`,
 * empty) or names no address (`getaddrinfo` failed), as the flag to change; else `e`.
 */
function listenError(e: unknown, opts: GatewayCliOptions): unknown {
  if (e instanceof Deno.errors.AddrInUse) {
    return new ConfigError(
      "--port",
      `is taken on ${opts.hostname} by another process; stop it or pick another port (0 picks a free one)`,
      { value: opts.port, cause: e },
    );
  }
  if (e instanceof Deno.errors.AddrNotAvailable) {
    return new ConfigError(
      "--hostname",
      "is not an address of this machine (127.0.0.1 for this machine only, 0.0.0.0 for all)",
      { value: opts.hostname, cause: e },
    );
  }
  if (
    e instanceof URIError ||
    (e instanceof Error && /failed to lookup address/.test(e.message))
  ) {
    return new ConfigError(
      "--hostname",
      "is not a host name or IP address of this machine (127.0.0.1 for this machine only, 0.0.0.0 for all)",
      { value: opts.hostname, cause: e },
    );
  }
  return e;
}

/** The usage text `deno task gateway --help` prints. */
const GATEWAY_USAGE = formatUsage(
  "gateway [options]",
  {
    summary:
      "Runs the ingestion API alone (Kafka REST Proxy v2 /topics and API Gateway /streams routes)\nover the profile's topics and streams, until Ctrl-C. GATEWAY_API_KEYS=k1,k2 requires x-api-key.",
    flags: [
      ["--port N", "port to listen on (default 8080; 0 picks a free one)"],
      ["--hostname H", "address to listen on (default 127.0.0.1)"],
      [
        "--max-body-bytes B",
        "largest request body taken; larger ones get 413 (default 10485760)",
      ],
      [
        "--shutdown-grace-ms MS",
        "at Ctrl-C, how long uploads still arriving may take before they are cut (default 5000)",
      ],
      COMMON_FLAGS.dataDir,
      COMMON_FLAGS.prefix,
      COMMON_FLAGS.profile,
    ],
  },
);

/**
 * `deno task gateway` as a program: `--help`, error messages and exit codes as every task has
 * them (see `program.ts`).
 *
 * @example
 * ```ts
 * import { gatewayProgram } from "./gateway.ts";
 * console.log(gatewayProgram.usage.split("\n")[0]); // Usage: deno task gateway [options]
 * ```
 */
export const gatewayProgram: CliProgram = {
  name: "gateway",
  usage: GATEWAY_USAGE,
  run: async (args) => {
    await runGatewayCli(args);
  },
};

if (import.meta.main) Deno.exit(await runCli(gatewayProgram, Deno.args));
