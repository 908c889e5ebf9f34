import assert from "node:assert/strict";
import { TopicNotFoundError } from "../../errors.ts";
import { openKafkaLog } from "./mod.ts";
import {
  kafkaTestTarget,
  pollUntil,
  uniqueTopic,
  withKafkaLog,
} from "./test_target.ts";

const target = await kafkaTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();
const opts = target.testOptions;
const values = (n: number, tag: string) =>
  Array.from(
    { length: n },
    (_, i) => ({ value: enc.encode(`{"${tag}":${i}}`), partition: 0 }),
  );

Deno.test({
  name: "kafka consumer: reads exact values, keys, offsets and timestamps",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const topic = uniqueTopic("read");
      await log.createTopic(topic);
      const before = Date.now();
      await log.append(topic, [
        { key: "k1", value: enc.encode('{"a":1}') },
        { key: null, value: enc.encode('{"b":"ü"}') },
        { value: new Uint8Array([0, 255, 10]) },
      ]);
      const after = Date.now();
      const c = await log.consumer(uniqueTopic("g"), [topic]);
      const got = await pollUntil(c, 3);
      await c.close();
      assert.deepEqual(
        got.map((r) => ({ ...r, timestamp: 0 })),
        [
          {
            topic,
            partition: 0,
            offset: 0,
            key: "k1",
            value: enc.encode('{"a":1}'),
            timestamp: 0,
          },
          {
            topic,
            partition: 0,
            offset: 1,
            key: null,
            value: enc.encode('{"b":"ü"}'),
            timestamp: 0,
          },
          {
            topic,
            partition: 0,
            offset: 2,
            key: null,
            value: new Uint8Array([0, 255, 10]),
            timestamp: 0,
          },
        ],
      );
      for (const r of got) {
        assert.ok(r.timestamp >= before - 5 && r.timestamp <= after + 5);
      }
      assert.equal(Object.getPrototypeOf(got[0].value), Uint8Array.prototype);
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka consumer: a group resumes from its committed offset; committed() reads it back",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const topic = uniqueTopic("resume");
      const group = uniqueTopic("g");
      await log.createTopic(topic);
      await log.append(topic, values(10, "n"));
      const a = await log.consumer(group, [topic]);
      assert.equal(await a.committed(topic, 0), null);
      const firstFour = await pollUntil(a, 4, { maxRecords: 4 });
      assert.deepEqual(firstFour.map((r) => r.offset), [0, 1, 2, 3]);
      await a.commit([{ topic, partition: 0, offset: 4 }]);
      assert.equal(await a.committed(topic, 0), 4);
      await a.close();
      const b = await log.consumer(group, [topic]);
      const rest = await pollUntil(b, 6);
      assert.deepEqual(
        rest.map((r) => dec.decode(r.value)),
        [4, 5, 6, 7, 8, 9].map((i) => `{"n":${i}}`),
      );
      assert.equal(await b.committed(topic, 0), 4);
      await b.close();
      const other = await log.consumer(uniqueTopic("g"), [topic]);
      assert.equal(await other.committed(topic, 0), null);
      assert.equal((await pollUntil(other, 10)).length, 10);
      await other.close();
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name: "kafka consumer: seek moves the read position back and forward",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const topic = uniqueTopic("seek");
      await log.createTopic(topic, { partitions: 2 });
      await log.append(topic, values(8, "s"));
      const group = uniqueTopic("g");
      const c = await log.consumer(group, [topic]);
      assert.deepEqual((await pollUntil(c, 8)).map((r) => r.offset), [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
      ]);
      await c.seek({ topic, partition: 0, offset: 2 });
      assert.deepEqual((await pollUntil(c, 6)).map((r) => r.offset), [
        2,
        3,
        4,
        5,
        6,
        7,
      ]);
      await c.seek({ topic, partition: 0, offset: 6 });
      const tail = await pollUntil(c, 2);
      assert.deepEqual(tail.map((r) => dec.decode(r.value)), [
        '{"s":6}',
        '{"s":7}',
      ]);
      assert.deepEqual(await c.poll({ timeoutMs: 300 }), []);
      await assert.rejects(
        () => c.seek({ topic, partition: 2, offset: 0 }),
        {
          name: "InvalidPartitionError",
          message:
            `Invalid partition 2: topic "${topic}" has partitions 0 to 1; name one of those`,
        },
      );
      // A topic the consumer does not read (whether or not it exists): the error says which
      // it reads, on seek, commit and committed alike.
      for (
        const call of [
          () => c.seek({ topic: topic + "x", partition: 0, offset: 0 }),
          () => c.commit([{ topic: topic + "x", partition: 0, offset: 0 }]),
          () => c.committed(topic + "x", 0),
        ]
      ) {
        await assert.rejects(call, {
          name: "TopicNotReadError",
          code: "TOPIC_NOT_READ",
          message:
            `Invalid topic "${topic}x": the consumer of group "${group}" reads only ${topic}; name one of those`,
        });
      }
      for (const [timeoutMs, shown] of [[NaN, "NaN"], ["100", '"100"']]) {
        await assert.rejects(
          () => c.poll({ timeoutMs: timeoutMs as number }),
          {
            name: "InvalidArgumentError",
            message:
              `Invalid timeoutMs ${shown}: must be a number of milliseconds`,
          },
        );
      }
      await c.close();
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka consumer: unknown topic is TopicNotFoundError; a small queue still delivers all in order",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({
      brokers: target.brokers,
      maxQueuedRecords: 50,
    });
    try {
      await assert.rejects(
        () => log.consumer(uniqueTopic("g"), [uniqueTopic("missing")]),
        TopicNotFoundError,
      );
      const topic = uniqueTopic("queue");
      await log.createTopic(topic);
      const pad = "x".repeat(2000); // 2 MB in 10 appends: more than one fetch (1 MiB a partition)
      for (let i = 0; i < 10; i++) {
        await log.append(
          topic,
          Array.from(
            { length: 100 },
            (_, j) => ({
              value: enc.encode(`{"q":${i * 100 + j},"p":"${pad}"}`),
            }),
          ),
        );
      }
      const c = await log.consumer(uniqueTopic("g"), [topic]);
      const first = await c.poll({ maxRecords: 10, timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 500)); // let the queue fill past its bound and pause
      const all = [
        ...first,
        ...(await pollUntil(c, 1000 - first.length, { maxRecords: 37 })),
      ];
      assert.deepEqual(
        all.map((r) => r.offset),
        Array.from({ length: 1000 }, (_, i) => i),
      );
      assert.deepEqual(await c.poll({ timeoutMs: 300 }), []);
      await c.close();
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka consumer: offsets gives a partition's first and next offset, the first moved by deleted records",
  ...opts,
  fn: () =>
    withKafkaLog(target, async (log, admin) => {
      const topic = uniqueTopic("offsets");
      await log.createTopic(topic, { partitions: 2 });
      const c = await log.consumer(uniqueTopic("g"), [topic]);
      assert.deepEqual(await c.offsets(topic, 0), { start: 0, end: 0 });
      await log.append(
        topic,
        [0, 1, 2, 3, 4].map((i) => ({
          value: new TextEncoder().encode(`{"i":${i}}`),
          partition: 0,
        })),
      );
      assert.deepEqual(await c.offsets(topic, 0), { start: 0, end: 5 });
      assert.deepEqual(await c.offsets(topic, 1), { start: 0, end: 0 });
      // What retention does: the records before offset 3 are deleted.
      await admin.fetchTopicMetadata({ topics: [topic] });
      await admin.deleteTopicRecords({
        topic,
        partitions: [{ partition: 0, offset: "3" }],
      });
      assert.deepEqual(await c.offsets(topic, 0), { start: 3, end: 5 });
      await assert.rejects(() => c.offsets(topic + "x", 0), {
        name: "TopicNotReadError",
      });
      await c.close();
    }),
});

Deno.test({
  name:
    "kafka consumer: a poll stops before the record that would pass maxBytes, one record at least; a bad maxBytes is refused",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const topic = uniqueTopic("bytes");
      await log.createTopic(topic);
      // One append: one batch, all five queued by the first fetch. 96 + 2 = 98 bytes each.
      await log.append(
        topic,
        Array.from({ length: 5 }, () => ({
          key: "ab",
          value: new Uint8Array(96),
        })),
      );
      const c = await log.consumer(uniqueTopic("g"), [topic]);
      const offsets = async (maxBytes: number) =>
        (await c.poll({ maxBytes, timeoutMs: 10_000 })).map((r) => r.offset);
      assert.deepEqual(await offsets(391), [0, 1, 2]); // a 4th would make 392
      assert.deepEqual(await offsets(1), [3]);
      assert.deepEqual(await offsets(16 * 1024 * 1024), [4]);
      const cases: [unknown, string][] = [
        [0, "0"],
        [1.5, "1.5"],
        [NaN, "NaN"],
        ["100", '"100"'],
      ];
      for (const [maxBytes, shown] of cases) {
        await assert.rejects(
          () => c.poll({ maxBytes: maxBytes as number, timeoutMs: 0 }),
          {
            name: "InvalidArgumentError",
            message: `Invalid maxBytes ${shown}: must be a positive integer`,
          },
        );
      }
      await c.close();
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka consumer: the queue pauses fetching once it holds maxQueuedBytes, and still delivers all in order",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({
      brokers: target.brokers,
      maxQueuedBytes: 50_000,
    });
    try {
      const topic = uniqueTopic("qbytes");
      await log.createTopic(topic);
      const value = new Uint8Array(2000);
      for (let i = 0; i < 4; i++) {
        await log.append(topic, Array.from({ length: 250 }, () => ({ value })));
      }
      const c = await log.consumer(uniqueTopic("g"), [topic]);
      const first = await c.poll({ maxRecords: 10, timeoutMs: 10_000 });
      await new Promise((r) => setTimeout(r, 500)); // time to fetch all 2 MB, were it not paused
      // Paused once past 50,000 bytes: what is queued is at most that plus the fetch that
      // passed it (at most 1 MiB, kafkajs' maxBytesPerPartition), not the 990 records left.
      const queued = await c.poll({
        maxRecords: 10_000,
        maxBytes: 10_000_000,
        timeoutMs: 0,
      });
      const most = Math.ceil((50_000 + 1024 * 1024) / 2000);
      assert.ok(
        queued.length <= most,
        `${queued.length} records queued, more than ${most}`,
      );
      const all = [
        ...first,
        ...queued,
        ...(await pollUntil(c, 1000 - first.length - queued.length)),
      ];
      assert.deepEqual(
        all.map((r) => r.offset),
        Array.from({ length: 1000 }, (_, i) => i),
      );
      await c.close();
    } finally {
      await log.close();
    }
  },
});
