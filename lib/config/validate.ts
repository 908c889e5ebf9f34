/**
 * The checks of a loaded configuration's values (`loadConfig` runs them at start).
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { checkKafkaSecurity } from "./kafka_security.ts";
import { LOCAL_ENDPOINTS } from "./local_endpoints.ts";
import type { PipelineConfig } from "./settings.ts";
import { checkUrl, withoutPassword } from "./url_setting.ts";

/**
 * Throws a `ConfigError` naming the setting when a value of `config` cannot work: a MySQL
 * source that is not a `mysql://` URL, an endpoint that is not http(s), a broker that is not
 * `host:port`, a bucket name S3 refuses, Kafka TLS and SASL settings that do not go together
 * (see `kafka_security.ts`). Settings left unset are refused later, by the
 * backend that needs them (`runtime.ts`).
 *
 * @example
 * ```ts
 * import { loadConfig } from "./settings.ts";
 * import { validateConfig } from "./validate.ts";
 * const config = loadConfig({ profile: "local" }, { env: {} });
 * validateConfig(config); // the local stack's defaults pass
 * ```
 */
export function validateConfig(config: PipelineConfig): void {
  // A URL parser reads `mysql:/host/db` as a URL with a path; the source would take it for a file.
  if (/^(mysql|mariadb):(?!\/\/)/i.test(config.sourceUrl)) {
    throw new ConfigError(
      "SOURCE_URL (--source)",
      `a MySQL source is a mysql:// URL, e.g. ${LOCAL_ENDPOINTS.mysql}`,
      { value: withoutPassword(config.sourceUrl) },
    );
  }
  if (config.sourceUrl.includes("://")) {
    checkUrl("SOURCE_URL (--source)", {
      value: config.sourceUrl,
      protocols: ["mysql:"],
      example: LOCAL_ENDPOINTS.mysql,
    });
  }
  // Unused there: a value left in the shell for another tool must not stop the embedded tasks.
  if (config.profile === "embedded") return; // no Kafka, no Kinesis, no S3
  // What the AWS SDK takes (a host name label); it throws its own error for anything else.
  if (!/^(?!-)(?!.*-$)[A-Za-z0-9-]{1,63}$/.test(config.awsRegion)) {
    throw new ConfigError(
      "AWS_REGION",
      "must be a region name such as us-east-1: 1-63 letters, digits or '-', '-' neither first nor last (unset, us-east-1)",
      { value: config.awsRegion },
    );
  }
  checkUrl("KINESIS_ENDPOINT", {
    value: config.kinesisEndpoint,
    protocols: ["http:", "https:"],
    example: LOCAL_ENDPOINTS.kinesis,
  });
  checkUrl("S3_ENDPOINT", {
    value: config.s3Endpoint,
    protocols: ["http:", "https:"],
    example: LOCAL_ENDPOINTS.s3,
  });
  // A setting left unset that a backend needs is refused when it is opened (`runtime.ts`).
  for (const broker of config.kafkaBrokers) {
    if (!/^[^\s:/]+:\d{1,5}$/.test(broker)) {
      // kafkajs splits a broker at ':' (no brackets): an IPv6 address cannot be given.
      const ipv6 = broker.startsWith("[") || broker.split(":").length > 2;
      throw new ConfigError(
        "KAFKA_BROKERS",
        "each broker is host:port" +
          (ipv6
            ? ", and the Kafka client takes no IPv6 address; give a host name that resolves to it (an /etc/hosts line, say)"
            : ""),
        { value: broker },
      );
    }
    const port = Number(broker.slice(broker.lastIndexOf(":") + 1));
    if (port < 1 || port > 65535) {
      throw new ConfigError("KAFKA_BROKERS", "the port must be 1-65535", {
        value: broker,
      });
    }
  }
  checkKafkaSecurity(config);
  if (
    config.s3Bucket !== "" &&
    !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(config.s3Bucket)
  ) {
    throw new ConfigError(
      "S3_BUCKET",
      "3-63 lowercase letters, digits, '.' or '-'",
      { value: config.s3Bucket },
    );
  }
}
