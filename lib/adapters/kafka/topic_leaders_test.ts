import assert from "node:assert/strict";
import { BackendError } from "../../errors.ts";
import { InvalidArgumentError } from "../../log/errors.ts";
import { type Admin, createKafkaClient } from "./kafkajs.ts";
import { openKafkaLog } from "./mod.ts";
import { waitForTopicLeaders } from "./topic_leaders.ts";
import { kafkaTestTarget, pollUntil, uniqueTopic } from "./test_target.ts";

const target = await kafkaTestTarget();
const opts = target.testOptions;

/** Runs `body` with an admin client connected to the test broker. */
async function withAdmin(body: (admin: Admin) => Promise<void>) {
  const admin = createKafkaClient({ brokers: target.brokers }).admin();
  await admin.connect();
  try {
    await body(admin);
  } finally {
    await admin.disconnect();
  }
}

Deno.test({
  name:
    "kafka waitForTopicLeaders: a topic the broker serves only later is waited for, every partition with a leader",
  ...opts,
  fn: () =>
    withAdmin(async (admin) => {
      const topic = uniqueTopic("leaders");
      // The broker does not know the topic when the wait starts (as a broker that has not
      // applied the controller's new topic yet); it is created 500 ms later.
      let createdAt = Infinity;
      const create = (async () => {
        await new Promise((r) => setTimeout(r, 500));
        createdAt = Date.now();
        await admin.createTopics({
          topics: [{ topic, numPartitions: 3 }],
          waitForLeaders: false,
        });
      })();
      await waitForTopicLeaders(admin, topic, {
        brokers: target.brokers,
        partitions: 3,
        intervalMs: 20,
      });
      assert.ok(Date.now() >= createdAt, "returned before the topic existed");
      await create;
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = meta.topics[0].partitions;
      assert.deepEqual(
        partitions.map((p) => p.partitionId).sort(),
        [0, 1, 2],
      );
      assert.ok(partitions.every((p) => p.leader >= 0));
    }),
});

Deno.test({
  name:
    "kafka createTopic: a topic is served as soon as it is created (append and read back at once)",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const topic = uniqueTopic("fresh");
      // Before the wait, a broker that had not applied the controller's new topic yet
      // answered UNKNOWN_TOPIC_OR_PARTITION, reported as TopicNotFoundError.
      await log.createTopic(topic, { partitions: 2 });
      const acks = await log.append(topic, [
        { value: new TextEncoder().encode('{"a":1}'), partition: 1 },
      ]);
      assert.deepEqual(acks, [{ partition: 1, offset: 0 }]);
      const consumer = await log.consumer(uniqueTopic("g"), [topic]);
      const got = await pollUntil(consumer, 1);
      await consumer.close();
      assert.deepEqual(
        got.map((r) => [r.topic, r.partition, r.offset]),
        [[topic, 1, 0]],
      );
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka waitForTopicLeaders: a topic never served is a BackendError after the timeout",
  ...opts,
  fn: () =>
    withAdmin(async (admin) => {
      // The broker never creates topics implicitly: this one stays unknown.
      const topic = uniqueTopic("never");
      const error = await waitForTopicLeaders(admin, topic, {
        brokers: target.brokers,
        partitions: 1,
        timeoutMs: 300,
        intervalMs: 50,
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof BackendError, String(error));
      assert.equal(
        error.message,
        `kafka: createTopic failed: topic "${topic}" was created, but the broker at ${
          target.brokers.join(",")
        } did not serve it within 300 ms (KafkaJSProtocolError, UNKNOWN_TOPIC_OR_PARTITION); ` +
          "check the broker's log",
      );
    }),
});

Deno.test({
  name: "kafka waitForTopicLeaders: another failure is thrown at once, mapped",
  ...opts,
  fn: () =>
    withAdmin(async (admin) => {
      const began = Date.now();
      const error = await waitForTopicLeaders(admin, "bad name!", {
        brokers: target.brokers,
        partitions: 1,
      }).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof InvalidArgumentError, String(error));
      assert.equal(
        error.message,
        `Invalid topic name "bad name!": the broker at ${
          target.brokers.join(",")
        } refused it; use 1 to 249 characters among a-z A-Z 0-9 . _ -, other than "." and ` +
          '"..", and no name that differs from an existing topic\'s only in "." and "_" ' +
          "(Kafka takes them for one in its metric names)",
      );
      assert.deepEqual(error.context.kafkaErrors, [
        "KafkaJSProtocolError",
        "INVALID_TOPIC_EXCEPTION",
      ]);
      assert.ok(Date.now() - began < 10_000, "not retried until the timeout");
    }),
});
