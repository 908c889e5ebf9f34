import assert from "node:assert/strict";
import { assignBySubscription } from "./assigner.ts";
import { openKafkaLog } from "./mod.ts";
import { kafkaTestTarget, pollUntil, uniqueTopic } from "./test_target.ts";

const target = await kafkaTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("assignBySubscription: each topic goes to the members that read it, round robin", () => {
  assert.deepEqual(
    assignBySubscription(
      [
        { memberId: "m2", topics: ["b.pin", "b.geo"] },
        { memberId: "m1", topics: ["a.pin"] },
        { memberId: "m3", topics: ["a.pin", "b.pin"] },
      ],
      new Map([["a.pin", 3], ["b.geo", 1], ["b.pin", 2], ["gone", 1]]),
    ),
    {
      m1: { "a.pin": [0, 2] },
      m2: { "b.geo": [0], "b.pin": [1] },
      m3: { "a.pin": [1], "b.pin": [0] },
    },
  );
});

Deno.test("assignBySubscription: members of the same topics share them evenly; no topic, no partitions", () => {
  assert.deepEqual(
    assignBySubscription(
      [
        { memberId: "b", topics: ["t"] },
        { memberId: "a", topics: ["t"] },
        { memberId: "c", topics: [] },
      ],
      new Map([["t", 4]]),
    ),
    { a: { t: [0, 2] }, b: { t: [1, 3] }, c: {} },
  );
});

Deno.test({
  name:
    "kafka group: members reading different topics (two prefixes' sinks in one group) each read their own",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // Two clients, as two sinks are two processes (kafkajs shares the committed offsets of
    // a group among the consumers of one client).
    const log = await openKafkaLog({ brokers: target.brokers });
    const other = await openKafkaLog({ brokers: target.brokers });
    const group = uniqueTopic("group");
    const first = uniqueTopic("first");
    const second = uniqueTopic("second");
    const consumers = [];
    try {
      await log.createTopic(first);
      await log.createTopic(second);
      await log.append(first, [{ value: enc.encode('{"first":0}') }]);
      await log.append(second, [{ value: enc.encode('{"second":0}') }]);
      const a = await log.consumer(group, [first]);
      consumers.push(a);
      assert.deepEqual(
        (await pollUntil(a, 1)).map((r) => dec.decode(r.value)),
        ['{"first":0}'],
      );
      await a.commit([{ topic: first, partition: 0, offset: 1 }]);
      // Before: the leader (a) handed out its own topic only; b never got `second`.
      const b = await other.consumer(group, [second]);
      consumers.push(b);
      const gotB = await pollUntil(b, 1, { timeoutMs: 15_000 });
      assert.deepEqual(gotB.map((r) => [r.topic, dec.decode(r.value)]), [
        [second, '{"second":0}'],
      ]);
      await log.append(first, [{ value: enc.encode('{"first":1}') }]);
      const gotA = await pollUntil(a, 1, { timeoutMs: 15_000 });
      assert.deepEqual(gotA.map((r) => [r.topic, dec.decode(r.value)]), [
        [first, '{"first":1}'],
      ]);
    } finally {
      for (const c of consumers) await c.close().catch(() => {});
      await log.close();
      await other.close();
    }
  },
});
