/**
 * A topic created without a replication factor takes the cluster's own
 * `default.replication.factor`, as `kafka-topics.sh --create` does: on MSK that is 3 (2 on a
 * two-AZ cluster) and its `min.insync.replicas` 2, so a topic of one replica would refuse
 * every append made with `acks: -1` (NOT_ENOUGH_REPLICAS). Real broker; the admin client is
 * the real one, its CreateTopics arguments recorded on their way.
 */
import assert from "node:assert/strict";
import { createKafkaClient } from "./kafkajs.ts";
import { KafkaTopicLog } from "./topic_log.ts";
import { kafkaTestTarget, uniqueTopic } from "./test_target.ts";

const target = await kafkaTestTarget();

Deno.test({
  name:
    "kafka: createTopic without a replication factor leaves it to the cluster's default.replication.factor",
  ...target.testOptions,
  fn: async () => {
    const kafka = createKafkaClient({ brokers: target.brokers });
    const admin = kafka.admin();
    await admin.connect();
    const sent: { topic: string; replicationFactor?: number }[] = [];
    const create = admin.createTopics.bind(admin);
    admin.createTopics = (args) => {
      sent.push(
        ...args.topics.map(({ topic, replicationFactor }) => ({
          topic,
          replicationFactor,
        })),
      );
      return create(args);
    };
    const log = new KafkaTopicLog({ kafka, admin }, {
      brokers: target.brokers,
    });
    const [byDefault, one] = [uniqueTopic("rf-default"), uniqueTopic("rf-1")];
    try {
      await log.createTopic(byDefault);
      await log.createTopic(one, { replicationFactor: 1 });
      // Before: replicationFactor 1 for both, whatever the cluster's default.
      assert.deepEqual(sent, [
        { topic: byDefault, replicationFactor: undefined },
        { topic: one, replicationFactor: 1 },
      ]);
      const { brokers } = await admin.describeCluster();
      const [config] = (await admin.describeConfigs({
        resources: [{
          type: 4, // BROKER
          name: String(brokers[0].nodeId),
          configNames: ["default.replication.factor"],
        }],
        includeSynonyms: false,
      })).resources;
      const meta = await admin.fetchTopicMetadata({ topics: [byDefault] });
      assert.equal(
        meta.topics[0].partitions[0].replicas.length,
        Number(config.configEntries[0].configValue),
      );
      const [at] = await log.append(byDefault, [{
        key: "k",
        value: new TextEncoder().encode("{}"),
      }]);
      assert.equal(at.offset, 0);
    } finally {
      await admin.deleteTopics({ topics: [byDefault, one] }).catch(() => {});
      await log.close();
    }
  },
});
