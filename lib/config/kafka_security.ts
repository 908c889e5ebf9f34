/**
 * The Kafka client's TLS and SASL settings (`KAFKA_SSL`, `KAFKA_SSL_CA`,
 * `KAFKA_SASL_MECHANISM`, `KAFKA_SASL_USERNAME`, `KAFKA_SASL_PASSWORD`): read and checked at
 * start, turned into the client's options (the CA file read) when Kafka is opened. The
 * password is never shown: errors name the user only.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import type { PipelineConfig, Profile } from "./settings.ts";

/**
 * The SASL mechanisms the Kafka client speaks with a user name and a password.
 *
 * @example
 * ```ts
 * import { KAFKA_SASL_MECHANISMS, type KafkaSaslMechanism } from "./kafka_security.ts";
 * const msk: KafkaSaslMechanism = "scram-sha-512"; // MSK's SASL/SCRAM, port 9096
 * console.log(KAFKA_SASL_MECHANISMS.includes(msk)); // true
 * ```
 */
export type KafkaSaslMechanism = "plain" | "scram-sha-256" | "scram-sha-512";

/**
 * {@linkcode KafkaSaslMechanism}'s values, in the order messages list them.
 *
 * @example
 * ```ts
 * import { KAFKA_SASL_MECHANISMS } from "./kafka_security.ts";
 * console.log(KAFKA_SASL_MECHANISMS.join(", ")); // plain, scram-sha-256, scram-sha-512
 * ```
 */
export const KAFKA_SASL_MECHANISMS: readonly KafkaSaslMechanism[] = [
  "plain",
  "scram-sha-256",
  "scram-sha-512",
];

const MECHANISMS_TEXT = "plain, scram-sha-256 or scram-sha-512";

/**
 * The settings' texts as {@linkcode readKafkaSecurity} takes them (unset: the profile's
 * default, `""` when it has none).
 *
 * @example
 * ```ts
 * import { type KafkaSecurityTexts, readKafkaSecurity } from "./kafka_security.ts";
 * const texts: KafkaSecurityTexts = { ssl: "true", sslDefault: "true", ca: "", mechanism: "", username: "", password: "" };
 * console.log(readKafkaSecurity("aws", texts).kafkaSsl); // true
 * ```
 */
export interface KafkaSecurityTexts {
  ssl: string;
  /** The profile's `KAFKA_SSL` default, for the message refusing another value. */
  sslDefault: string;
  ca: string;
  mechanism: string;
  username: string;
  /** As given: a password is not trimmed. */
  password: string;
}

/**
 * The Kafka security fields of a `PipelineConfig`.
 *
 * @example
 * ```ts
 * import { type KafkaSecurity, readKafkaSecurity } from "./kafka_security.ts";
 * const texts = { ssl: "false", sslDefault: "false", ca: "", mechanism: "", username: "", password: "" };
 * const security: KafkaSecurity = readKafkaSecurity("local", texts);
 * console.log(security.kafkaSaslMechanism === ""); // true: no SASL
 * ```
 */
export type KafkaSecurity = Pick<
  PipelineConfig,
  | "kafkaSsl"
  | "kafkaSslCa"
  | "kafkaSaslMechanism"
  | "kafkaSaslUsername"
  | "kafkaSaslPassword"
>;

/**
 * Parses the settings' texts: `KAFKA_SSL` must be `true` or `false`, `KAFKA_SASL_MECHANISM`
 * one of {@linkcode KAFKA_SASL_MECHANISMS} (any case) or empty, else a `ConfigError` naming
 * the variable. The embedded profile has no Kafka: there a value that cannot be read is taken
 * as unset, not refused.
 *
 * @example
 * ```ts
 * import { readKafkaSecurity } from "./kafka_security.ts";
 * const texts = { ssl: "TRUE", sslDefault: "false", ca: "", mechanism: "SCRAM-SHA-512", username: "u", password: "p" };
 * console.log(readKafkaSecurity("local", texts).kafkaSaslMechanism); // scram-sha-512
 * ```
 */
export function readKafkaSecurity(
  profile: Profile,
  texts: KafkaSecurityTexts,
): KafkaSecurity {
  const strict = profile !== "embedded";
  const ssl = texts.ssl.toLowerCase();
  if (strict && ssl !== "true" && ssl !== "false") {
    throw new ConfigError(
      "KAFKA_SSL",
      `must be true or false (unset, the ${profile} profile takes ${texts.sslDefault})`,
      { value: texts.ssl },
    );
  }
  const mechanism = texts.mechanism.toLowerCase();
  const known = (KAFKA_SASL_MECHANISMS as string[]).includes(mechanism);
  if (strict && mechanism !== "" && !known) {
    throw new ConfigError(
      "KAFKA_SASL_MECHANISM",
      `must be ${MECHANISMS_TEXT} (unset, no SASL)`,
      { value: texts.mechanism },
    );
  }
  return {
    kafkaSsl: ssl === "true",
    kafkaSslCa: texts.ca,
    kafkaSaslMechanism: known ? mechanism as KafkaSaslMechanism : "",
    kafkaSaslUsername: texts.username,
    kafkaSaslPassword: texts.password,
  };
}

/**
 * Throws a `ConfigError` for settings that do not go together: a mechanism without a user
 * name or password, a user name or password without a mechanism, a CA without TLS. The
 * password is never the value shown. `validateConfig` runs it for the profiles with Kafka.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./settings.ts";
 * import { checkKafkaSecurity } from "./kafka_security.ts";
 * checkKafkaSecurity(loadConfig({ profile: "aws" }, { env: {} })); // TLS, no SASL: fine
 * ```
 */
export function checkKafkaSecurity(config: KafkaSecurity): void {
  const mechanism = config.kafkaSaslMechanism;
  const user = config.kafkaSaslUsername;
  if (mechanism !== "" && user === "") {
    throw new ConfigError(
      "KAFKA_SASL_USERNAME",
      `required when KAFKA_SASL_MECHANISM is set (${mechanism})`,
      { value: "" },
    );
  }
  if (mechanism !== "" && config.kafkaSaslPassword === "") {
    throw new ConfigError(
      "KAFKA_SASL_PASSWORD",
      `required when KAFKA_SASL_MECHANISM is set (${mechanism}, user "${user}")`,
    );
  }
  if (mechanism === "" && (user !== "" || config.kafkaSaslPassword !== "")) {
    throw new ConfigError(
      "KAFKA_SASL_MECHANISM",
      `required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set: ${MECHANISMS_TEXT}`,
      { value: "" },
    );
  }
  if (config.kafkaSslCa !== "" && !config.kafkaSsl) {
    throw new ConfigError(
      "KAFKA_SSL_CA",
      "set, but KAFKA_SSL is false; set KAFKA_SSL=true to use it, or unset KAFKA_SSL_CA",
      { value: config.kafkaSslCa },
    );
  }
}

/**
 * What the Kafka client takes (the adapter's `ssl` and `sasl` options).
 *
 * @example
 * ```ts
 * import type { KafkaClientSecurity } from "./kafka_security.ts";
 * const security: KafkaClientSecurity = { ssl: true, sasl: { mechanism: "plain", username: "u", password: "p" } };
 * console.log(security.ssl); // true
 * ```
 */
export interface KafkaClientSecurity {
  /** TLS: off, on with the CAs Deno trusts, or on trusting only `ca` (PEM). */
  ssl: boolean | { ca: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

const NOT_A_CA = "give the path of a PEM file of CA certificates";

/**
 * The client options of `config`, reading `KAFKA_SSL_CA`; a file missing, unreadable or
 * holding no PEM certificate is a `ConfigError` naming `KAFKA_SSL_CA`.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./settings.ts";
 * import { kafkaClientSecurity } from "./kafka_security.ts";
 * const security = await kafkaClientSecurity(loadConfig({ profile: "aws" }, { env: {} }));
 * console.log(security); // { ssl: true }
 * ```
 */
export async function kafkaClientSecurity(
  config: KafkaSecurity,
): Promise<KafkaClientSecurity> {
  const out: KafkaClientSecurity = { ssl: config.kafkaSsl };
  const path = config.kafkaSslCa;
  if (config.kafkaSsl && path !== "") {
    let ca: string;
    try {
      ca = await Deno.readTextFile(path);
    } catch (cause) {
      const why = cause instanceof Deno.errors.NotFound
        ? "no such file"
        : `cannot read it (${(cause as Error).message})`;
      throw new ConfigError("KAFKA_SSL_CA", `${why}; ${NOT_A_CA}`, {
        value: path,
        cause,
      });
    }
    if (!ca.includes("-----BEGIN CERTIFICATE-----")) {
      throw new ConfigError(
        "KAFKA_SSL_CA",
        `holds no PEM certificate (-----BEGIN CERTIFICATE-----); ${NOT_A_CA}`,
        { value: path },
      );
    }
    out.ssl = { ca };
  }
  if (config.kafkaSaslMechanism !== "") {
    out.sasl = {
      mechanism: config.kafkaSaslMechanism,
      username: config.kafkaSaslUsername,
      password: config.kafkaSaslPassword,
    };
  }
  return out;
}
