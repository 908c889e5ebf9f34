/**
 * Opens the backends of a profile one by one, behind the shared interfaces: one table maps
 * each profile to its openers, so stages never branch on the tier.
 *
 * - `embedded`: one SQLite log file (`{dataDir}/log.db`) for topics and streams, the lake in
 *   `{dataDir}/lake`.
 * - `local` and `aws`: Kafka (kafkajs), Kinesis and S3 adapters; only the endpoints differ,
 *   and Kafka's TLS and SASL settings (`kafka_security.ts`; TLS on by default for aws).
 *
 * Each stage opens only the backends it uses (the sink: topics and lake; the stream processor:
 * streams; the batch: the lake; the gateway: topics and streams), so it runs while the others
 * are down or unset. A setting a backend needs that the profile leaves unset (`KAFKA_BROKERS`
 * and `S3_BUCKET` on aws) is refused, by name, when that backend is opened.
 *
 * SDK modules are imported on demand, so the embedded tier never loads kafkajs or the AWS SDK.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { ObjectStore } from "../lake/types.ts";
import type { StreamLog, TopicLog } from "../log/types.ts";
import type { Logger } from "../logger.ts";
import { dataPaths, ensureDataDir } from "./data_paths.ts";
import { kafkaClientSecurity } from "./kafka_security.ts";
import type { PipelineConfig, Profile } from "./settings.ts";

/**
 * Options of the functions that open a profile's logs.
 *
 * @example
 * ```ts
 * import { type OpenLogOptions, openTopicLog } from "./backends.ts";
 * import { loadConfig } from "./settings.ts";
 * import { consoleLogger } from "../logger.ts";
 * const options: OpenLogOptions = { logger: consoleLogger }; // used by Kafka; the embedded log has no warnings
 * const topics = await openTopicLog(loadConfig({ dataDir: await Deno.makeTempDir() }, { env: {} }), options);
 * await topics.close();
 * ```
 */
export interface OpenLogOptions {
  /**
   * Where the Kafka client's warnings go, each distinct one at most every 10 s (a broker
   * that is down, a rebalance); default: nowhere. The embedded log has none.
   */
  logger?: Logger;
}

/**
 * The topic and stream logs of one profile, opened together (one file when embedded).
 *
 * @example
 * ```ts
 * import { type Logs, openLogs } from "./backends.ts";
 * import { loadConfig } from "./settings.ts";
 * const logs: Logs = await openLogs(loadConfig({ dataDir: await Deno.makeTempDir() }, { env: {} }));
 * console.log(await logs.topics.listTopics(), await logs.streams.listStreams()); // [] []
 * await logs.close();
 * ```
 */
export interface Logs {
  topics: TopicLog;
  streams: StreamLog;
  /** Closes both; safe to call twice. */
  close(): Promise<void>;
}

interface LogOpeners {
  topics(config: PipelineConfig, options: OpenLogOptions): Promise<TopicLog>;
  streams(config: PipelineConfig): Promise<StreamLog>;
  both(config: PipelineConfig, options: OpenLogOptions): Promise<Logs>;
}

async function openEmbeddedFile(config: PipelineConfig) {
  const { openEmbeddedLog } = await import("../log/mod.ts");
  await ensureDataDir(config.dataDir);
  return await openEmbeddedLog(dataPaths(config.dataDir).log);
}

/** One half of the embedded log: the other half is released, so closing this one closes the file. */
const EMBEDDED: LogOpeners = {
  async topics(config) {
    const log = await openEmbeddedFile(config);
    await log.streams.close();
    return log.topics;
  },
  async streams(config) {
    const log = await openEmbeddedFile(config);
    await log.topics.close();
    return log.streams;
  },
  async both(config) {
    const log = await openEmbeddedFile(config);
    return {
      topics: log.topics,
      streams: log.streams,
      close: once(() => log.close()),
    };
  },
};

/** A setting the profile leaves unset but the backend being opened needs. */
function required(
  config: PipelineConfig,
  setting: { name: string; value: string | readonly string[]; shape?: string },
) {
  const { value, shape = "" } = setting;
  if (value.length === 0) {
    throw new ConfigError(
      setting.name,
      `required for the ${config.profile} profile${shape}`,
      { value: "" },
    );
  }
}

const SERVICES: LogOpeners = {
  async topics(config, options) {
    required(config, {
      name: "KAFKA_BROKERS",
      value: config.kafkaBrokers,
      shape: ": host:port[,host:port]",
    });
    const security = await kafkaClientSecurity(config);
    const { openKafkaLog } = await import("../adapters/kafka/mod.ts");
    return await openKafkaLog({
      brokers: config.kafkaBrokers,
      ...security,
      logger: options.logger,
    });
  },
  async streams(config) {
    const { openKinesisLog } = await import("../adapters/kinesis/mod.ts");
    return await openKinesisLog({
      region: config.awsRegion,
      endpoint: config.kinesisEndpoint || undefined,
      // An endpoint on the aws profile is AWS's own (VPC, FIPS): the standard credentials.
      localCredentials: config.profile === "local",
    });
  },
  async both(config, options) {
    const topics = await SERVICES.topics(config, options);
    try {
      const streams = await SERVICES.streams(config);
      return {
        topics,
        streams,
        close: once(async () => {
          await Promise.allSettled([topics.close(), streams.close()]);
        }),
      };
    } catch (e) {
      await topics.close();
      throw e;
    }
  },
};

const LOG_OPENERS: Record<Profile, LogOpeners> = {
  embedded: EMBEDDED,
  local: SERVICES,
  aws: SERVICES,
};

async function openS3Lake(config: PipelineConfig): Promise<ObjectStore> {
  required(config, { name: "S3_BUCKET", value: config.s3Bucket });
  const { openS3Store } = await import("../adapters/s3/mod.ts");
  return await openS3Store({
    region: config.awsRegion,
    endpoint: config.s3Endpoint || undefined,
    localCredentials: config.profile === "local",
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

/**
 * Opens only the topics of `config.profile` (the embedded log file, or Kafka), for stages
 * that read or write nothing else, such as the sink. `close()` releases it.
 *
 * @example
 * ```ts
 * import { loadConfig, openTopicLog } from "./mod.ts";
 * const topics = await openTopicLog(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * console.log(await topics.listTopics()); // []
 * await topics.close();
 * ```
 */
export function openTopicLog(
  config: PipelineConfig,
  options: OpenLogOptions = {},
): Promise<TopicLog> {
  return LOG_OPENERS[config.profile].topics(config, options);
}

/**
 * Opens only the streams of `config.profile` (the embedded log file, or Kinesis), for stages
 * that read or write nothing else, such as the stream processor. `close()` releases it.
 *
 * @example
 * ```ts
 * import { loadConfig, openStreamLog } from "./mod.ts";
 * const streams = await openStreamLog(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * console.log(await streams.listStreams()); // []
 * await streams.close();
 * ```
 */
export function openStreamLog(config: PipelineConfig): Promise<StreamLog> {
  return LOG_OPENERS[config.profile].streams(config);
}

/**
 * Opens the topics and the streams of `config.profile` together (the embedded tier shares
 * one log file and one group commit between them), for the gateway.
 *
 * @example
 * ```ts
 * import { loadConfig, openLogs } from "./mod.ts";
 * const logs = await openLogs(loadConfig({ dataDir: await Deno.makeTempDir() }));
 * console.log(await logs.streams.listStreams()); // []
 * await logs.close();
 * ```
 */
export function openLogs(
  config: PipelineConfig,
  options: OpenLogOptions = {},
): Promise<Logs> {
  return LOG_OPENERS[config.profile].both(config, options);
}

function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}
