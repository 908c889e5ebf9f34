import assert from "node:assert/strict";
import { BackendError, TopicNotFoundError } from "../../errors.ts";
import { kafkaErrorTypes, openKafkaLog, toKafkaError } from "./mod.ts";

function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test({
  name:
    "kafka errors: no broker is a BackendError naming the brokers and `deno task services up`",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const brokers = [`127.0.0.1:${closedPort()}`];
    const began = Date.now();
    const err = await openKafkaLog({ brokers, connectionTimeoutMs: 500 }).then(
      () => null,
      (e) => e,
    );
    assert.ok(err instanceof BackendError, String(err));
    assert.equal(err.code, "BACKEND_ERROR");
    assert.equal(
      err.message,
      `kafka: connect failed: no Kafka broker answered at ${
        brokers[0]
      }; start the local one ` +
        "with `deno task services up` or check KAFKA_BROKERS: Connection error: connect " +
        `ECONNREFUSED ${brokers[0]}`,
    );
    assert.deepEqual(err.context.brokers, brokers);
    assert.equal(err.context.op, "connect");
    assert.ok(
      (err.context.kafkaErrors as string[]).includes("KafkaJSConnectionError"),
      JSON.stringify(err.context.kafkaErrors),
    );
    assert.ok(Date.now() - began < 20_000, "fails within seconds");
  },
});

Deno.test("kafka errors: protocol types are found through retries and aggregates", () => {
  const retried = new Error("retries exceeded") as
    & Error
    & Record<string, unknown>;
  retried.name = "KafkaJSNumberOfRetriesExceeded";
  const protocol = new Error(
    "This server does not host this topic-partition",
  ) as
    & Error
    & Record<string, unknown>;
  protocol.name = "KafkaJSProtocolError";
  protocol.type = "UNKNOWN_TOPIC_OR_PARTITION";
  retried.originalError = protocol;
  assert.deepEqual(kafkaErrorTypes(retried), [
    "KafkaJSNumberOfRetriesExceeded",
    "KafkaJSProtocolError",
    "UNKNOWN_TOPIC_OR_PARTITION",
  ]);
  const mapped = toKafkaError(retried, {
    op: "append",
    brokers: ["b:1"],
    topic: "t.x",
  });
  assert.ok(mapped instanceof TopicNotFoundError);
  assert.equal(mapped.cause, retried);
  assert.deepEqual(mapped.context.topic, "t.x");
  const other = toKafkaError(protocol, { op: "commit", brokers: ["b:1"] });
  assert.ok(other instanceof BackendError);
  assert.equal(
    other.message,
    "kafka: commit failed: the broker at b:1 refused it (KafkaJSProtocolError, " +
      "UNKNOWN_TOPIC_OR_PARTITION): This server does not host this topic-partition",
  );
  const same = new TopicNotFoundError("t");
  assert.equal(toKafkaError(same, { op: "x", brokers: [] }), same);
});
