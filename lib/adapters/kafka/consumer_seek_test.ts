import assert from "node:assert/strict";
import type { TopicConsumer } from "../../log/types.ts";
import { openKafkaLog } from "./mod.ts";
import { kafkaTestTarget, uniqueTopic } from "./test_target.ts";

const target = await kafkaTestTarget();

/** Polls both members until each owns one partition of `topic`'s two. */
async function splitBetween(topic: string, a: TopicConsumer, b: TopicConsumer) {
  const owned = (c: TopicConsumer) =>
    [0, 1].filter((p) => c.membership().owns(topic, p));
  const deadline = Date.now() + 30_000;
  while (owned(a).length !== 1 || owned(b).length !== 1) {
    assert.ok(Date.now() < deadline, "the two members never split the topic");
    await a.poll({ timeoutMs: 100 });
    await b.poll({ timeoutMs: 100 });
  }
  return { a: owned(a)[0], b: owned(b)[0] };
}

Deno.test({
  name:
    "kafka consumer: a seek of a partition another member owns is dropped, not applied when the partition comes back over that member's commit",
  ...target.testOptions,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const topic = uniqueTopic("seek-owned");
      await log.createTopic(topic, { partitions: 2 });
      for (const partition of [0, 1]) {
        await log.append(
          topic,
          Array.from({ length: 10 }, (_, i) => ({
            value: new Uint8Array([i]),
            partition,
          })),
        );
      }
      const group = `g.${topic}`;
      const a = await log.consumer(group, [topic]);
      const b = await log.consumer(group, [topic]);
      const owner = await splitBetween(topic, a, b);
      await b.commit([{ topic, partition: owner.b, offset: 8 }]);
      // Not a's partition: kafkajs kept the seek and applied it once the partition came
      // to a, over b's commit (a read 2 to 9; a seek ahead would have skipped records).
      await a.seek({ topic, partition: owner.b, offset: 2 });
      await b.close();
      // Until a read the partition's last record (or 20 s passed).
      const offsets: number[] = [];
      const deadline = Date.now() + 20_000;
      while (offsets.at(-1) !== 9 && Date.now() < deadline) {
        for (const r of await a.poll({ timeoutMs: 200 })) {
          if (r.partition === owner.b) offsets.push(r.offset);
        }
      }
      await a.close();
      assert.deepEqual(offsets, [8, 9]);
    } finally {
      await log.close();
    }
  },
});
