/**
 * kinesis-mock (`npm:kinesis-local`) for the local stack: the Scala.js build of the mock run
 * with `node` from its package folder, plain HTTP on `port` (default 4567, the local
 * `KINESIS_ENDPOINT`), its TLS listener on another free port, data in memory only, and short
 * create/delete/resharding delays so tests are fast.
 *
 * kinesis-mock always listens on 0.0.0.0, so `start` preloads `{stateDir}/kinesis/loopback.cjs`
 * (see `kinesis_mock.ts`), which binds its listeners to 127.0.0.1; that path is also the PID
 * file's command-line marker.
 *
 * @module
 */
import { openKinesisLog } from "../adapters/kinesis/mod.ts";
import { silentLogger } from "../logger.ts";
import { canConnect, freePort, spawnDetached } from "./process.ts";
import {
  assertPortsFree,
  endpointPort,
  pidFileService,
  requireNode,
  type ServiceHandle,
  type ServiceStartOptions,
  waitUntilReady,
} from "./service.ts";
import { serviceDir, writePidFile } from "./pid_file.ts";
import {
  kinesisMockDir,
  kinesisMockEnv,
  LOOPBACK_CJS,
} from "./kinesis_mock.ts";

/**
 * Default plain-HTTP port (`KINESIS_ENDPOINT=http://127.0.0.1:4567`).
 *
 * @example
 * ```ts
 * import { KINESIS_DEFAULT_PORT } from "./kinesis.ts";
 * console.log(`KINESIS_ENDPOINT=http://127.0.0.1:${KINESIS_DEFAULT_PORT}`); // KINESIS_ENDPOINT=http://127.0.0.1:4567
 * ```
 */
export const KINESIS_DEFAULT_PORT = 4567;

/**
 * Options of {@linkcode kinesisService}'s `start` (`readyTimeoutMs` default: 60,000).
 *
 * @example
 * ```ts
 * import { kinesisService, type KinesisStartOptions } from "./kinesis.ts";
 * const options: KinesisStartOptions = { stateDir: "/tmp/my-services", port: 14567, initializeStreams: "demo:2" };
 * const up = () => kinesisService.start(options); // resolves to { endpoint: "http://127.0.0.1:14567", pid }
 * ```
 */
export interface KinesisStartOptions extends ServiceStartOptions {
  /** Port of the TLS listener (default: a free port). */
  tlsPort?: number;
  /** Streams created at start, kinesis-mock syntax `name:shards,...` (default none). */
  initializeStreams?: string;
  /** Delay of CreateStream, DeleteStream and resharding calls (default `100ms`). */
  operationDuration?: string;
  /** kinesis-mock's `LOG_LEVEL` (default `WARN`). */
  logLevel?: string;
}

const NAME = "kinesis";

async function start(options: KinesisStartOptions): Promise<ServiceHandle> {
  const logger = options.logger ?? silentLogger;
  const dir = serviceDir(options.stateDir, NAME);
  await Deno.mkdir(dir, { recursive: true });
  const abs = await Deno.realPath(dir);
  const port = options.port ?? KINESIS_DEFAULT_PORT;
  const tlsPort = options.tlsPort ?? freePort();
  await assertPortsFree(NAME, [port, tlsPort]);

  // Not the bare name: Deno would run itself as `node`, ignoring LOOPBACK_CJS (0.0.0.0).
  const node = await requireNode(NAME, "kinesis-mock");
  const pkg = await kinesisMockDir();
  const loopback = `${abs}/loopback.cjs`;
  await Deno.writeTextFile(loopback, LOOPBACK_CJS);
  const began = Date.now();
  const pid = spawnDetached(node, ["--require", loopback, "main.js"], {
    cwd: pkg,
    logFile: `${abs}/kinesis.out`,
    env: kinesisMockEnv({
      port,
      tlsPort,
      duration: options.operationDuration,
      initializeStreams: options.initializeStreams,
      logLevel: options.logLevel,
    }),
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await writePidFile(options.stateDir, {
    name: NAME,
    record: {
      pid,
      endpoint,
      marker: loopback,
    },
  });
  logger.info("kinesis starting", { endpoint, pid, logs: abs });
  await waitUntilReady({
    name: NAME,
    stateDir: options.stateDir,
    pid,
    endpoint,
    logFile: `${abs}/kinesis.out`,
    timeoutMs: options.readyTimeoutMs ?? 60_000,
    probe: () => mockAnswers(endpoint, port),
  });
  logger.info("kinesis ready", {
    endpoint,
    seconds: (Date.now() - began) / 1000,
  });
  return { endpoint, pid };
}

async function mockAnswers(endpoint: string, port: number): Promise<boolean> {
  if (!(await canConnect("127.0.0.1", port))) return false;
  const log = await openKinesisLog({ endpoint, maxAttempts: 1 });
  await log.close();
  return true;
}

/**
 * kinesis-mock as a {@linkcode Service}: `start` runs it on 127.0.0.1 and waits until
 * ListStreams answers; `stop` ends only the PID of its PID file.
 *
 * @example
 * ```ts
 * import { kinesisService } from "./kinesis.ts";
 * const stateDir = await Deno.makeTempDir();
 * const { endpoint } = await kinesisService.start({ stateDir, port: 14567 });
 * console.log(endpoint); // http://127.0.0.1:14567
 * await kinesisService.stop({ stateDir });
 * ```
 */
export const kinesisService = pidFileService({
  name: NAME,
  start,
  probe: (endpoint) => mockAnswers(endpoint, endpointPort(endpoint)!),
  // Data lives in memory only, so there is nothing to flush; and kinesis-mock's graceful
  // shutdown waits for half-open connections (e.g. a bare TCP probe of its TLS port) for
  // many seconds, so SIGKILL follows SIGTERM soon.
  stopTimeoutMs: 3_000,
  env: (endpoint) => ({ KINESIS_ENDPOINT: endpoint }),
});
