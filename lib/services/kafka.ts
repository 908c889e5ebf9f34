/**
 * A real Apache Kafka broker for the local stack: one JVM in KRaft mode (broker and
 * controller in one process, no ZooKeeper), listening on 127.0.0.1 only, its log dirs and
 * PID file under `{stateDir}/kafka/`.
 *
 * @module
 */
import { BackendError } from "../errors.ts";
import { openKafkaLog } from "../adapters/kafka/mod.ts";
import { silentLogger } from "../logger.ts";
import { canConnect, findOnPath, spawnDetached } from "./process.ts";
import { ensureKafkaJars } from "./kafka_jars.ts";
import {
  brokerProperties,
  clusterId,
  log4jProperties,
} from "./kafka_config.ts";
import {
  assertPortsFree,
  endpointPort,
  pidFileService,
  type ServiceHandle,
  type ServiceStartOptions,
  waitUntilReady,
} from "./service.ts";
import { serviceDir, writePidFile } from "./pid_file.ts";

/**
 * Default client port (`KAFKA_BROKERS=127.0.0.1:9092`); the controller uses the next one.
 *
 * @example
 * ```ts
 * import { KAFKA_DEFAULT_PORT } from "./kafka.ts";
 * console.log(`KAFKA_BROKERS=127.0.0.1:${KAFKA_DEFAULT_PORT}`); // KAFKA_BROKERS=127.0.0.1:9092
 * ```
 */
export const KAFKA_DEFAULT_PORT = 9092;

/**
 * Options of {@linkcode kafkaService}'s `start` (`readyTimeoutMs` default: 90,000).
 *
 * @example
 * ```ts
 * import { kafkaService, type KafkaStartOptions } from "./kafka.ts";
 * const options: KafkaStartOptions = { stateDir: "/tmp/my-services", port: 19092, controllerPort: 19093, heapMb: 256 };
 * const up = () => kafkaService.start(options); // resolves to { endpoint: "127.0.0.1:19092", pid }
 * ```
 */
export interface KafkaStartOptions extends ServiceStartOptions {
  /** KRaft controller port (default `port + 1`). */
  controllerPort?: number;
  /** JVM heap limit in MiB (default 512). */
  heapMb?: number;
  /** Where the jars are cached (default `.cache/kafka` of the repository). */
  jarsCacheDir?: string;
}

const NAME = "kafka";

async function start(options: KafkaStartOptions): Promise<ServiceHandle> {
  const logger = options.logger ?? silentLogger;
  const dir = await Deno.realPath(
    await mkdirp(serviceDir(options.stateDir, NAME)),
  );
  const port = options.port ?? KAFKA_DEFAULT_PORT;
  const controllerPort = options.controllerPort ?? port + 1;
  await assertPortsFree(NAME, [port, controllerPort]);
  const javaBin = await requireJava();

  const libs = await ensureKafkaJars({
    cacheDir: options.jarsCacheDir,
    logger,
  });
  const props = `${dir}/server.properties`;
  await Deno.writeTextFile(
    props,
    brokerProperties({ dataDir: `${dir}/data`, port, controllerPort }),
  );
  await Deno.writeTextFile(
    `${dir}/log4j.properties`,
    log4jProperties(`${dir}/server.log`),
  );
  const java = [
    `-Xmx${options.heapMb ?? 512}m`,
    "-Xms128m",
    "-XX:+UseSerialGC",
  ];
  java.push(
    `-Dlog4j.configuration=file:${dir}/log4j.properties`,
    "-cp",
    `${libs}/*`,
  );
  const logFile = `${dir}/kafka.out`;
  if (!(await exists(`${dir}/data/meta.properties`))) {
    const out = await new Deno.Command(javaBin, {
      args: [
        ...java,
        "kafka.tools.StorageTool",
        "format",
        "-t",
        clusterId(),
        "-c",
        props,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new BackendError(
        "kafka",
        `formatting the KRaft storage failed: ${text(out)}`,
        {
          context: { dir },
        },
      );
    }
  }
  const began = Date.now();
  const pid = spawnDetached(javaBin, [...java, "kafka.Kafka", props], {
    logFile,
  });
  const endpoint = `127.0.0.1:${port}`;
  await writePidFile(options.stateDir, {
    name: NAME,
    record: { pid, endpoint, marker: props },
  });
  logger.info("kafka starting", { endpoint, pid, logs: dir });
  await waitUntilReady({
    name: NAME,
    stateDir: options.stateDir,
    pid,
    endpoint,
    logFile,
    timeoutMs: options.readyTimeoutMs ?? 90_000,
    intervalMs: 250,
    probe: () => brokerAnswers(endpoint, port),
  });
  logger.info("kafka ready", {
    endpoint,
    seconds: (Date.now() - began) / 1000,
  });
  return { endpoint, pid };
}

async function brokerAnswers(endpoint: string, port: number): Promise<boolean> {
  if (!(await canConnect("127.0.0.1", port))) return false;
  const log = await openKafkaLog({
    brokers: [endpoint],
    connectionTimeoutMs: 1000,
  });
  try {
    await log.listTopics();
    return true;
  } finally {
    await log.close();
  }
}

/**
 * The local Kafka broker as a {@linkcode Service}: `start` fetches the jars when missing,
 * formats the storage on first use and waits until the broker answers a metadata request.
 *
 * @example
 * ```ts
 * import { kafkaService } from "./kafka.ts";
 * const stateDir = await Deno.makeTempDir();
 * const { endpoint } = await kafkaService.start({ stateDir, port: 19092 });
 * console.log(endpoint); // 127.0.0.1:19092
 * await kafkaService.stop({ stateDir });
 * ```
 */
export const kafkaService = pidFileService({
  name: NAME,
  start,
  probe: (endpoint) => brokerAnswers(endpoint, endpointPort(endpoint)!),
  stopTimeoutMs: 20_000,
  env: (endpoint) => ({ KAFKA_BROKERS: endpoint }),
});

/** The `java` on PATH, or a `BackendError` saying how to install it. */
async function requireJava(): Promise<string> {
  const java = await findOnPath("java");
  if (java !== undefined) return java;
  throw new BackendError(
    NAME,
    "java is not installed (the broker needs Java 17); install it with `apt-get install -y openjdk-17-jre-headless`, or put its bin folder on PATH",
    { context: { path: Deno.env.get("PATH") } },
  );
}

async function mkdirp(dir: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

function text(out: Deno.CommandOutput): string {
  const d = new TextDecoder();
  return (d.decode(out.stdout) + d.decode(out.stderr)).slice(-800);
}
