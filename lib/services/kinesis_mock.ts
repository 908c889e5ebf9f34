/**
 * How kinesis-mock (`npm:kinesis-local`, a Scala.js build run with `node`) is started: where
 * the package is, its environment (ports, no persistence, short operation delays) and the
 * preload script that keeps it on 127.0.0.1.
 *
 * kinesis-mock 0.6.2 hard-codes the host 0.0.0.0 for both of its listeners (no setting
 * changes it), so the service runs `node --require loopback.cjs main.js`, where
 * {@linkcode LOOPBACK_CJS} makes every `net.Server.listen` of the process bind 127.0.0.1.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { BackendError } from "../errors.ts";

/** kinesis-mock's delayed operations (`{OP}_DURATION`). */
const OPERATIONS =
  ("CREATE_STREAM DELETE_STREAM MERGE_SHARDS SPLIT_SHARD UPDATE_SHARD_COUNT " +
    "UPDATE_STREAM_MODE REGISTER_STREAM_CONSUMER DEREGISTER_STREAM_CONSUMER " +
    "START_STREAM_ENCRYPTION STOP_STREAM_ENCRYPTION").split(" ");

/**
 * A CommonJS preload that binds every TCP listener of the node process to 127.0.0.1.
 *
 * @example
 * ```ts
 * import { LOOPBACK_CJS } from "./kinesis_mock.ts";
 * await Deno.writeTextFile(await Deno.makeTempFile({ suffix: ".cjs" }), LOOPBACK_CJS);
 * ```
 */
export const LOOPBACK_CJS: string = `"use strict";
const net = require("node:net");
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args[0] !== null && typeof args[0] === "object") {
    if (args[0].path === undefined) args[0] = { ...args[0], host: "127.0.0.1" };
  } else if (typeof args[0] === "number" || /^\\d+$/.test(String(args[0]))) {
    if (typeof args[1] === "string" || args[1] == null) args[1] = "127.0.0.1";
    else args.splice(1, 0, "127.0.0.1");
  }
  return listen.apply(this, args);
};
`;

/**
 * The folder of the installed `kinesis-local` package (holding `main.js`, `server.json`).
 *
 * @example
 * ```ts
 * import { kinesisMockDir } from "./kinesis_mock.ts";
 * console.log(await kinesisMockDir()); // .../node_modules/.deno/kinesis-local@0.6.2/...
 * ```
 */
export async function kinesisMockDir(): Promise<string> {
  const main = fileURLToPath(import.meta.resolve("kinesis-local"));
  const dir = main.slice(0, main.lastIndexOf("/"));
  if (!(await Deno.stat(main).then((s) => s.isFile, () => false))) {
    throw new BackendError(
      "kinesis",
      `kinesis-mock is not installed (no ${main}); run \`deno install\` in the repository`,
      { context: { main } },
    );
  }
  return dir;
}

/**
 * Options of {@linkcode kinesisMockEnv}.
 *
 * @example
 * ```ts
 * import { kinesisMockEnv, type KinesisMockEnvOptions } from "./kinesis_mock.ts";
 * const options: KinesisMockEnvOptions = { port: 14567, tlsPort: 14568, initializeStreams: "demo:2", logLevel: "INFO" };
 * const env = kinesisMockEnv(options);
 * console.log(env.INITIALIZE_STREAMS, env.LOG_LEVEL, env.CREATE_STREAM_DURATION); // demo:2 INFO 100ms
 * ```
 */
export interface KinesisMockEnvOptions {
  /** Plain HTTP port. */
  port: number;
  /** TLS port. */
  tlsPort: number;
  /** Delay of create/delete/resharding operations (default `100ms`). */
  duration?: string;
  /** `INITIALIZE_STREAMS` (`name:shards,...`), when any. */
  initializeStreams?: string;
  /** `LOG_LEVEL` (default `WARN`). */
  logLevel?: string;
}

/**
 * The environment kinesis-mock gets: ports, no persistence, short operation delays.
 *
 * @example
 * ```ts
 * import { kinesisMockEnv } from "./kinesis_mock.ts";
 * console.log(kinesisMockEnv({ port: 4567, tlsPort: 4568 }).KINESIS_MOCK_PLAIN_PORT); // 4567
 * ```
 */
export function kinesisMockEnv(
  options: KinesisMockEnvOptions,
): Record<string, string> {
  const d = options.duration ?? "100ms";
  const env: Record<string, string> = {
    KINESIS_MOCK_PLAIN_PORT: String(options.port),
    KINESIS_MOCK_TLS_PORT: String(options.tlsPort),
    SHOULD_PERSIST_DATA: "false",
    LOAD_DATA_IF_EXISTS: "false",
    LOG_LEVEL: options.logLevel ?? "WARN",
    SHARD_LIMIT: "500",
  };
  for (const op of OPERATIONS) env[`${op}_DURATION`] = d;
  if (options.initializeStreams) {
    env.INITIALIZE_STREAMS = options.initializeStreams;
  }
  return env;
}
