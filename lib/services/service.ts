/**
 * The shape every local service (Kafka, kinesis-mock, s3rver, MariaDB) has, and the start
 * and readiness wait they share (their PID file is in `pid_file.ts`).
 *
 * State layout: `stateDir` is the shared root (`.cache/services` for the CLI, a temp dir in
 * tests); a service keeps its files in `{stateDir}/{name}/` (PID file `{name}.pid`, logs, data).
 *
 * @module
 */
import { BackendError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { canConnect, findOnPath, isAlive, stopPid } from "./process.ts";
import {
  lockServiceStart,
  pidFileStatus,
  removePidFile,
  serviceDir,
  stopByPidFile,
} from "./pid_file.ts";
import { sleep } from "../sleep.ts";

/**
 * Options of {@linkcode Service.start}.
 *
 * @example
 * ```ts
 * import type { ServiceStartOptions } from "./service.ts";
 * import { s3Service } from "./s3.ts";
 * const options: ServiceStartOptions = { stateDir: "/tmp/my-services", port: 14569, readyTimeoutMs: 10_000 };
 * const up = () => s3Service.start(options);
 * ```
 */
export interface ServiceStartOptions {
  /** Shared state root; the service writes under `{stateDir}/{name}/`. */
  stateDir: string;
  /** Port to listen on (127.0.0.1); each service has its documented default. */
  port?: number;
  /** Progress messages (default: silent). */
  logger?: Logger;
  /** How long to wait for the server to answer, ms; each service has its documented default. */
  readyTimeoutMs?: number;
}

/**
 * Options of {@linkcode Service.stop} and {@linkcode Service.status}.
 *
 * @example
 * ```ts
 * import type { ServiceStateOptions } from "./service.ts";
 * import { kafkaService } from "./kafka.ts";
 * const options: ServiceStateOptions = { stateDir: await Deno.makeTempDir() };
 * console.log(await kafkaService.status(options)); // { running: false }
 * ```
 */
export interface ServiceStateOptions {
  /** The same state root that was given to `start`. */
  stateDir: string;
}

/**
 * A started service.
 *
 * @example
 * ```ts
 * import type { ServiceHandle } from "./service.ts";
 * import { kafkaService } from "./kafka.ts";
 * const handle: ServiceHandle = { endpoint: "127.0.0.1:19092", pid: 4242 };
 * console.log(kafkaService.env?.(handle.endpoint)); // { KAFKA_BROKERS: "127.0.0.1:19092" }
 * ```
 */
export interface ServiceHandle {
  /** What clients connect to, e.g. `127.0.0.1:9092` or `http://127.0.0.1:4569`. */
  endpoint: string;
  /** The server process, as written to the PID file. */
  pid: number;
}

/**
 * What {@linkcode Service.status} answers.
 *
 * @example
 * ```ts
 * import type { ServiceStatus } from "./service.ts";
 * import { pidFileStatus } from "./pid_file.ts";
 * const status: ServiceStatus = await pidFileStatus(await Deno.makeTempDir(), "s3");
 * console.log(status.running ? `s3 at ${status.endpoint}` : "s3 stopped"); // s3 stopped
 * ```
 */
export interface ServiceStatus {
  running: boolean;
  endpoint?: string;
  pid?: number;
}

/**
 * A local server that `deno task services up|down|status` manages.
 *
 * @example
 * ```ts
 * import type { Service } from "./service.ts";
 * async function show(service: Service) {
 *   const s = await service.status({ stateDir: ".cache/services" });
 *   console.log(service.name, s.running ? s.endpoint : "stopped");
 * }
 * ```
 */
export interface Service {
  /** Short name used by `--only` and for the state folder: `kafka`, `kinesis`, `s3`, `mariadb`. */
  name: string;
  /** Starts the server (or reuses a running one of the same state dir) and waits until it answers. */
  start(options: ServiceStartOptions): Promise<ServiceHandle>;
  /** Stops the process of the PID file, if any; a no-op when not running. */
  stop(options: ServiceStateOptions): Promise<void> | void;
  /** Whether the process of the PID file runs, and where. */
  status(options: ServiceStateOptions): Promise<ServiceStatus> | ServiceStatus;
  /** Environment variables a pipeline sets to use this server, e.g. `{ KAFKA_BROKERS: ... }`. */
  env?(endpoint: string): Record<string, string>;
}

/**
 * Options of {@linkcode pidFileService}.
 *
 * @example
 * ```ts
 * import { pidFileService, type PidFileServiceOptions, type ServiceStartOptions } from "./service.ts";
 * const options: PidFileServiceOptions<ServiceStartOptions> = {
 *   name: "demo",
 *   start: () => Promise.reject(new Error("not in this example")),
 *   probe: () => Promise.resolve(true),
 *   stopTimeoutMs: 1_000,
 *   env: (endpoint) => ({ DEMO_URL: endpoint }),
 * };
 * console.log(pidFileService(options).env?.("http://127.0.0.1:1")); // { DEMO_URL: "http://127.0.0.1:1" }
 * ```
 */
export interface PidFileServiceOptions<S extends ServiceStartOptions> {
  /** The service's short name (its state folder and PID file). */
  name: string;
  /** Starts the server; it must write the PID file (see {@linkcode writePidFile}). */
  start(options: S): Promise<ServiceHandle>;
  /**
   * True once the server at `endpoint` answers a real request; `start` waits for it before
   * returning a server that runs already (a start interrupted by Ctrl-C left it starting).
   */
  probe(endpoint: string): Promise<boolean>;
  /**
   * Finishes the setup of a server that runs already, once it answers (default: nothing):
   * what an `up` interrupted after the server started may have left undone (MariaDB's
   * database, user and seed).
   */
  reuse?(handle: ServiceHandle, options: S): Promise<void>;
  /** How long `stop` waits after SIGTERM before SIGKILL, in ms. */
  stopTimeoutMs: number;
  /** Environment variables a pipeline sets to use the server. */
  env(endpoint: string): Record<string, string>;
}

/**
 * A {@linkcode Service} whose process is known by its PID file: `start` returns the running
 * server of the PID file when there is one, once `options.probe` says it answers and
 * `options.reuse` has finished its setup (refusing,
 * with a `BackendError`, a `port` other than the one it listens on, or a server that does not
 * answer within `readyTimeoutMs`), else calls `options.start`; `stop` is
 * {@linkcode stopByPidFile} with the given timeout and `status` is {@linkcode pidFileStatus}.
 *
 * @example
 * ```ts
 * import { pidFileService } from "./service.ts";
 * const demo = pidFileService({
 *   name: "demo",
 *   start: () => Promise.reject(new Error("not in this example")),
 *   probe: () => Promise.resolve(true),
 *   stopTimeoutMs: 1_000,
 *   env: (endpoint) => ({ DEMO_URL: endpoint }),
 * });
 * console.log(await demo.status({ stateDir: await Deno.makeTempDir() })); // { running: false }
 * ```
 */
export function pidFileService<S extends ServiceStartOptions>(
  options: PidFileServiceOptions<S>,
): Service & { start(options: S): Promise<ServiceHandle> } {
  const { name, stopTimeoutMs } = options;
  const startOrReuse = async (o: S): Promise<ServiceHandle> => {
    const current = await pidFileStatus(o.stateDir, name);
    if (current.running && current.endpoint && current.pid) {
      const port = endpointPort(current.endpoint);
      if (o.port !== undefined && port !== undefined && port !== o.port) {
        // Reusing it would print the old port's `export` lines for a request of another.
        throw new BackendError(
          name,
          `already running at ${current.endpoint} (pid ${current.pid}), not on port ${o.port}; to move it, stop it first: \`deno task services down --only ${name}\` (with the same --state-dir)`,
          { context: { endpoint: current.endpoint, port: o.port } },
        );
      }
      o.logger?.info(`${name} already running`, {
        endpoint: current.endpoint,
        pid: current.pid,
      });
      const { endpoint, pid } = current;
      const timeoutMs = o.readyTimeoutMs ?? 60_000;
      const outcome = await probeUntil(pid, () => options.probe(endpoint), {
        timeoutMs,
      });
      if (outcome === "ready") {
        await options.reuse?.({ endpoint, pid }, o);
        return { endpoint, pid };
      }
      if (outcome === "timeout") {
        throw new BackendError(
          name,
          `running (pid ${current.pid}) but no answer at ${current.endpoint} within ${timeoutMs} ms; see its log in ${
            serviceDir(o.stateDir, name)
          }, or start it again: \`deno task services down --only ${name}\`, then \`up\` (with the same --state-dir)`,
          { context: { endpoint: current.endpoint, pid: current.pid } },
        );
      }
    }
    return await options.start(o);
  };
  return {
    name,
    async start(o: S) {
      // One start at a time per state dir: a second `up` waits, then finds the first's server.
      using _lock = await lockServiceStart(o.stateDir, name, o.logger);
      return await startOrReuse(o);
    },
    stop: (o) => stopByPidFile(o.stateDir, name, { timeoutMs: stopTimeoutMs }),
    status: (o) => pidFileStatus(o.stateDir, name),
    env: options.env,
  };
}

/**
 * Probes a server until it answers (`"ready"`), its process `pid` ends (`"exited"`) or
 * `timeoutMs` passed (`"timeout"`); a probe that throws counts as "not yet".
 */
async function probeUntil(
  pid: number,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<"ready" | "exited" | "timeout"> {
  const deadline = Date.now() + options.timeoutMs;
  while (true) {
    if (!(await isAlive(pid))) return "exited";
    if (await probe().catch(() => false)) return "ready";
    if (Date.now() >= deadline) return "timeout";
    await sleep(options.intervalMs ?? 200);
  }
}

/**
 * The port of a service endpoint (`127.0.0.1:9092`, `http://127.0.0.1:4567`,
 * `mysql://u:p@127.0.0.1:3306/db`), or `undefined` when it names none.
 *
 * @example
 * ```ts
 * import { endpointPort } from "./service.ts";
 * console.log(endpointPort("mysql://u:p@127.0.0.1:13306/db")); // 13306
 * ```
 */
export function endpointPort(endpoint: string): number | undefined {
  const match = /:(\d+)(?=\/|$)/.exec(endpoint);
  return match ? Number(match[1]) : undefined;
}

/**
 * Throws a `BackendError` naming the first of `ports` on 127.0.0.1 that another process holds.
 *
 * @example
 * ```ts
 * import { assertPortsFree } from "./service.ts";
 * await assertPortsFree("kafka", [19092, 19093]);
 * ```
 */
export async function assertPortsFree(
  name: string,
  ports: number[],
): Promise<void> {
  for (const port of ports) {
    if (await canConnect("127.0.0.1", port)) {
      throw new BackendError(
        name,
        `port ${port} on 127.0.0.1 is taken by another process; stop it, or start ${name} on another port with \`deno task services up --port ${name}=N\``,
        { context: { port } },
      );
    }
  }
}

/**
 * The `node` on PATH (never Deno's stand-in, see {@linkcode findOnPath}) for service `name`,
 * whose `server` runs on it; without one, a `BackendError` saying how to install it.
 *
 * @example
 * ```ts
 * import { requireNode } from "./service.ts";
 * console.log(await requireNode("s3", "s3rver")); // /usr/bin/node
 * ```
 */
export async function requireNode(
  name: string,
  server: string,
): Promise<string> {
  const node = await findOnPath("node");
  if (node !== undefined) return node;
  throw new BackendError(
    name,
    `node is not installed (${server} runs on Node.js); install it with \`apt-get install -y nodejs\`, or put its bin folder on PATH`,
    { context: { path: Deno.env.get("PATH") } },
  );
}

/**
 * Options of {@linkcode waitUntilReady}.
 *
 * @example
 * ```ts
 * import { spawnDetached, stopPid } from "./process.ts";
 * import { waitUntilReady, type WaitUntilReadyOptions } from "./service.ts";
 * const logFile = await Deno.makeTempFile();
 * const pid = spawnDetached("sleep", ["30"], { logFile });
 * const options: WaitUntilReadyOptions = { name: "demo", stateDir: await Deno.makeTempDir(), pid,
 *   endpoint: "127.0.0.1:1", probe: () => Promise.resolve(true), timeoutMs: 1_000, logFile, intervalMs: 50 };
 * await waitUntilReady(options); // the probe answers at once
 * console.log(await stopPid(pid, { timeoutMs: 2_000 })); // true
 * ```
 */
export interface WaitUntilReadyOptions {
  /** The service name, for errors and the PID file. */
  name: string;
  /** The shared state root (its PID file is removed when start fails). */
  stateDir: string;
  /** The server process. */
  pid: number;
  /** Where clients connect, for messages. */
  endpoint: string;
  /** True once the server answers a real request; exceptions count as "not yet". */
  probe: () => Promise<boolean>;
  /** How long to wait. */
  timeoutMs: number;
  /** The server's output file, whose tail goes into the error. */
  logFile: string;
  /** Pause between probes (default 200 ms). */
  intervalMs?: number;
}

/**
 * Waits until `probe` succeeds. When the process exits first, or the time runs out, the
 * process is stopped, the PID file removed, and a `BackendError` says where the log is and
 * carries its tail.
 *
 * @example
 * ```ts
 * import { waitUntilReady } from "./service.ts";
 * // await waitUntilReady({ name: "s3", stateDir, pid, endpoint, timeoutMs: 30_000,
 * //   logFile, probe: () => fetch(endpoint).then((r) => r.ok, () => false) });
 * ```
 */
export async function waitUntilReady(
  options: WaitUntilReadyOptions,
): Promise<void> {
  const { name, pid, endpoint, logFile, timeoutMs } = options;
  const outcome = await probeUntil(pid, options.probe, {
    timeoutMs,
    intervalMs: options.intervalMs,
  });
  if (outcome === "ready") return;
  const problem = outcome === "exited"
    ? "the server exited during start"
    : `no answer at ${endpoint} within ${timeoutMs} ms`;
  await stopPid(pid, { timeoutMs: 5_000 });
  await removePidFile(options.stateDir, name);
  const tail = await Deno.readTextFile(logFile).then(
    (t) => t.slice(-800),
    () => "",
  );
  throw new BackendError(name, `${problem}; see ${logFile}`, {
    context: { endpoint, tail },
  });
}
