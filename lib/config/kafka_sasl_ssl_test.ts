/**
 * The aws profile's topics on a broker that only takes TLS with SASL/SCRAM-SHA-512 (MSK's port
 * 9096): a private KRaft broker started here, its certificate made here. With the right
 * settings the pipeline's TopicLog works; a wrong password, a certificate not trusted and a
 * client without TLS each fail at once with a message saying which setting to fix.
 */
import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { pollUntil } from "../adapters/kafka/test_target.ts";
import { openTopicLog } from "./backends.ts";
import { loadConfig } from "./settings.ts";
import { secureKafkaMissing, startSecureKafka } from "./test_secure_kafka.ts";

const missing = await secureKafkaMissing();
const ci = Deno.env.get("CI") === "true";
if (missing.length > 0 && !ci) {
  console.warn(
    `Kafka SASL_SSL test skipped: no ${missing.join(", ")}; ` +
      "`apt-get install openjdk-17-jre-headless maven openssl`.",
  );
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test({
  name:
    "kafka over SASL_SSL (SCRAM-SHA-512): the right settings create, append and read back; a wrong password, an untrusted certificate, no TLS each fail naming what to fix",
  ignore: missing.length > 0 && !ci,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    await using dir = await makeTestDir({ prefix: "kafka-sasl-ssl-" });
    await using kafka = await startSecureKafka({ dir: dir.path });
    const where = kafka.brokers.join(",");
    const warnings: string[] = [];
    const logger: Logger = {
      info: () => {},
      warn: (m, c) => void warnings.push(`${m} ${JSON.stringify(c)}`),
      error: (m, c) => void warnings.push(`${m} ${JSON.stringify(c)}`),
    };
    // The aws profile: TLS by default, as on MSK.
    const open = (env: Record<string, string>) =>
      openTopicLog(
        loadConfig({ profile: "aws" }, {
          env: {
            KAFKA_BROKERS: where,
            KAFKA_SSL_CA: kafka.caFile,
            KAFKA_SASL_MECHANISM: "scram-sha-512",
            KAFKA_SASL_USERNAME: kafka.user,
            KAFKA_SASL_PASSWORD: kafka.password,
            ...env,
          },
        }),
        { logger },
      );
    /** Asserts `env` fails to open with exactly `message`, fast, the password nowhere. */
    const fails = async (
      env: Record<string, string>,
      message: string,
      brokers = kafka.brokers,
    ) => {
      const began = Date.now();
      const err = await open(env).then(async (log) => {
        await log.close();
        return null;
      }, (e) => e);
      assert.ok(err instanceof BackendError, String(err));
      assert.equal(err.message, message);
      assert.deepEqual(err.context.brokers, brokers);
      assert.ok(Date.now() - began < 15_000, `${Date.now() - began} ms`);
      for (const password of [kafka.password, "Wrong-Pa55"]) {
        const shown = JSON.stringify([
          err.message,
          err.context,
          String(err.cause),
          warnings,
        ]);
        assert.ok(!shown.includes(password), shown);
      }
    };

    await t.step(
      "the right settings: a topic created, records appended and read back exactly",
      async () => {
        const topics = await open({});
        try {
          await topics.createTopic("secure.pin", { partitions: 2 });
          assert.deepEqual(await topics.listTopics(), [{
            name: "secure.pin",
            partitions: 2,
          }]);
          const appended = await topics.append("secure.pin", [
            { value: bytes('{"n":1}'), partition: 0 },
            { key: "k2", value: bytes('{"n":2}'), partition: 1 },
            { value: bytes('{"n":3}'), partition: 1 },
          ]);
          assert.deepEqual(appended, [
            { partition: 0, offset: 0 },
            { partition: 1, offset: 0 },
            { partition: 1, offset: 1 },
          ]);
          const consumer = await topics.consumer("secure-readers", [
            "secure.pin",
          ]);
          const records = await pollUntil(consumer, 3, { timeoutMs: 20_000 });
          await consumer.close();
          assert.deepEqual(
            records
              .map((r) => [r.partition, r.offset, r.key, text(r.value)])
              .sort((a, b) => String(a).localeCompare(String(b))),
            [
              [0, 0, null, '{"n":1}'],
              [1, 0, "k2", '{"n":2}'],
              [1, 1, null, '{"n":3}'],
            ],
          );
        } finally {
          await topics.close();
        }
      },
    );

    await t.step(
      "a wrong password: authentication failed, naming the brokers and the user",
      async () => {
        await fails(
          { KAFKA_SASL_PASSWORD: "Wrong-Pa55" },
          `kafka: connect failed: authentication failed at ${where} as user "${kafka.user}" ` +
            "(scram-sha-512); check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: SASL SCRAM " +
            "SHA512 authentication failed: Authentication failed during authentication due " +
            "to invalid credentials with SASL mechanism SCRAM-SHA-512",
        );
      },
    );

    await t.step(
      "TLS without the CA that signed the broker's certificate: a certificate error",
      async () => {
        const untrusted = (detail: string) =>
          `kafka: connect failed: the broker at ${where} presented a TLS certificate this ` +
          "client does not trust; set KAFKA_SSL_CA to the PEM file of the CA that signed it " +
          `(unset, the CAs Deno trusts are used): Connection error: ${detail}`;
        await fails(
          { KAFKA_SSL_CA: "" },
          untrusted("self-signed certificate in certificate chain"),
        );
        await fails(
          { KAFKA_SSL_CA: kafka.otherCaFile },
          untrusted("self-signed certificate in certificate chain"),
        );
      },
    );

    await t.step(
      "the aws profile's TLS to a plaintext listener (MSK's 9092): the handshake dropped, KAFKA_SSL=false named",
      async () => {
        const plain = kafka.plaintextBrokers.join(",");
        const noSasl = {
          KAFKA_BROKERS: plain,
          KAFKA_SASL_MECHANISM: "",
          KAFKA_SASL_USERNAME: "",
          KAFKA_SASL_PASSWORD: "",
        };
        await fails(
          noSasl,
          `kafka: connect failed: the broker at ${plain} dropped the TLS handshake, as a listener ` +
            "without TLS does; set KAFKA_SSL=false for it, or use its TLS port (on MSK: 9092 " +
            "plaintext, 9094 TLS, 9096 TLS with SASL/SCRAM; from outside the VPC, 9194 TLS, 9196 " +
            "TLS with SASL/SCRAM): Connection error: Client network " +
            "socket disconnected before secure TLS connection was established",
          kafka.plaintextBrokers,
        );
        // Without TLS it works: the same broker, through its plaintext listener.
        const topics = await open({
          ...noSasl,
          KAFKA_SSL: "false",
          KAFKA_SSL_CA: "",
        });
        assert.deepEqual(await topics.listTopics(), [{
          name: "secure.pin",
          partitions: 2,
        }]);
        await topics.close();
      },
    );

    await t.step(
      "a SASL mechanism the listener does not enable, or SASL where it takes none",
      async () => {
        await fails(
          { KAFKA_SASL_MECHANISM: "scram-sha-256" },
          `kafka: connect failed: the broker at ${where} does not enable SASL mechanism ` +
            "scram-sha-256 on this listener; set KAFKA_SASL_MECHANISM to one it enables: The " +
            "broker does not support the requested SASL mechanism",
        );
        const plain = kafka.plaintextBrokers.join(",");
        await fails(
          { KAFKA_BROKERS: plain, KAFKA_SSL: "false", KAFKA_SSL_CA: "" },
          `kafka: connect failed: the listener at ${plain} takes no SASL; unset ` +
            "KAFKA_SASL_MECHANISM, or use the broker's SASL port (on MSK: 9092 plaintext, 9094 " +
            "TLS, 9096 TLS with SASL/SCRAM; from outside the VPC, 9194 TLS, 9196 TLS with " +
            "SASL/SCRAM): Request is not valid given the current SASL state",
          kafka.plaintextBrokers,
        );
      },
    );

    await t.step(
      "no TLS to a TLS listener: the broker closed the connection, and which settings must match it",
      async () => {
        await fails(
          { KAFKA_SSL: "false", KAFKA_SSL_CA: "" },
          `kafka: connect failed: the broker at ${where} closed the connection (TLS off, SASL ` +
            "scram-sha-512); if it is running, check that KAFKA_SSL and KAFKA_SASL_MECHANISM match its " +
            "listener (on MSK: 9092 plaintext, 9094 TLS, 9096 TLS with SASL/SCRAM; from outside the " +
            "VPC, 9194 TLS, 9196 TLS with SASL/SCRAM): Closed connection",
        );
      },
    );
  },
});
