/**
 * The Apache Kafka broker's jars, fetched once from Maven Central into the git-ignored
 * `.cache/kafka/libs` with `mvn dependency:copy-dependencies` on a generated pom.
 *
 * Kafka 3.9.1 is the newest 3.x line: Kafka 4.x removed old protocol versions (KIP-896) and
 * kafkajs 2.2.4 was written against 2.x-era brokers, so 3.9 keeps it on supported ground.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { BackendError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { silentLogger } from "../logger.ts";

/**
 * The broker version the local stack runs.
 *
 * @example
 * ```ts
 * import { KAFKA_SCALA_VERSION, KAFKA_VERSION } from "./kafka_jars.ts";
 * console.log(`org.apache.kafka:kafka_${KAFKA_SCALA_VERSION}:${KAFKA_VERSION}`); // org.apache.kafka:kafka_2.13:3.9.1
 * ```
 */
export const KAFKA_VERSION = "3.9.1";

/**
 * The Scala build of the broker jar.
 *
 * @example
 * ```ts
 * import { KAFKA_SCALA_VERSION, kafkaPom } from "./kafka_jars.ts";
 * console.log(kafkaPom().includes(`<artifactId>kafka_${KAFKA_SCALA_VERSION}</artifactId>`)); // true
 * ```
 */
export const KAFKA_SCALA_VERSION = "2.13";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(
  /\/$/,
  "",
);

/**
 * `.cache/kafka` of the repository.
 *
 * @example
 * ```ts
 * import { DEFAULT_KAFKA_CACHE_DIR } from "./kafka_jars.ts";
 * console.log(DEFAULT_KAFKA_CACHE_DIR.endsWith("/.cache/kafka")); // true
 * ```
 */
export const DEFAULT_KAFKA_CACHE_DIR = `${REPO_ROOT}/.cache/kafka`;

/**
 * Options of {@linkcode ensureKafkaJars}.
 *
 * @example
 * ```ts
 * import { consoleLogger } from "../logger.ts";
 * import { ensureKafkaJars, type EnsureKafkaJarsOptions } from "./kafka_jars.ts";
 * const options: EnsureKafkaJarsOptions = { cacheDir: "/tmp/kafka-jars", logger: consoleLogger };
 * const libs = () => ensureKafkaJars(options); // resolves to "/tmp/kafka-jars/libs"
 * ```
 */
export interface EnsureKafkaJarsOptions {
  /** Where the pom and `libs/` go (default `.cache/kafka` of the repository). */
  cacheDir?: string;
  /** Progress messages (default: silent). */
  logger?: Logger;
}

/**
 * The pom whose runtime dependencies are the broker's classpath: the broker (`kafka_2.13`
 * pulls kafka-server, kafka-metadata, kafka-raft, kafka-storage, the coordinators, Scala) and
 * an SLF4J binding to reload4j so its log4j.properties configures logging.
 *
 * @example
 * ```ts
 * import { kafkaPom } from "./kafka_jars.ts";
 * console.log(kafkaPom().includes("<artifactId>kafka_2.13</artifactId>")); // true
 * ```
 */
export function kafkaPom(): string {
  const dep = (group: string, artifact: string, version: string) =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId>` +
    `<version>${version}</version></dependency>`;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<project xmlns="http://maven.apache.org/POM/4.0.0">`,
    `  <modelVersion>4.0.0</modelVersion>`,
    `  <groupId>local.pinterest-pipeline</groupId>`,
    `  <artifactId>kafka-broker-jars</artifactId>`,
    `  <version>${KAFKA_VERSION}</version>`,
    `  <packaging>pom</packaging>`,
    `  <dependencies>`,
    dep("org.apache.kafka", `kafka_${KAFKA_SCALA_VERSION}`, KAFKA_VERSION),
    dep("org.apache.kafka", "kafka-server", KAFKA_VERSION),
    dep("org.apache.kafka", "kafka-metadata", KAFKA_VERSION),
    dep("org.apache.kafka", "kafka-raft", KAFKA_VERSION),
    dep("org.slf4j", "slf4j-reload4j", "1.7.36"),
    `  </dependencies>`,
    `</project>`,
    ``,
  ].join("\n");
}

/**
 * Returns the `libs/` folder holding the broker's jars, running Maven first when they are
 * missing (about 10 s and 46 MB once; later calls only check a marker file). Processes
 * filling one cache at once wait for the first, which fetches for all.
 *
 * @example
 * ```ts
 * import { ensureKafkaJars } from "./kafka_jars.ts";
 * const libs = await ensureKafkaJars();
 * console.log(`java -cp "${libs}/*" kafka.Kafka server.properties`);
 * ```
 */
export async function ensureKafkaJars(
  options: EnsureKafkaJarsOptions = {},
): Promise<string> {
  const cacheDir = options.cacheDir ?? DEFAULT_KAFKA_CACHE_DIR;
  const logger = options.logger ?? silentLogger;
  const libs = `${cacheDir}/libs`;
  const marker = `${libs}/.complete-${KAFKA_VERSION}`;
  if (await exists(marker)) return libs;
  await Deno.mkdir(cacheDir, { recursive: true });
  // Processes filling one cache at once (parallel tests, two `services up`) take turns:
  // without the lock one removed `libs/` while another's Maven copied into it or its broker
  // read from it. The kernel drops the lock if its holder dies.
  using lock = await Deno.open(`${cacheDir}/.fetch.lock`, {
    create: true,
    write: true,
  });
  await lock.lock(true);
  if (await exists(marker)) return libs;
  await Deno.writeTextFile(`${cacheDir}/pom.xml`, kafkaPom());
  await Deno.remove(libs, { recursive: true }).catch(() => {});
  logger.info("fetching the Kafka broker jars from Maven Central", {
    version: KAFKA_VERSION,
    into: libs,
  });
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("mvn", {
      args: [
        "-q",
        "-B",
        "-f",
        `${cacheDir}/pom.xml`,
        "dependency:copy-dependencies",
        `-DoutputDirectory=${libs}`,
        "-DincludeScope=runtime",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (e) {
    throw new BackendError(
      "kafka",
      "Maven (mvn) is not installed; install it with `apt-get install maven openjdk-17-jre-headless`",
      { cause: e },
    );
  }
  if (!out.success) {
    const text = new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
    throw new BackendError(
      "kafka",
      `mvn could not fetch the Kafka ${KAFKA_VERSION} jars (see ${cacheDir}/pom.xml): ${
        text.slice(-800)
      }`,
      { context: { cacheDir } },
    );
  }
  await Deno.writeTextFile(marker, new Date().toISOString() + "\n");
  return libs;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
