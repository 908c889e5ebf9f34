/**
 * Pipeline settings: a profile (`embedded`, `local`, `aws`) plus explicit overrides from
 * command-line flags and environment variables, validated at start.
 *
 * Precedence: flag > environment variable > profile default. Every setting, its variable and
 * its defaults are listed in {@linkcode SETTINGS_TABLE}; a test checks that the README's
 * configuration table says the same.
 *
 * @module
 */
import { awsRegionFromEnv } from "./aws_region.ts";
import { ConfigError } from "../errors.ts";
import { parseApiKeys } from "./api_keys.ts";
import {
  type KafkaSaslMechanism,
  readKafkaSecurity,
} from "./kafka_security.ts";
import { LOCAL_ENDPOINTS } from "./local_endpoints.ts";
import { validateConfig } from "./validate.ts";

export { LOCAL_ENDPOINTS };

/**
 * The three tiers.
 *
 * @example
 * ```ts
 * import { loadConfig, type Profile } from "./settings.ts";
 * const profile: Profile = "local";
 * console.log(loadConfig({ profile }, { env: {} }).kafkaBrokers); // ["127.0.0.1:9092"]
 * ```
 */
export type Profile = "embedded" | "local" | "aws";

/**
 * The profiles, in the order they are documented.
 *
 * @example
 * ```ts
 * import { PROFILES } from "./settings.ts";
 * console.log(PROFILES.join(", ")); // embedded, local, aws
 * ```
 */
export const PROFILES: readonly Profile[] = ["embedded", "local", "aws"];

/**
 * Resolved, validated settings.
 *
 * @example
 * ```ts
 * import { loadConfig, type PipelineConfig } from "./settings.ts";
 * const config: PipelineConfig = loadConfig({ profile: "aws" }, { env: { S3_BUCKET: "my-lake", AWS_REGION: "eu-west-1" } });
 * console.log(config.s3Bucket, config.awsRegion, config.s3Endpoint === ""); // my-lake eu-west-1 true
 * ```
 */
export interface PipelineConfig {
  profile: Profile;
  /** Root of generated data (`DATA_DIR`). */
  dataDir: string;
  /** Topic and stream prefix (`PIPELINE_PREFIX`): topics `{prefix}.pin`, streams `streaming-{prefix}-pin`. */
  prefix: string;
  /** Source rows: a SQLite path or a `mysql://` URL (`SOURCE_URL`); empty when unset (aws). */
  sourceUrl: string;
  /** Kafka bootstrap brokers (`KAFKA_BROKERS`); used by `local` and `aws`. */
  kafkaBrokers: string[];
  /** TLS to the brokers (`KAFKA_SSL`): off on embedded and local, on for aws (MSK's default). */
  kafkaSsl: boolean;
  /** PEM file of the CAs trusted for the brokers (`KAFKA_SSL_CA`); empty = the CAs Deno trusts. */
  kafkaSslCa: string;
  /** SASL mechanism (`KAFKA_SASL_MECHANISM`); empty = no SASL. */
  kafkaSaslMechanism: KafkaSaslMechanism | "";
  /** SASL user (`KAFKA_SASL_USERNAME`). */
  kafkaSaslUsername: string;
  /** SASL password (`KAFKA_SASL_PASSWORD`), as given; never shown in errors or logs. */
  kafkaSaslPassword: string;
  /** Kinesis endpoint (`KINESIS_ENDPOINT`); empty means the AWS default for the region. */
  kinesisEndpoint: string;
  /** S3 endpoint (`S3_ENDPOINT`); empty means the AWS default for the region. */
  s3Endpoint: string;
  /** Bucket of the lake (`S3_BUCKET`); used by `local` and `aws`. */
  s3Bucket: string;
  /** AWS region (`AWS_REGION`). */
  awsRegion: string;
  /** Keys the gateway accepts in `x-api-key` (`GATEWAY_API_KEYS`, comma-separated); none = open. */
  apiKeys: string[];
}

/**
 * Flags a CLI passes to {@linkcode loadConfig}; each overrides its environment variable.
 *
 * @example
 * ```ts
 * import { type ConfigFlags, loadConfig } from "./settings.ts";
 * const flags: ConfigFlags = { prefix: "demo", source: "/tmp/source.db" };
 * const config = loadConfig(flags, { env: { PIPELINE_PREFIX: "ignored" } });
 * console.log(config.prefix, config.sourceUrl); // demo /tmp/source.db
 * ```
 */
export interface ConfigFlags {
  profile?: string;
  dataDir?: string;
  prefix?: string;
  source?: string;
}

/**
 * Options of {@linkcode loadConfig}.
 *
 * @example
 * ```ts
 * import { loadConfig, type LoadConfigOptions } from "./settings.ts";
 * const options: LoadConfigOptions = { env: { DATA_DIR: "/srv/pipeline" } };
 * console.log(loadConfig({}, options).sourceUrl); // /srv/pipeline/source.db
 * ```
 */
export interface LoadConfigOptions {
  /** Environment to read (default: `Deno.env.toObject()`). */
  env?: Record<string, string | undefined>;
}

/**
 * One row of the configuration table: setting, variable, flag, defaults per profile.
 *
 * @example
 * ```ts
 * import { type SettingRow, SETTINGS_TABLE } from "./settings.ts";
 * const row: SettingRow = SETTINGS_TABLE.find((r) => r.setting === "s3Bucket")!;
 * console.log(row.env, row.defaults.local); // S3_BUCKET pinterest-lake
 * ```
 */
export interface SettingRow {
  setting: keyof PipelineConfig;
  env: string;
  flag?: string;
  defaults: Record<Profile, string>;
  description: string;
}

/**
 * Every setting with its variable, flag and per-profile default (`""` = none / required).
 *
 * @example
 * ```ts
 * import { SETTINGS_TABLE } from "./settings.ts";
 * for (const row of SETTINGS_TABLE) console.log(row.env, row.defaults.embedded);
 * ```
 */
export const SETTINGS_TABLE: readonly SettingRow[] = [
  row("profile", {
    env: "PIPELINE_PROFILE",
    flag: "--profile",
    defaults: ["embedded", "local", "aws"],
    description: "Which tier runs",
  }),
  row("dataDir", {
    env: "DATA_DIR",
    flag: "--data-dir",
    defaults: [".data", ".data", ".data"],
    description: "Generated data root",
  }),
  row("prefix", {
    env: "PIPELINE_PREFIX",
    flag: "--prefix",
    defaults: ["pinterest", "pinterest", "pinterest"],
    description: "Topic/stream prefix",
  }),
  row("sourceUrl", {
    env: "SOURCE_URL",
    flag: "--source",
    defaults: ["{dataDir}/source.db", LOCAL_ENDPOINTS.mysql, ""],
    description: "Source rows: SQLite path or mysql:// URL",
  }),
  row("kafkaBrokers", {
    env: "KAFKA_BROKERS",
    defaults: ["", LOCAL_ENDPOINTS.kafka, ""],
    description: "Kafka bootstrap brokers, comma-separated",
  }),
  row("kafkaSsl", {
    env: "KAFKA_SSL",
    defaults: ["false", "false", "true"],
    description: "TLS to the Kafka brokers: true or false",
  }),
  row("kafkaSslCa", {
    env: "KAFKA_SSL_CA",
    defaults: ["", "", ""],
    description: "PEM file of the CAs trusted for the brokers' certificates",
  }),
  row("kafkaSaslMechanism", {
    env: "KAFKA_SASL_MECHANISM",
    defaults: ["", "", ""],
    description: "SASL: plain, scram-sha-256 or scram-sha-512; unset = none",
  }),
  row("kafkaSaslUsername", {
    env: "KAFKA_SASL_USERNAME",
    defaults: ["", "", ""],
    description: "SASL user",
  }),
  row("kafkaSaslPassword", {
    env: "KAFKA_SASL_PASSWORD",
    defaults: ["", "", ""],
    description: "SASL password (never shown)",
  }),
  row("kinesisEndpoint", {
    env: "KINESIS_ENDPOINT",
    defaults: ["", LOCAL_ENDPOINTS.kinesis, "(AWS default)"],
    description: "Kinesis endpoint URL",
  }),
  row("s3Endpoint", {
    env: "S3_ENDPOINT",
    defaults: ["", LOCAL_ENDPOINTS.s3, "(AWS default)"],
    description: "S3 endpoint URL (path-style when set)",
  }),
  row("s3Bucket", {
    env: "S3_BUCKET",
    defaults: ["", "pinterest-lake", ""],
    description: "Bucket of the lake",
  }),
  row("awsRegion", {
    env: "AWS_REGION",
    defaults: ["us-east-1", "us-east-1", "us-east-1"],
    description: "AWS region",
  }),
  row("apiKeys", {
    env: "GATEWAY_API_KEYS",
    defaults: ["", "", ""],
    description:
      "Accepted x-api-key values, comma-separated; empty = no key needed",
  }),
];

/** A row of the table: the profiles' defaults given in the order embedded, local, aws. */
function row(
  setting: keyof PipelineConfig,
  spec: {
    env: string;
    flag?: string;
    defaults: [string, string, string];
    description: string;
  },
): SettingRow {
  const { env, flag, defaults: [embedded, local, aws], description } = spec;
  return {
    setting,
    env,
    flag,
    defaults: { embedded, local, aws },
    description,
  };
}

function tableRow(setting: keyof PipelineConfig): SettingRow {
  return SETTINGS_TABLE.find((s) => s.setting === setting)!;
}

function list(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * Resolves and validates the settings. Throws {@linkcode ConfigError} naming the bad setting.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./settings.ts";
 * const config = loadConfig({ profile: "embedded", dataDir: "/tmp/demo" }, { env: {} });
 * console.log(config.sourceUrl); // /tmp/demo/source.db
 * ```
 */
export function loadConfig(
  flags: ConfigFlags = {},
  options: LoadConfigOptions = {},
): PipelineConfig {
  const env = options.env ?? Deno.env.toObject();
  const profileText = flags.profile ?? env.PIPELINE_PROFILE ?? "embedded";
  if (!(PROFILES as string[]).includes(profileText)) {
    throw new ConfigError(
      "PIPELINE_PROFILE (--profile)",
      `must be one of ${PROFILES.join(", ")}`,
      { value: profileText },
    );
  }
  const profile = profileText as Profile;
  const pick = (setting: keyof PipelineConfig, flag?: string): string => {
    const r = SETTINGS_TABLE.find((s) => s.setting === setting)!;
    return (flag ?? env[r.env] ??
      r.defaults[profile].replace(/^\(AWS default\)$/, "")).trim();
  };
  const dataDir = pick("dataDir", flags.dataDir);
  if (dataDir === "") {
    throw new ConfigError("DATA_DIR (--data-dir)", "must not be empty", {
      value: dataDir,
    });
  }
  const prefix = pick("prefix", flags.prefix);
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(prefix)) {
    throw new ConfigError(
      "PIPELINE_PREFIX (--prefix)",
      "use 1-100 letters, digits, '_' or '-'",
      { value: prefix },
    );
  }
  // A function: '$$', '$&' in a path are patterns in a replacement string.
  const sourceUrl = pick("sourceUrl", flags.source).replace(
    "{dataDir}",
    () => dataDir,
  );
  const sourceDefault = SETTINGS_TABLE.find((s) => s.setting === "sourceUrl")!
    .defaults[profile].replace("{dataDir}", () => dataDir);
  // Set but empty: the aws profile's unset source would be refused later, as required there.
  if (sourceUrl === "" && sourceDefault !== "") {
    throw new ConfigError(
      "SOURCE_URL (--source)",
      `must not be empty: a SQLite path or a mysql:// URL (unset, the ${profile} profile takes ${sourceDefault})`,
      { value: sourceUrl },
    );
  }
  const config: PipelineConfig = {
    profile,
    dataDir,
    prefix,
    sourceUrl,
    kafkaBrokers: list(pick("kafkaBrokers")),
    ...readKafkaSecurity(profile, {
      ssl: pick("kafkaSsl"),
      sslDefault: tableRow("kafkaSsl").defaults[profile],
      ca: pick("kafkaSslCa"),
      mechanism: pick("kafkaSaslMechanism"),
      username: pick("kafkaSaslUsername"),
      password: env.KAFKA_SASL_PASSWORD ?? "",
    }),
    kinesisEndpoint: pick("kinesisEndpoint"),
    s3Endpoint: pick("s3Endpoint"),
    s3Bucket: pick("s3Bucket"),
    // On AWS, also where the AWS CLI keeps it; the local servers' streams are in AWS_REGION
    // or the default, whatever the user's AWS config says.
    awsRegion: profile === "aws" && env.AWS_REGION === undefined
      ? awsRegionFromEnv(env) ?? pick("awsRegion")
      : pick("awsRegion"),
    apiKeys: parseApiKeys(env.GATEWAY_API_KEYS),
  };
  refuseBlank(config, env);
  validateConfig(config);
  return config;
}

/** The settings of the services a profile reaches, which a blank value must not turn off. */
const SERVICE_SETTINGS: readonly (
  "kafkaBrokers" | "kinesisEndpoint" | "s3Endpoint" | "s3Bucket"
)[] = [
  "kafkaBrokers",
  "kinesisEndpoint",
  "s3Endpoint",
  "s3Bucket",
];

/**
 * Throws a `ConfigError` for a service setting set blank where the profile has a default (the
 * local stack's): blank, an endpoint would be the real AWS one of the region.
 */
function refuseBlank(
  config: PipelineConfig,
  env: Record<string, string | undefined>,
): void {
  for (const setting of SERVICE_SETTINGS) {
    const r = SETTINGS_TABLE.find((s) => s.setting === setting)!;
    const fallback = r.defaults[config.profile].replace(
      /^\(AWS default\)$/,
      "",
    );
    const value = env[r.env];
    if (value === undefined || fallback === "" || config[setting].length > 0) {
      continue;
    }
    throw new ConfigError(
      r.env,
      `must not be empty (unset, the ${config.profile} profile takes ${fallback})`,
      { value: value.trim() },
    );
  }
}
