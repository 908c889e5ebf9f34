import assert from "node:assert/strict";
import { partitionForKey } from "../../log/partitioner.ts";
import { kafkaTestTarget, uniqueTopic, withKafkaLog } from "./test_target.ts";
import { waitForTopicLeaders } from "./topic_leaders.ts";

const target = await kafkaTestTarget();
const value = new Uint8Array([1]);

/** A key that goes to `partition` of 4 by Kafka's partitioner, and to another of 2. */
function keyFor(partition: number): string {
  for (let i = 0;; i++) {
    const key = `user-${i}`;
    if (
      partitionForKey(key, 4) === partition &&
      partitionForKey(key, 2) !== partition
    ) return key;
  }
}

Deno.test({
  name:
    "kafka: partitions added to a topic (kafka-topics --alter) are taken by explicit appends at once, and by keys as Kafka's clients take them, after metadataMaxAgeMs",
  ...target.testOptions,
  fn: () =>
    withKafkaLog(target, async (log, admin) => {
      const topic = uniqueTopic("grown");
      await log.createTopic(topic, { partitions: 2 });
      assert.deepEqual(await log.append(topic, [{ value }]), [
        { partition: 0, offset: 0 },
      ]);
      await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
      await waitForTopicLeaders(admin, topic, {
        brokers: target.brokers,
        partitions: 4,
      });
      // Refused with 'topic has partitions 0 to 1' by the log's cached count, for good.
      assert.deepEqual(await log.append(topic, [{ value, partition: 3 }]), [
        { partition: 3, offset: 0 },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 600));
      // A Java client (metadata.max.age.ms) puts this key on partition 3 by now; the log
      // hashed it over 2 partitions for as long as it ran.
      assert.deepEqual(await log.append(topic, [{ key: keyFor(3), value }]), [
        { partition: 3, offset: 1 },
      ]);
    }, { metadataMaxAgeMs: 500 }),
});

Deno.test({
  name:
    "kafka consumer: a partition added to a topic it reads is assigned after metadataMaxAgeMs, read, and taken by commit, seek and offsets",
  ...target.testOptions,
  fn: () =>
    withKafkaLog(target, async (log, admin) => {
      const topic = uniqueTopic("grown-read");
      await log.createTopic(topic, { partitions: 1 });
      const consumer = await log.consumer(`g.${topic}`, [topic]);
      await admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] });
      await waitForTopicLeaders(admin, topic, {
        brokers: target.brokers,
        partitions: 2,
      });
      await log.append(topic, [{ value, partition: 1 }]);
      const deadline = Date.now() + 20_000;
      const read: number[] = [];
      while (read.length === 0 && Date.now() < deadline) {
        for (const r of await consumer.poll({ timeoutMs: 200 })) {
          read.push(r.partition);
        }
      }
      assert.deepEqual(read, [1]);
      assert.equal(consumer.membership().owns(topic, 1), true);
      // Refused with InvalidPartitionError 'topic has partitions 0 to 0' (the count the
      // consumer was made with): a sink could not commit what it read.
      await consumer.commit([{ topic, partition: 1, offset: 1 }]);
      assert.equal(await consumer.committed(topic, 1), 1);
      assert.deepEqual(await consumer.offsets(topic, 1), { start: 0, end: 1 });
      await consumer.seek({ topic, partition: 1, offset: 0 });
      assert.deepEqual(
        (await consumer.poll({ timeoutMs: 10_000 })).map((r) => [
          r.partition,
          r.offset,
        ]),
        [[1, 0]],
      );
      await consumer.close();
    }, { metadataMaxAgeMs: 500 }),
});
