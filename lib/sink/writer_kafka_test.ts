/**
 * PartitionWriter over a real Kafka consumer (`KAFKA_BROKERS`, skipped without a broker
 * outside CI): the offset recovery sought to deleted by retention before the seek took
 * effect must stop the sink, not leave it dropping every later record for ever.
 */
import assert from "node:assert/strict";
import {
  createKafkaClient,
  type KafkaTopicLog,
  openKafkaLog,
} from "../adapters/kafka/mod.ts";
import { kafkaTestTarget, uniqueTopic } from "../adapters/kafka/test_target.ts";
import { openDirStore } from "../lake/dir_store.ts";
import type { ObjectStore } from "../lake/types.ts";
import type { TopicConsumer, TopicPosition } from "../log/types.ts";
import { silentLogger } from "../logger.ts";
import { OffsetGapError } from "./errors.ts";
import { ndjson, values } from "./test_util.ts";
import { PartitionWriter } from "./writer.ts";

const target = await kafkaTestTarget();
const enc = new TextEncoder();

/** A topic of one partition holding `count` records, a lake holding its first `inLake`. */
async function fixture(count: number, inLake: number) {
  const log = await openKafkaLog({ brokers: target.brokers });
  const topic = uniqueTopic("sinkgap");
  await log.createTopic(topic);
  await log.append(topic, values(count).map((v) => ({ value: enc.encode(v) })));
  const dir = await Deno.makeTempDir({ prefix: "h34_writer_kafka_" });
  const store = openDirStore(dir);
  await store.put(
    `topics/${topic}/partition=0/${topic}+0+0000000000.json`,
    ndjson(inLake, 0),
  );
  const cleanup = async () => {
    const admin = createKafkaClient({ brokers: target.brokers }).admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
    await log.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { log, topic, store, cleanup };
}

/** Polls and hands every batch to the writer for `ms`; the error accept threw, if any. */
async function run(
  consumer: TopicConsumer,
  writer: PartitionWriter,
  ms: number,
): Promise<unknown> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const records = await consumer.poll({ timeoutMs: 200 });
    try {
      await writer.accept(records, Date.now());
    } catch (e) {
      return e;
    }
  }
  return null;
}

function writerOver(consumer: TopicConsumer, store: ObjectStore) {
  return new PartitionWriter({
    store,
    consumer,
    flushSize: 100,
    rotateIntervalMs: 100,
    verify: "all",
    logger: silentLogger,
  });
}

async function consumerOf(log: KafkaTopicLog, topic: string) {
  return await log.consumer(uniqueTopic("g"), [topic]);
}

Deno.test({
  name:
    "writer on kafka: the sought offset deleted by retention before the seek is an OffsetGapError, not a silent stall",
  ...target.testOptions,
  fn: async () => {
    const fx = await fixture(10, 5);
    const admin = createKafkaClient({ brokers: target.brokers }).admin();
    await admin.connect();
    try {
      const real = await consumerOf(fx.log, fx.topic);
      await admin.fetchTopicMetadata({ topics: [fx.topic] });
      // Retention deletes offsets 0..6 after recovery checked the log (start 0), before the
      // seek to 5 reaches the broker: kafkajs' fetch at 5 is OFFSET_OUT_OF_RANGE.
      const consumer: TopicConsumer = {
        poll: (o) => real.poll(o),
        commit: (p) => real.commit(p),
        committed: (t, p) => real.committed(t, p),
        offsets: (t, p) => real.offsets(t, p),
        membership: () => real.membership(),
        close: () => real.close(),
        seek: async (position: TopicPosition) => {
          await admin.deleteTopicRecords({
            topic: fx.topic,
            partitions: [{ partition: 0, offset: "7" }],
          });
          await real.seek(position);
        },
      };
      const writer = writerOver(consumer, fx.store);
      assert.equal(await writer.recover(fx.topic, 0), true);
      assert.deepEqual(await real.offsets(fx.topic, 0), { start: 7, end: 10 });
      // Records go on arriving after the gap.
      await fx.log.append(
        fx.topic,
        values(5, 10).map((v) => ({ value: enc.encode(v) })),
      );
      const err = await run(consumer, writer, 15_000);
      assert.ok(
        err instanceof OffsetGapError,
        `expected OffsetGapError, got ${err}; counters ${
          JSON.stringify(writer.counters)
        }; committed ${await real.committed(fx.topic, 0)}`,
      );
      assert.deepEqual(err.context, {
        topic: fx.topic,
        partition: 0,
        expected: 5,
        actual: 7,
      });
      assert.equal(writer.counters.recordsWritten, 0);
      assert.deepEqual((await fx.store.list("topics/")).length, 1);
      await real.close();
    } finally {
      await admin.disconnect();
      await fx.cleanup();
    }
  },
});

Deno.test({
  name:
    "writer on kafka: after a seek to the lake's next offset, the records from there are written",
  ...target.testOptions,
  fn: async () => {
    const fx = await fixture(10, 5);
    try {
      const consumer = await consumerOf(fx.log, fx.topic);
      const writer = writerOver(consumer, fx.store);
      assert.equal(await writer.recover(fx.topic, 0), true);
      const deadline = Date.now() + 15_000;
      while (writer.counters.recordsWritten < 5 && Date.now() < deadline) {
        await writer.accept(await consumer.poll({ timeoutMs: 200 }), 0);
        await writer.flushDue(Date.now());
      }
      assert.equal(writer.counters.recordsWritten, 5);
      assert.equal(
        new TextDecoder().decode(
          await fx.store.get(
            `topics/${fx.topic}/partition=0/${fx.topic}+0+0000000005.json`,
          ),
        ),
        ndjson(5, 5),
      );
      assert.equal(await consumer.committed(fx.topic, 0), 10);
      await consumer.close();
    } finally {
      await fx.cleanup();
    }
  },
});
