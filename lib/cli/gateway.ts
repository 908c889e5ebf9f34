/**
 * `deno task gateway`: runs the ingestion API (API Gateway + Kafka REST Proxy v2 stand-in)
 * alone, over the embedded log in `{data-dir}/log.db`.
 *
 * ```sh
 * deno task gateway [--port 8080] [--hostname 127.0.0.1] [--prefix pinterest] [--data-dir .data]
 * GATEWAY_API_KEYS=k1,k2 deno task gateway   # require x-api-key
 * ```
 *
 * It creates the topics `{prefix}.pin|.geo|.user` and the streams
 * `streaming-{prefix}-pin|geo|user` when absent, prints its URL, and stops cleanly (in-flight
 * requests finish, the log is closed) on SIGINT or SIGTERM.
 *
 * @module
 */

import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../errors.ts";
import { ensureTopology, serveGateway } from "../gateway/mod.ts";
import type { StreamLog, TopicLog } from "../log/types.ts";
import { openEmbeddedLog } from "../log/mod.ts";

/**
 * Default port of `deno task gateway`.
 *
 * @example
 * ```ts
 * import { DEFAULT_GATEWAY_PORT } from "./gateway.ts";
 * console.log(DEFAULT_GATEWAY_PORT); // 8080
 * ```
 */
export const DEFAULT_GATEWAY_PORT = 8080;

/** Settings of `deno task gateway`. */
export interface GatewayCliOptions {
  port: number;
  hostname: string;
  prefix: string;
  dataDir: string;
  /** From `GATEWAY_API_KEYS` (comma-separated); empty = no key required. */
  apiKeys: string[];
}

/**
 * Parses the command line and environment of `deno task gateway`.
 *
 * @example
 * ```ts
 * import { parseGatewayArgs } from "./gateway.ts";
 * const opts = parseGatewayArgs(["--port", "9000"], { GATEWAY_API_KEYS: "a,b" });
 * console.log(opts.port, opts.apiKeys); // 9000 ["a", "b"]
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
      prefix: { type: "string", default: "pinterest" },
      "data-dir": { type: "string", default: ".data" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(
      "--port",
      "must be an integer from 0 to 65535",
      values.port,
    );
  }
  if (!/^[A-Za-z0-9_-]+$/.test(values.prefix)) {
    throw new ConfigError(
      "--prefix",
      "use letters, digits, '_' or '-'",
      values.prefix,
    );
  }
  const apiKeys = (env.GATEWAY_API_KEYS ?? "").split(",").map((k) => k.trim())
    .filter((k) => k !== "");
  return {
    port,
    hostname: values.hostname,
    prefix: values.prefix,
    dataDir: values["data-dir"],
    apiKeys,
  };
}

/** The log the CLI serves: topics, streams and how to close them. */
export interface OpenedLog {
  topics: TopicLog;
  streams: StreamLog;
  close(): Promise<void>;
}

/**
 * Opens the log the gateway serves: the embedded log at `{dataDir}/log.db`. This is the one
 * place to swap for a configured runtime (local services, AWS).
 *
 * @example
 * ```ts
 * import { openGatewayLog } from "./gateway.ts";
 * const log = await openGatewayLog(await Deno.makeTempDir());
 * await log.close();
 * ```
 */
export async function openGatewayLog(dataDir: string): Promise<OpenedLog> {
  await Deno.mkdir(dataDir, { recursive: true });
  return await openEmbeddedLog(join(dataDir, "log.db"));
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
  const log = await openGatewayLog(opts.dataDir);
  const names = await ensureTopology(log.topics, log.streams, {
    prefix: opts.prefix,
  });
  const server = await serveGateway({
    topics: log.topics,
    streams: log.streams,
    apiKeys: opts.apiKeys,
    port: opts.port,
    hostname: opts.hostname,
  });
  console.log(`Gateway listening on ${server.url}`);
  console.log(`  topics:  ${names.topics.join(", ")}`);
  console.log(`  streams: ${names.streams.join(", ")}`);
  console.log(`  log:     ${join(opts.dataDir, "log.db")}`);
  console.log(
    `  api key: ${
      opts.apiKeys.length > 0 ? "required (x-api-key)" : "not required"
    }`,
  );
  const { promise: stopped, resolve } = Promise.withResolvers<string>();
  const onSignal = (name: string) => () => resolve(name);
  const handlers = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const fn = onSignal(sig);
    Deno.addSignalListener(sig, fn);
    return [sig, fn] as const;
  });
  options.signal?.addEventListener("abort", () => resolve("abort"), {
    once: true,
  });
  if (options.signal?.aborted) resolve("abort");
  const why = await stopped;
  for (const [sig, fn] of handlers) Deno.removeSignalListener(sig, fn);
  console.log(`Gateway stopping (${why})...`);
  await server.shutdown();
  await log.close();
  console.log("Gateway stopped.");
}

if (import.meta.main) {
  try {
    await runGatewayCli(Deno.args);
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof TypeError)) throw err;
    console.error(`gateway: ${err.message}`);
    Deno.exit(2);
  }
}
