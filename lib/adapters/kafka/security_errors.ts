/**
 * What a TLS or SASL failure of the Kafka client means, said as the setting to change: a
 * wrong password, a certificate not trusted, a mechanism the listener does not enable, TLS
 * (or none) where the listener expects none (or TLS). kafkajs reports most of these as a
 * connection error, which read "no Kafka broker answered".
 *
 * @module
 */
import type { KafkaClientOptions } from "./kafkajs.ts";

/**
 * How the client connects, for messages: TLS on or off, the SASL mechanism and user. Never
 * the password.
 *
 * @example
 * ```ts
 * import { type KafkaSecurityContext, kafkaSecurityContext } from "./security_errors.ts";
 * const ctx: KafkaSecurityContext = kafkaSecurityContext({
 *   brokers: ["b-1:9096"], ssl: true, sasl: { mechanism: "scram-sha-512", username: "u", password: "p" },
 * });
 * console.log(ctx); // { ssl: true, mechanism: "scram-sha-512", username: "u" }
 * ```
 */
export interface KafkaSecurityContext {
  ssl: boolean;
  mechanism?: string;
  username?: string;
}

/**
 * The {@linkcode KafkaSecurityContext} of client options (the password left out).
 *
 * @example
 * ```ts
 * import { kafkaSecurityContext } from "./security_errors.ts";
 * console.log(kafkaSecurityContext({ brokers: ["127.0.0.1:9092"] })); // { ssl: false }
 * ```
 */
export function kafkaSecurityContext(
  options: KafkaClientOptions,
): KafkaSecurityContext {
  const ctx: KafkaSecurityContext = { ssl: Boolean(options.ssl) };
  if (options.sasl) {
    ctx.mechanism = options.sasl.mechanism;
    ctx.username = options.sasl.username;
  }
  return ctx;
}

const MSK_PORTS =
  "on MSK: 9092 plaintext, 9094 TLS, 9096 TLS with SASL/SCRAM; from outside the VPC, 9194 TLS, 9196 TLS with SASL/SCRAM";

/** Messages of TLS certificate checks (Node's and rustls' wordings). */
const CERTIFICATE =
  /certificate|self[- ]signed|unable to verify|UnknownIssuer/i;

/**
 * The hint for a failure of TLS or SASL (`types`: the kafkajs error names and protocol
 * types; `detail`: its message), or `undefined` when it is none of those.
 *
 * @example
 * ```ts
 * import { securityHint } from "./security_errors.ts";
 * const hint = securityHint(["KafkaJSSASLAuthenticationError"], "SASL SCRAM SHA512 authentication failed", {
 *   op: "connect", brokers: ["b-1:9096"], security: { ssl: true, mechanism: "scram-sha-512", username: "u" },
 * });
 * console.log(hint);
 * // authentication failed at b-1:9096 as user "u" (scram-sha-512); check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD
 * ```
 */
export function securityHint(
  types: string[],
  detail: string,
  ctx: { op: string; brokers: string[]; security?: KafkaSecurityContext },
): string | undefined {
  const where = ctx.brokers.join(",");
  const security = ctx.security;
  if (types.includes("KafkaJSSASLAuthenticationError")) {
    const who = security?.username === undefined
      ? ""
      : ` as user "${security.username}" (${security.mechanism})`;
    return `authentication failed at ${where}${who}; check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`;
  }
  if (types.includes("UNSUPPORTED_SASL_MECHANISM")) {
    return `the broker at ${where} does not enable SASL mechanism ${
      security?.mechanism ?? "asked for"
    } on this listener; set KAFKA_SASL_MECHANISM to one it enables`;
  }
  if (types.includes("ILLEGAL_SASL_STATE")) {
    return `the listener at ${where} takes no SASL; unset KAFKA_SASL_MECHANISM, or use the broker's SASL port (${MSK_PORTS})`;
  }
  if (/altnames|hostname/i.test(detail) && CERTIFICATE.test(detail)) {
    return `the TLS certificate of the broker at ${where} is not for the host name it was reached by; name the brokers in KAFKA_BROKERS as the certificate does`;
  }
  if (CERTIFICATE.test(detail)) {
    return `the broker at ${where} presented a TLS certificate this client does not trust; set KAFKA_SSL_CA to the PEM file of the CA that signed it (unset, the CAs Deno trusts are used)`;
  }
  if (security?.ssl && /secure TLS connection/i.test(detail)) {
    return `the broker at ${where} dropped the TLS handshake, as a listener without TLS does; set KAFKA_SSL=false for it, or use its TLS port (${MSK_PORTS})`;
  }
  if (
    ctx.op === "connect" && security !== undefined &&
    types.includes("KafkaJSConnectionClosedError") &&
    !types.includes("KafkaJSConnectionError")
  ) {
    return `the broker at ${where} closed the connection (TLS ${
      security.ssl ? "on" : "off"
    }, SASL ${
      security.mechanism ?? "none"
    }); if it is running, check that KAFKA_SSL and KAFKA_SASL_MECHANISM match its listener (${MSK_PORTS})`;
  }
  return undefined;
}
