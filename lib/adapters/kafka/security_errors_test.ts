/**
 * The hints `securityHint` gives for what the SASL_SSL broker test cannot bring about (a
 * certificate for another host name), and none for failures that are not TLS or SASL ones.
 * The others are checked on a real broker in `lib/config/kafka_sasl_ssl_test.ts`.
 */
import assert from "node:assert/strict";
import { kafkaSecurityContext, securityHint } from "./security_errors.ts";

const ctx = {
  op: "connect",
  brokers: ["b-1.example.com:9094"],
  security: { ssl: true },
};

Deno.test("kafka security hints: a certificate for another host name names KAFKA_BROKERS", () => {
  assert.equal(
    securityHint(
      ["KafkaJSNumberOfRetriesExceeded", "KafkaJSConnectionError"],
      "Connection error: Hostname/IP does not match certificate's altnames: Host: b-1.example.com. is not in the cert's altnames: DNS:other",
      ctx,
    ),
    "the TLS certificate of the broker at b-1.example.com:9094 is not for the host name it " +
      "was reached by; name the brokers in KAFKA_BROKERS as the certificate does",
  );
});

Deno.test("kafka security hints: none for a refused connection, a closed one after connecting, or a protocol error", () => {
  const refused = "Connection error: connect ECONNREFUSED 127.0.0.1:9094";
  assert.equal(
    securityHint(["KafkaJSConnectionError"], refused, ctx),
    undefined,
  );
  assert.equal(
    securityHint(["KafkaJSConnectionClosedError"], "Closed connection", {
      ...ctx,
      op: "append",
    }),
    undefined,
  );
  assert.equal(
    securityHint(
      ["KafkaJSProtocolError", "NOT_LEADER_FOR_PARTITION"],
      "This server is not the leader for that topic-partition",
      ctx,
    ),
    undefined,
  );
});

Deno.test("kafka security context: TLS on or off, the mechanism and user, never the password", () => {
  assert.deepEqual(kafkaSecurityContext({ brokers: ["b:1"] }), { ssl: false });
  assert.deepEqual(
    kafkaSecurityContext({
      brokers: ["b:1"],
      ssl: { ca: "-----BEGIN CERTIFICATE-----" },
      sasl: { mechanism: "scram-sha-512", username: "u", password: "pw" },
    }),
    { ssl: true, mechanism: "scram-sha-512", username: "u" },
  );
});
