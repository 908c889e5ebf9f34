import assert from "node:assert/strict";
import { BackendError } from "../../errors.ts";
import { InvalidArgumentError } from "../../log/errors.ts";
import type { Producer } from "./kafkajs.ts";
import { createKafkaClient } from "./mod.ts";
import { GroupProducer } from "./producer.ts";
import {
  kafkaTestTarget,
  pollUntil,
  uniqueTopic,
  withKafkaLog,
} from "./test_target.ts";
import { waitForTopicLeaders } from "./topic_leaders.ts";

const target = await kafkaTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();
const opts = target.testOptions;

Deno.test({
  name:
    "kafka producer: after a failed send the next append is written, not taken for a retry of the failed one",
  ...opts,
  fn: () =>
    withKafkaLog(target, async (log, admin) => {
      // A topic whose records may hold 2,000 bytes: the broker refuses partition 0's
      // batch below and writes partition 1's, both in one produce request.
      const topic = uniqueTopic("partial");
      await admin.createTopics({
        topics: [{
          topic,
          numPartitions: 2,
          configEntries: [{ name: "max.message.bytes", value: "2000" }],
        }],
        waitForLeaders: false,
      });
      await waitForTopicLeaders(admin, topic, {
        brokers: target.brokers,
        partitions: 2,
      });
      const refused = await log.append(topic, [
        { value: new Uint8Array(3000).fill(0x61), partition: 0 },
        { value: enc.encode("x"), partition: 1 },
      ]).then(() => null, (e) => e);
      assert.ok(refused instanceof BackendError, String(refused));
      // The idempotent producer had reused the failed request's sequence numbers, so the
      // broker answered this append as a duplicate of "x": offset 0, and "y" was lost.
      assert.deepEqual(
        await log.append(topic, [{ value: enc.encode("y"), partition: 1 }]),
        [{ partition: 1, offset: 1 }],
      );
      const c = await log.consumer(uniqueTopic("g"), [topic]);
      const read = await pollUntil(c, 2);
      assert.deepEqual(await c.poll({ timeoutMs: 300 }), []);
      await c.close();
      assert.deepEqual(
        read.map((r) => [r.partition, r.offset, dec.decode(r.value)]),
        [[1, 0, "x"], [1, 1, "y"]],
      );
    }),
});

Deno.test("kafka producer: a send the broker never answers fails after sendTimeoutMs, and the next goes out on a new producer", async () => {
  const made: string[] = [];
  let count = 0;
  const create = () => {
    const n = ++count;
    made.push(`producer ${n}`);
    return {
      connect: () => Promise.resolve(),
      disconnect: () => {
        made.push(`producer ${n} disconnected`);
        return Promise.resolve();
      },
      // The first never answers, as a broker that hangs (kafkajs would retry it for minutes).
      sendBatch: () =>
        n === 1 ? new Promise(() => {}) : Promise.resolve([
          { topicName: "t", partition: 0, errorCode: 0, baseOffset: "5" },
        ]),
    } as unknown as Producer;
  };
  const group = new GroupProducer(create, {
    brokers: ["b:1"],
    sendTimeoutMs: 200,
  });
  const record = { partition: 0, key: null, value: enc.encode("x") };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hung = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve("still waiting after 3 s"), 3000);
  });
  const first = await Promise.race([
    group.send("t", [record]).then(() => "sent", (e) => e),
    hung,
  ]);
  clearTimeout(timer);
  assert.ok(first instanceof BackendError, String(first));
  assert.equal(
    first.message,
    "kafka: append failed: the broker at b:1 did not acknowledge the records within 200 ms; " +
      "they may have been written all the same. Check that the broker answers (its log, " +
      "its disk), then retry",
  );
  assert.equal(first.context.topic, "t");
  assert.deepEqual(await group.send("t", [record]), [{
    partition: 0,
    offset: 5,
  }]);
  assert.deepEqual(made, [
    "producer 1",
    "producer 1 disconnected",
    "producer 2",
  ]);
  await group.close();
});

Deno.test({
  name:
    "kafka producer: a record its topic refuses fails only its own append, not the appends that shared its send",
  ...opts,
  fn: () =>
    withKafkaLog(target, async (log, admin) => {
      const small = uniqueTopic("small-limit");
      const other = uniqueTopic("other");
      await admin.createTopics({
        topics: [
          {
            topic: small,
            configEntries: [{ name: "max.message.bytes", value: "2000" }],
          },
          { topic: other },
        ],
        waitForLeaders: false,
      });
      for (const topic of [small, other]) {
        await waitForTopicLeaders(admin, topic, {
          brokers: target.brokers,
          partitions: 1,
        });
      }
      // A real producer whose sends are written down, so the test knows which were shared.
      const kafka = createKafkaClient({ brokers: target.brokers });
      const sends: string[][] = [];
      const create = () => {
        const producer = kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
        });
        const sendBatch = producer.sendBatch.bind(producer);
        producer.sendBatch = (batch) => {
          sends.push(
            (batch.topicMessages ?? []).flatMap((t) =>
              t.messages.map((m) =>
                `${t.topic === small ? "small" : "other"}:${
                  m.value!.length > 100 ? "big" : String(m.value)
                }`
              )
            ),
          );
          return sendBatch(batch);
        };
        return producer;
      };
      const group = new GroupProducer(create, { brokers: target.brokers });
      const one = (value: Uint8Array) => [{ partition: 0, key: null, value }];
      // The first append goes out alone; the next three wait for it and share one send.
      const [first, big, a, b] = await Promise.allSettled([
        group.send(other, one(enc.encode("first"))),
        group.send(small, one(new Uint8Array(3000).fill(0x61))),
        group.send(other, one(enc.encode("a"))),
        group.send(small, one(enc.encode("b"))),
      ]);
      await group.close();
      // The shared send was refused for the big record; then each append went alone.
      assert.deepEqual(sends, [
        ["other:first"],
        ["small:big", "small:b", "other:a"],
        ["small:big"],
        ["other:a"],
        ["small:b"],
      ]);
      assert.deepEqual(first, {
        status: "fulfilled",
        value: [{ partition: 0, offset: 0 }],
      });
      assert.equal(big.status, "rejected");
      const reason = (big as PromiseRejectedResult).reason;
      assert.ok(reason instanceof InvalidArgumentError, String(reason));
      assert.equal(
        reason.message,
        `Invalid records[0]: holds 3000 bytes (value + key), more than topic "${small}" ` +
          "takes (its max.message.bytes on the broker); send smaller records or raise the " +
          "topic's limit",
      );
      assert.equal(
        a.status,
        "fulfilled",
        String((a as PromiseRejectedResult).reason),
      );
      assert.equal(
        b.status,
        "fulfilled",
        String((b as PromiseRejectedResult).reason),
      );
      const c = await log.consumer(uniqueTopic("g"), [small, other]);
      const read = await pollUntil(c, 3);
      for (let more = 1; more > 0;) {
        const next = await c.poll({ timeoutMs: 300 });
        read.push(...next);
        more = next.length;
      }
      await c.close();
      // "a" may be there twice: the broker wrote it in the shared send, then again alone.
      assert.ok(read.length <= 4, `${read.length} records`);
      const values = read.map((r) => `${r.topic}:${dec.decode(r.value)}`);
      assert.deepEqual([...new Set(values)].sort(), [
        `${other}:a`,
        `${other}:first`,
        `${small}:b`,
      ]);
    }),
});
