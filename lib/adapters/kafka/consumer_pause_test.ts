import assert from "node:assert/strict";
import { openKafkaLog } from "./mod.ts";
import { kafkaTestTarget, pollUntil, uniqueTopic } from "./test_target.ts";

const target = await kafkaTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();
const opts = target.testOptions;

Deno.test({
  name:
    "kafka consumer: a seek that empties the full queue resumes fetching, so the records are read again",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({
      brokers: target.brokers,
      maxQueuedRecords: 10,
    });
    try {
      const topic = uniqueTopic("pause");
      await log.createTopic(topic);
      await log.append(
        topic,
        Array.from({ length: 50 }, (_, i) => ({ value: enc.encode(`${i}`) })),
      );
      const c = await log.consumer(uniqueTopic("g"), [topic]);
      // The first fetch queues all 50: past maxQueuedRecords, so fetching is paused.
      const first = await c.poll({ maxRecords: 5, timeoutMs: 10_000 });
      assert.deepEqual(first.map((r) => r.offset), [0, 1, 2, 3, 4]);
      await c.seek({ topic, partition: 0, offset: 0 });
      // The seek dropped the 45 queued; fetching stayed paused and no poll got any again.
      const again = await pollUntil(c, 50, { timeoutMs: 10_000 });
      assert.deepEqual(
        again.map((r) => dec.decode(r.value)),
        Array.from({ length: 50 }, (_, i) => `${i}`),
      );
      await c.close();
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka consumer: a rebalance that empties the full queue resumes fetching, so the member reads on",
  ...opts,
  fn: async () => {
    const group = { sessionTimeoutMs: 6000, heartbeatIntervalMs: 300 };
    const logA = await openKafkaLog({
      brokers: target.brokers,
      maxQueuedRecords: 10,
      ...group,
    });
    const logB = await openKafkaLog({ brokers: target.brokers, ...group });
    try {
      const topic = uniqueTopic("rebalance");
      await logA.createTopic(topic, { partitions: 2 });
      for (const partition of [0, 1]) {
        await logA.append(
          topic,
          Array.from({ length: 50 }, (_, i) => ({
            value: enc.encode(`${partition}:${i}`),
            partition,
          })),
        );
      }
      const name = uniqueTopic("g");
      const a = await logA.consumer(name, [topic]);
      assert.equal(
        (await a.poll({ maxRecords: 5, timeoutMs: 10_000 })).length,
        5,
      );
      await new Promise((resolve) => setTimeout(resolve, 500)); // both partitions queued: paused
      const b = await logB.consumer(name, [topic]);
      const deadline = Date.now() + 20_000;
      // No poll meanwhile: A's queue stays full, fetching paused, until the rebalance.
      while (a.membership().generation < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await b.close(); // A gets both partitions back, from the start (nothing committed)
      // The rebalances emptied A's queue with fetching still paused: no poll got any more.
      const read = new Set<string>();
      while (read.size < 100 && Date.now() < deadline + 10_000) {
        for (const r of await a.poll({ timeoutMs: 200 })) {
          read.add(dec.decode(r.value));
        }
      }
      assert.equal(read.size, 100);
      assert.equal(a.membership().generation, 3);
      await a.close();
    } finally {
      await logB.close();
      await logA.close();
    }
  },
});
