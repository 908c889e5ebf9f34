/**
 * Configuration files of the local KRaft broker: `server.properties` (one node that is
 * broker and controller, 127.0.0.1 only, replication factors of 1, no topic
 * auto-creation), `log4j.properties` (a size-bounded file) and the cluster id.
 *
 * @module
 */

/**
 * Options of {@linkcode brokerProperties}.
 *
 * @example
 * ```ts
 * import { brokerProperties, type BrokerPropertiesOptions } from "./kafka_config.ts";
 * const options: BrokerPropertiesOptions = { dataDir: "/tmp/k", port: 19092, controllerPort: 19093, nodeId: 2 };
 * console.log(brokerProperties(options).includes("controller.quorum.voters=2@127.0.0.1:19093")); // true
 * ```
 */
export interface BrokerPropertiesOptions {
  /** Folder of the broker's log segments and KRaft metadata. */
  dataDir: string;
  /** Client listener port on 127.0.0.1. */
  port: number;
  /** KRaft controller listener port on 127.0.0.1. */
  controllerPort: number;
  /** Node id (default 1). */
  nodeId?: number;
}

/**
 * The `server.properties` of a single-node KRaft broker+controller.
 *
 * Topics are never created implicitly (`auto.create.topics.enable=false`): the pipeline
 * creates them, and a typo is a `TopicNotFoundError` as on MSK with that setting.
 *
 * @example
 * ```ts
 * import { brokerProperties } from "./kafka_config.ts";
 * const text = brokerProperties({ dataDir: "/tmp/k", port: 9092, controllerPort: 9093 });
 * console.log(text.includes("listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")); // true
 * ```
 */
export function brokerProperties(options: BrokerPropertiesOptions): string {
  const { dataDir, port, controllerPort } = options;
  const id = options.nodeId ?? 1;
  const settings: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": id,
    "controller.quorum.voters": `${id}@127.0.0.1:${controllerPort}`,
    "listeners":
      `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map":
      "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    "log.dirs": dataDir,
    "num.partitions": 1,
    "default.replication.factor": 1,
    "min.insync.replicas": 1,
    "auto.create.topics.enable": false,
    "offsets.topic.replication.factor": 1,
    "offsets.topic.num.partitions": 1,
    "transaction.state.log.replication.factor": 1,
    "transaction.state.log.min.isr": 1,
    "transaction.state.log.num.partitions": 1,
    "group.initial.rebalance.delay.ms": 0,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "log.retention.hours": 168,
    "log.segment.bytes": 64 * 1024 * 1024,
  };
  return Object.entries(settings).map(([k, v]) => `${k}=${v}`).join("\n") +
    "\n";
}

/**
 * A log4j 1.x configuration writing INFO and above to `file`, rolled at 10 MB (3 files), and
 * errors to the console too: the broker's output file, which a failed start names, then says
 * why (it had only what the JVM printed).
 *
 * @example
 * ```ts
 * import { log4jProperties } from "./kafka_config.ts";
 * console.log(log4jProperties("/tmp/k/server.log").includes("/tmp/k/server.log")); // true
 * ```
 */
export function log4jProperties(file: string): string {
  return [
    "log4j.rootLogger=INFO, file, stderr",
    "log4j.appender.stderr=org.apache.log4j.ConsoleAppender",
    "log4j.appender.stderr.Target=System.err",
    "log4j.appender.stderr.Threshold=ERROR",
    "log4j.appender.stderr.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "log4j.appender.file=org.apache.log4j.RollingFileAppender",
    `log4j.appender.file.File=${file}`,
    "log4j.appender.file.MaxFileSize=10MB",
    "log4j.appender.file.MaxBackupIndex=2",
    "log4j.appender.file.layout=org.apache.log4j.PatternLayout",
    "log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n",
    "log4j.logger.kafka.request.logger=WARN",
    "log4j.logger.state.change.logger=WARN",
    "",
  ].join("\n");
}

/**
 * A random KRaft cluster id: 16 random bytes in URL-safe base64 without padding (22
 * characters, never starting with `-`), the format `kafka-storage random-uuid` prints.
 *
 * @example
 * ```ts
 * import { clusterId } from "./kafka_config.ts";
 * console.log(clusterId().length); // 22
 * ```
 */
export function clusterId(): string {
  while (true) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes))
      .replaceAll("+", "-")
      .replaceAll("/", "_")
      .replace(/=+$/, "");
    // Like Kafka's Uuid.randomUuid: an id starting with "-" would read as a CLI flag.
    if (!id.startsWith("-")) return id;
  }
}
