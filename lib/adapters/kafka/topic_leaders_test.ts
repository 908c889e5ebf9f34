import assert from "node:assert/strict";
import { BackendError } from "../../errors.ts";
import type { Admin, Kafka } from "./kafkajs.ts";
import { waitForTopicLeaders } from "./topic_leaders.ts";
import { KafkaTopicLog } from "./topic_log.ts";

const BROKERS = ["127.0.0.1:19092"];

function protocolError(type: string): Error {
  return Object.assign(new Error(`broker answered ${type}`), {
    name: "KafkaJSProtocolError",
    type,
  });
}

/**
 * An admin client over a broker that applies the controller's new topics `lag` metadata
 * requests late, as a busy or freshly started KRaft broker does; `createTopics` behaves as
 * kafkajs 2.2.4's: with `waitForLeaders` it asks for the topic's metadata once and retries
 * only `LEADER_NOT_AVAILABLE`.
 */
function laggingAdmin(lag: number, leaders: number[] = [1]) {
  const state = { created: false, asked: 0 };
  const metadata = (topic: string) => {
    state.asked++;
    if (!state.created || state.asked <= lag) {
      throw protocolError("UNKNOWN_TOPIC_OR_PARTITION");
    }
    return {
      topics: [{
        name: topic,
        partitions: leaders.map((leader, partitionId) => ({
          partitionId,
          leader,
          replicas: [1],
          isr: [1],
          partitionErrorCode: leader < 0 ? 5 : 0,
        })),
      }],
    };
  };
  const admin = {
    createTopics: (
      o: { topics: { topic: string }[]; waitForLeaders?: boolean },
    ) => {
      state.created = true;
      if (o.waitForLeaders ?? true) metadata(o.topics[0].topic);
      return Promise.resolve(true);
    },
    fetchTopicMetadata: (o: { topics: string[] }) =>
      Promise.resolve().then(() => metadata(o.topics[0])),
    disconnect: () => Promise.resolve(),
  };
  return { state, admin: admin as unknown as Admin };
}

Deno.test("kafka createTopic: a broker that serves the new topic a moment late is waited for", async () => {
  const { state, admin } = laggingAdmin(2);
  const log = new KafkaTopicLog({ kafka: {} as Kafka, admin }, {
    brokers: BROKERS,
  });
  // Before: kafkajs' wait threw UNKNOWN_TOPIC_OR_PARTITION, reported as TopicNotFoundError.
  await log.createTopic("demo.geo");
  assert.equal(state.asked, 3);
});

Deno.test("kafka waitForTopicLeaders: partitions without a leader are waited for", async () => {
  const { state, admin } = laggingAdmin(0, [1, -1]);
  await admin.createTopics({
    topics: [{ topic: "demo.pin" }],
    waitForLeaders: false,
  });
  let calls = 0;
  const counting = {
    fetchTopicMetadata: async (o: { topics: string[] }) => {
      const meta = await admin.fetchTopicMetadata(o);
      if (++calls === 3) meta.topics[0].partitions[1].leader = 1;
      return meta;
    },
  };
  await waitForTopicLeaders(counting, "demo.pin", {
    brokers: BROKERS,
    partitions: 2,
    intervalMs: 1,
  });
  assert.equal(state.asked, 3);
});

Deno.test("kafka waitForTopicLeaders: a topic never served is a BackendError after the timeout", async () => {
  const { admin } = laggingAdmin(Infinity);
  const error = await waitForTopicLeaders(admin, "demo.user", {
    brokers: BROKERS,
    partitions: 1,
    timeoutMs: 50,
    intervalMs: 5,
  }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof BackendError);
  assert.equal(
    error.message,
    'kafka: createTopic failed: topic "demo.user" was created, but the broker at 127.0.0.1:19092 did not serve it within 50 ms (KafkaJSProtocolError, UNKNOWN_TOPIC_OR_PARTITION); check the broker\'s log',
  );
});

Deno.test("kafka waitForTopicLeaders: another failure is thrown at once, mapped", async () => {
  let calls = 0;
  const admin = {
    fetchTopicMetadata: () => {
      calls++;
      return Promise.reject(protocolError("TOPIC_AUTHORIZATION_FAILED"));
    },
  };
  const error = await waitForTopicLeaders(admin, "demo.pin", {
    brokers: BROKERS,
    partitions: 1,
  }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof BackendError);
  assert.equal(calls, 1);
  assert.equal(
    error.message,
    "kafka: createTopic failed: the broker at 127.0.0.1:19092 refused it (KafkaJSProtocolError, TOPIC_AUTHORIZATION_FAILED): broker answered TOPIC_AUTHORIZATION_FAILED",
  );
});
