/**
 * The Kafka client's TLS and SASL settings: defaults per profile, the values refused at start
 * (each naming its variable, never showing the password), and the CA file read when Kafka is
 * opened.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { openTopicLog } from "./backends.ts";
import { loadConfig } from "./settings.ts";

const PASSWORD = "s3cr3t-Pa55";

/** The Kafka security fields of a loaded configuration. */
function security(profile: string, env: Record<string, string>) {
  const c = loadConfig({ profile }, { env });
  return [
    c.kafkaSsl,
    c.kafkaSslCa,
    c.kafkaSaslMechanism,
    c.kafkaSaslUsername,
    c.kafkaSaslPassword,
  ];
}

/** Asserts that `env` on `profile` is refused with exactly `message`, the password nowhere. */
function refused(
  profile: string,
  env: Record<string, string>,
  message: string,
): void {
  assert.throws(
    () => loadConfig({ profile }, { env }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError, String(e));
      assert.equal(e.message, message);
      const shown = JSON.stringify([e.message, e.context, String(e.cause)]);
      assert.ok(!shown.includes(PASSWORD), shown);
      return true;
    },
  );
}

Deno.test("kafka security: TLS is off by default on embedded and local, on for aws (MSK's default listener is TLS); no SASL", () => {
  assert.deepEqual(security("embedded", {}), [false, "", "", "", ""]);
  assert.deepEqual(security("local", {}), [false, "", "", "", ""]);
  assert.deepEqual(security("aws", {}), [true, "", "", "", ""]);
});

Deno.test("kafka security: every setting is read; the mechanism in any case; the password kept as given, spaces and all", () => {
  assert.deepEqual(
    security("local", {
      KAFKA_SSL: " TRUE ",
      KAFKA_SSL_CA: "/etc/ssl/msk-ca.pem",
      KAFKA_SASL_MECHANISM: "SCRAM-SHA-512",
      KAFKA_SASL_USERNAME: " pipeline ",
      KAFKA_SASL_PASSWORD: ` ${PASSWORD} `,
    }),
    [true, "/etc/ssl/msk-ca.pem", "scram-sha-512", "pipeline", ` ${PASSWORD} `],
  );
  assert.deepEqual(security("aws", { KAFKA_SSL: "false" }), [
    false,
    "",
    "",
    "",
    "",
  ]);
  assert.deepEqual(
    security("aws", {
      KAFKA_SASL_MECHANISM: "plain",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD: "p",
    }),
    [true, "", "plain", "u", "p"],
  );
});

Deno.test("kafka security: a value that cannot work is refused at start, naming its variable, never showing the password", () => {
  refused(
    "local",
    { KAFKA_SSL: "yes" },
    'Invalid setting KAFKA_SSL="yes": must be true or false (unset, the local profile takes false)',
  );
  refused(
    "aws",
    { KAFKA_SSL: "" },
    'Invalid setting KAFKA_SSL="": must be true or false (unset, the aws profile takes true)',
  );
  refused(
    "aws",
    {
      KAFKA_SASL_MECHANISM: "aws_msk_iam",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD: PASSWORD,
    },
    'Invalid setting KAFKA_SASL_MECHANISM="aws_msk_iam": must be plain, scram-sha-256 or scram-sha-512 (unset, no SASL)',
  );
  refused(
    "aws",
    { KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_SASL_PASSWORD: PASSWORD },
    'Invalid setting KAFKA_SASL_USERNAME="": required when KAFKA_SASL_MECHANISM is set (scram-sha-512)',
  );
  refused(
    "aws",
    { KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_SASL_USERNAME: "u" },
    'Invalid setting KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is set (scram-sha-512, user "u")',
  );
  refused(
    "local",
    { KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: PASSWORD },
    'Invalid setting KAFKA_SASL_MECHANISM="": required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set: plain, scram-sha-256 or scram-sha-512',
  );
  refused(
    "local",
    { KAFKA_SSL_CA: "/etc/ssl/msk-ca.pem" },
    'Invalid setting KAFKA_SSL_CA="/etc/ssl/msk-ca.pem": set, but KAFKA_SSL is false; set KAFKA_SSL=true to use it, or unset KAFKA_SSL_CA',
  );
});

Deno.test("kafka security: the embedded profile, which has no Kafka, does not check these settings", () => {
  const config = loadConfig({}, {
    env: {
      KAFKA_SSL: "yes",
      KAFKA_SSL_CA: "/nowhere.pem",
      KAFKA_SASL_MECHANISM: "gssapi",
    },
  });
  assert.deepEqual(
    [config.profile, config.kafkaSsl, config.kafkaSaslMechanism],
    ["embedded", false, ""],
  );
});

Deno.test("kafka security: a KAFKA_SSL_CA that is missing or holds no certificate is refused when Kafka is opened, naming it", async () => {
  await using dir = await makeTestDir({ prefix: "h32_kafka_ca_" });
  const notPem = `${dir.path}/not.pem`;
  await Deno.writeTextFile(notPem, "just text\n");
  const open = (ca: string) =>
    openTopicLog(
      loadConfig({ profile: "local" }, {
        env: {
          KAFKA_BROKERS: "127.0.0.1:1",
          KAFKA_SSL: "true",
          KAFKA_SSL_CA: ca,
        },
      }),
    );
  await assert.rejects(
    () => open(`${dir.path}/missing.pem`),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        `Invalid setting KAFKA_SSL_CA="${dir.path}/missing.pem": no such file; give the path of a PEM file of CA certificates`,
  );
  await assert.rejects(
    () => open(notPem),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        `Invalid setting KAFKA_SSL_CA="${notPem}": holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the path of a PEM file of CA certificates`,
  );
});
