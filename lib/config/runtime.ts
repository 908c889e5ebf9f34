/**
 * Opens the backends of a profile behind the shared interfaces: one table maps each profile
 * to its opener, so stages never branch on the tier.
 *
 * - `embedded`: one SQLite log file (`{dataDir}/log.db`) for topics and streams, the lake in
 *   `{dataDir}/lake`.
 * - `local` and `aws`: Kafka (kafkajs), Kinesis and S3 adapters; only the endpoints differ.
 *
 * SDK modules are imported on demand, so the embedded tier never loads kafkajs or the AWS SDK.
 *
 * @module
 */
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import type { ObjectStore } from "../lake/types.ts";
import type { StreamLog, TopicLog } from "../log/types.ts";
import type { SourceReader } from "../source/types.ts";
import type { PipelineConfig, Profile } from "./settings.ts";

/** The opened backends of one profile. */
export interface Runtime {
  config: PipelineConfig;
  topics: TopicLog;
  streams: StreamLog;
  lake: ObjectStore;
  /** Closes every backend; safe to call twice. */
  close(): Promise<void>;
}

/** Where each stage keeps its files below `dataDir`. */
export interface DataPaths {
  /** The embedded source tables (SQLite). */
  source: string;
  /** The embedded log (SQLite) of topics and streams. */
  log: string;
  /** The embedded lake (a directory object store). */
  lake: string;
  /** The batch tables (Parquet). */
  warehouse: string;
  /** The stream tables and their checkpoint (Parquet + JSON). */
  stream: string;
  /** The HTML report. */
  report: string;
}

/**
 * The files and folders of every stage below `dataDir`; the single place that names them.
 *
 * @example
 * ```ts
 * import { dataPaths } from "./runtime.ts";
 * console.log(dataPaths(".data").warehouse); // .data/warehouse
 * ```
 */
export function dataPaths(dataDir: string): DataPaths {
  return {
    source: join(dataDir, "source.db"),
    log: join(dataDir, "log.db"),
    lake: join(dataDir, "lake"),
    warehouse: join(dataDir, "warehouse"),
    stream: join(dataDir, "stream"),
    report: join(dataDir, "report.html"),
  };
}

type Opener = (config: PipelineConfig) => Promise<Runtime>;

async function openEmbedded(config: PipelineConfig): Promise<Runtime> {
  const { openEmbeddedLog } = await import("../log/mod.ts");
  await Deno.mkdir(config.dataDir, { recursive: true });
  const log = await openEmbeddedLog(dataPaths(config.dataDir).log);
  return {
    config,
    topics: log.topics,
    streams: log.streams,
    lake: await openLake(config),
    close: once(() => log.close()),
  };
}

async function openServices(config: PipelineConfig): Promise<Runtime> {
  const { openKafkaLog } = await import("../adapters/kafka/mod.ts");
  const { openKinesisLog } = await import("../adapters/kinesis/mod.ts");
  const topics = await openKafkaLog({ brokers: config.kafkaBrokers });
  try {
    const streams = await openKinesisLog({
      region: config.awsRegion,
      endpoint: config.kinesisEndpoint || undefined,
    });
    const lake = await openLake(config);
    return {
      config,
      topics,
      streams,
      lake,
      close: once(async () => {
        await Promise.allSettled([topics.close(), streams.close()]);
      }),
    };
  } catch (e) {
    await topics.close();
    throw e;
  }
}

async function openS3Lake(config: PipelineConfig): Promise<ObjectStore> {
  const { openS3Store } = await import("../adapters/s3/mod.ts");
  return await openS3Store({
    region: config.awsRegion,
    endpoint: config.s3Endpoint || undefined,
    bucket: config.s3Bucket,
    forcePathStyle: config.s3Endpoint !== "",
  });
}

async function openDirLake(config: PipelineConfig): Promise<ObjectStore> {
  const { openDirStore } = await import("../lake/mod.ts");
  return openDirStore(dataPaths(config.dataDir).lake);
}

const LAKE_OPENERS: Record<
  Profile,
  (config: PipelineConfig) => Promise<ObjectStore>
> = {
  embedded: openDirLake,
  local: openS3Lake,
  aws: openS3Lake,
};

/**
 * Opens only the lake of `config.profile` (a directory, or an S3 bucket), for stages that
 * need nothing else, such as the batch job.
 *
 * @example
 * ```ts
 * import { loadConfig, openLake } from "./mod.ts";
 * const lake = await openLake(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * console.log(lake.location.endsWith("lake")); // true
 * ```
 */
export function openLake(config: PipelineConfig): Promise<ObjectStore> {
  return LAKE_OPENERS[config.profile](config);
}

const OPENERS: Record<Profile, Opener> = {
  embedded: openEmbedded,
  local: openServices,
  aws: openServices,
};

/**
 * Opens the topics, streams and lake of `config.profile`.
 *
 * @example
 * ```ts
 * import { loadConfig, openRuntime } from "./mod.ts";
 * const runtime = await openRuntime(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * console.log(runtime.lake.location);
 * await runtime.close();
 * ```
 */
export function openRuntime(config: PipelineConfig): Promise<Runtime> {
  return OPENERS[config.profile](config);
}

/**
 * Opens the source rows named by `config.sourceUrl`: a `mysql://` URL or a SQLite path.
 * A missing SQLite file is an error here; `deno task seed` (or `emulate`) writes it. An unset
 * source (the aws profile has no default) is a `ConfigError` naming `SOURCE_URL`.
 *
 * @example
 * ```ts
 * import { loadConfig, openSource } from "./mod.ts";
 * const source = await openSource(loadConfig());
 * console.log(await source.rowCount());
 * await source.close();
 * ```
 */
export async function openSource(
  config: PipelineConfig,
): Promise<SourceReader> {
  if (config.sourceUrl === "") {
    throw new ConfigError(
      "SOURCE_URL (--source)",
      `required for the ${config.profile} profile: mysql://user:pass@host:3306/db`,
      "",
    );
  }
  const { isMysqlUrl, openMysqlSource, openSqliteSource } = await import(
    "../source/mod.ts"
  );
  return isMysqlUrl(config.sourceUrl)
    ? await openMysqlSource(config.sourceUrl)
    : await openSqliteSource(config.sourceUrl);
}

function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
