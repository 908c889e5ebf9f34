import assert from "node:assert/strict";
import {
  AlreadyExistsError,
  BackendError,
  TopicNotFoundError,
} from "../../errors.ts";
import {
  InvalidArgumentError,
  InvalidPartitionError,
} from "../../log/errors.ts";
import { partitionForKey } from "../../log/partitioner.ts";
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

Deno.test({
  name:
    "kafka: create, describe, list topics; duplicates and unknown names are typed errors",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const name = uniqueTopic("admin");
      await log.createTopic(name, { partitions: 3, replicationFactor: 1 });
      assert.deepEqual(await log.describeTopic(name), { name, partitions: 3 });
      const listed = await log.listTopics();
      assert.deepEqual(listed.find((t) => t.name === name), {
        name,
        partitions: 3,
      });
      // Kafka's internal topics are not listed (only they: see the next test).
      assert.ok(
        listed.every((t) =>
          t.name !== "__consumer_offsets" && t.name !== "__transaction_state"
        ),
      );
      const names = listed.map((t) => t.name);
      assert.deepEqual(names, [...names].sort());
      await assert.rejects(() => log.createTopic(name), AlreadyExistsError);
      await assert.rejects(
        () => log.describeTopic(name + ".nope"),
        TopicNotFoundError,
      );
      const began = Date.now();
      await assert.rejects(
        () => log.append(name + ".nope", [{ value: enc.encode("{}") }]),
        TopicNotFoundError,
      );
      assert.ok(Date.now() - began < 5000, "an unknown topic fails fast");
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka: a topic whose name starts with __ is listed, described, appended to and read, as on the embedded log",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      // Kafka takes such a name (it warns only); its own topics are __consumer_offsets
      // and __transaction_state.
      const name = `__${uniqueTopic("underscored")}`;
      await log.createTopic(name, { partitions: 2 });
      assert.deepEqual(await log.describeTopic(name), { name, partitions: 2 });
      const listed = await log.listTopics();
      assert.deepEqual(listed.find((t) => t.name === name), {
        name,
        partitions: 2,
      });
      assert.deepEqual(
        await log.append(name, [{ value: enc.encode("a"), partition: 1 }]),
        [{ partition: 1, offset: 0 }],
      );
      const consumer = await log.consumer(`g.${name}`, [name]);
      const [r] = await pollUntil(consumer, 1);
      assert.deepEqual([r.partition, r.offset, dec.decode(r.value)], [
        1,
        0,
        "a",
      ]);
      await consumer.close();
      await assert.rejects(
        () => log.describeTopic("__consumer_offsets"),
        TopicNotFoundError,
      );
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka: a replication factor above the cluster's broker count is an InvalidArgumentError saying so",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const name = uniqueTopic("replicas");
      // The test broker is alone; 10000 passes the log's own check.
      await assert.rejects(
        () => log.createTopic(name, { replicationFactor: 10_000 }),
        {
          name: "InvalidArgumentError",
          code: "INVALID_ARGUMENT",
          message:
            `Invalid replicationFactor 10000: the cluster at ${
              target.brokers.join(",")
            } has fewer brokers than that (each replica of a partition needs a broker ` +
            "of its own); give at most the number of brokers",
        },
      );
      await assert.rejects(() => log.describeTopic(name), TopicNotFoundError);
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka: append returns exact offsets; explicit, keyed and round-robin placement",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const name = uniqueTopic("append");
      await log.createTopic(name, { partitions: 3 });
      const first = await log.append(
        name,
        [0, 1, 2, 3].map((i) => ({
          value: enc.encode(`{"i":${i}}`),
          partition: 1,
        })),
      );
      assert.deepEqual(
        first,
        [0, 1, 2, 3].map((offset) => ({ partition: 1, offset })),
      );
      const keyed = await log.append(name, [
        { key: "user-1", value: enc.encode("a") },
        { key: "user-2", value: enc.encode("b") },
        { key: "user-1", value: enc.encode("c") },
      ]);
      assert.deepEqual(keyed.map((r) => r.partition), [
        partitionForKey("user-1", 3),
        partitionForKey("user-2", 3),
        partitionForKey("user-1", 3),
      ]);
      const rr = await log.append(
        name,
        [0, 1, 2].map(() => ({ value: enc.encode("r") })),
      );
      assert.deepEqual(rr.map((r) => r.partition).sort(), [0, 1, 2]);
      await assert.rejects(
        () => log.append(name, [{ value: enc.encode("x"), partition: 3 }]),
        InvalidPartitionError,
      );
      const c = await log.consumer(uniqueTopic("g"), [name]);
      const all = await pollUntil(c, 10);
      await c.close();
      assert.equal(all.length, 10);
      const p1 = all.filter((r) => r.partition === 1).map((
        r,
      ) => [r.offset, dec.decode(r.value)]);
      assert.deepEqual(p1.slice(0, 4), [[0, '{"i":0}'], [1, '{"i":1}'], [
        2,
        '{"i":2}',
      ], [3, '{"i":3}']]);
      const byKey = all.filter((r) => r.key === "user-1").map((r) =>
        dec.decode(r.value)
      );
      assert.deepEqual(byKey, ["a", "c"]);
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka: concurrent appends share produce requests and each record gets its own offset",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({
      brokers: target.brokers,
      maxRequestBytes: 20_000,
    });
    try {
      const name = uniqueTopic("group");
      await log.createTopic(name, { partitions: 2 });
      const value = (i: number, j: number) =>
        enc.encode(`{"req":${i},"n":${j},"pad":"${"x".repeat(200)}"}`);
      const results = await Promise.all(
        Array.from(
          { length: 40 },
          (_, i) =>
            log.append(
              name,
              Array.from(
                { length: 10 },
                (_, j) => ({ value: value(i, j), partition: i % 2 }),
              ),
            ),
        ),
      );
      const seen = new Map<string, string>();
      results.forEach((res, i) =>
        res.forEach((r, j) =>
          seen.set(`${r.partition}:${r.offset}`, dec.decode(value(i, j)))
        )
      );
      assert.equal(seen.size, 400);
      for (const p of [0, 1]) {
        const offsets = [...seen.keys()].filter((k) => k.startsWith(`${p}:`))
          .map((k) => Number(k.split(":")[1]));
        assert.deepEqual(
          offsets.sort((a, b) => a - b),
          Array.from({ length: 200 }, (_, i) => i),
        );
      }
      const c = await log.consumer(uniqueTopic("g"), [name]);
      const all = await pollUntil(c, 400);
      await c.close();
      assert.equal(all.length, 400);
      for (const r of all) {
        assert.equal(
          dec.decode(r.value),
          seen.get(`${r.partition}:${r.offset}`),
        );
      }
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka: a record over 1,000,000 bytes is refused before sending; a produce request the broker refuses fails with BackendError",
  ...opts,
  fn: async () => {
    // Requests of up to 4 MB: more than the broker takes in one record batch (1 MiB).
    const log = await openKafkaLog({
      brokers: target.brokers,
      maxRequestBytes: 4_000_000,
    });
    try {
      const name = uniqueTopic("large");
      await log.createTopic(name, { partitions: 1 });
      const [small1, large, small2] = await Promise.allSettled([
        log.append(name, [{ value: enc.encode("s1") }]),
        log.append(name, [{ value: new Uint8Array(1_000_001).fill(0x61) }]),
        log.append(name, [{ value: enc.encode("s2") }]),
      ]);
      assert.equal(small1.status, "fulfilled");
      assert.equal(small2.status, "fulfilled");
      const refused = (large as PromiseRejectedResult).reason;
      assert.ok(refused instanceof InvalidArgumentError, String(refused));
      assert.equal(
        refused.message,
        "Invalid records[0]: holds 1000001 bytes (value + key); a topic record holds at most 1000000, as a Kafka broker takes by default",
      );
      // 1,200 records of 1,000 bytes go out in one 1.2 MB record batch.
      const many = Array.from({ length: 1200 }, () => ({
        value: new Uint8Array(1000).fill(0x62),
      }));
      const reason = await log.append(name, many).then(
        () => assert.fail("the broker took a batch over its limit"),
        (e) => e,
      );
      assert.ok(reason instanceof BackendError, String(reason));
      assert.equal(
        reason.message,
        `kafka: append failed: the broker at ${
          target.brokers.join(",")
        } refused it ` +
          "(KafkaJSProtocolError, MESSAGE_TOO_LARGE): The request included a message larger " +
          "than the max message size the server will accept",
      );
      assert.equal(reason.context.topic, name);
      const c = await log.consumer(uniqueTopic("g"), [name]);
      const all = await pollUntil(c, 2);
      // Nothing of the refused batch was appended.
      assert.deepEqual(await c.poll({ timeoutMs: 300 }), []);
      await c.close();
      assert.deepEqual(all.map((r) => dec.decode(r.value)).sort(), [
        "s1",
        "s2",
      ]);
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka: once an append found its topic deleted, the next appends to it fail at once",
  ...opts,
  fn: () =>
    withKafkaLog(target, async (log, admin) => {
      const name = uniqueTopic("deleted");
      await log.createTopic(name);
      assert.deepEqual(await log.append(name, [{ value: enc.encode("a") }]), [
        { partition: 0, offset: 0 },
      ]);
      await admin.deleteTopics({ topics: [name] });
      // Until the broker applied the deletion it still takes the topic's records (the
      // log's own listing would refresh the cache this test is about).
      for (let i = 0; (await admin.listTopics()).includes(name); i++) {
        assert.ok(i < 300, `the broker still lists ${name} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // The first append learns it from the producer's retries, some seconds.
      await assert.rejects(
        () => log.append(name, [{ value: enc.encode("b") }]),
        TopicNotFoundError,
      );
      // Each append took as long again, holding up the appends to every other topic.
      const began = Date.now();
      await assert.rejects(
        () => log.append(name, [{ value: enc.encode("c") }]),
        TopicNotFoundError,
      );
      const tookMs = Date.now() - began;
      assert.ok(tookMs < 2000, `the second append took ${tookMs} ms`);
    }),
});

Deno.test({
  name:
    "kafka: a topic name the broker refuses is an InvalidArgumentError saying which names it takes",
  ...opts,
  fn: async () => {
    const log = await openKafkaLog({ brokers: target.brokers });
    try {
      const dotted = uniqueTopic("name");
      await log.createTopic(dotted);
      // Kafka takes "." and "_" for one in its metric names: the two names collide.
      const underscored = dotted.replaceAll(".", "_");
      for (const name of [underscored, "a/b", "x".repeat(250), "..", ""]) {
        await assert.rejects(() => log.createTopic(name), {
          name: "InvalidArgumentError",
          code: "INVALID_ARGUMENT",
          message:
            `Invalid topic name ${JSON.stringify(name)}: the broker at ${
              target.brokers.join(",")
            } refused it; ` +
            'use 1 to 249 characters among a-z A-Z 0-9 . _ -, other than "." and "..", ' +
            'and no name that differs from an existing topic\'s only in "." and "_" ' +
            "(Kafka takes them for one in its metric names)",
        });
      }
      assert.deepEqual(
        (await log.listTopics()).filter((t) => t.name === underscored),
        [],
      );
    } finally {
      await log.close();
    }
  },
});

Deno.test({
  name:
    "kafka: an append that failed because another topic was deleted is a BackendError, not TopicNotFoundError",
  ...opts,
  fn: () =>
    withKafkaLog(target, async (log, admin) => {
      const gone = uniqueTopic("gone");
      const kept = uniqueTopic("kept");
      await log.createTopic(gone);
      await log.createTopic(kept);
      await log.append(gone, [{ value: enc.encode("a") }]);
      await admin.deleteTopics({ topics: [gone] });
      for (
        let i = 0;
        (await log.listTopics()).some((t) => t.name === gone);
        i++
      ) {
        assert.ok(i < 300, `the broker still lists ${gone} after 30 s`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // The producer asks the broker about every topic it wrote to at once, and fails the
      // append when one of them is gone: the gateway answered 404 for an existing topic.
      const reason = await log.append(kept, [{ value: enc.encode("b") }]).then(
        () => null,
        (e) => e,
      );
      assert.ok(reason instanceof BackendError, String(reason));
      assert.equal(
        reason.message,
        `kafka: append failed: the broker at ${
          target.brokers.join(",")
        } answered that a topic of the produce request does not exist, but "${kept}" does ` +
          "(another topic this producer wrote to was deleted); retry the append",
      );
      assert.deepEqual(await log.append(kept, [{ value: enc.encode("c") }]), [
        { partition: 0, offset: 0 },
      ]);
    }),
});
