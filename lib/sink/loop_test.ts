import assert from "node:assert/strict";
import type { TopicConsumer, TopicLog } from "../log/types.ts";
import { silentLogger } from "../logger.ts";
import { consumeLoop } from "./loop.ts";
import { sinkFixture, values } from "./test_util.ts";

/** `topics` with each consumer's methods replaced by those `change` gives for it. */
function withConsumers(
  topics: TopicLog,
  change: (c: TopicConsumer) => Partial<TopicConsumer>,
): TopicLog {
  return {
    listTopics: () => topics.listTopics(),
    describeTopic: (name) => topics.describeTopic(name),
    createTopic: (name, o) => topics.createTopic(name, o),
    append: (topic, records) => topics.append(topic, records),
    close: () => topics.close(),
    async consumer(group, names) {
      const c = await topics.consumer(group, names);
      return {
        poll: (o) => c.poll(o),
        seek: (p) => c.seek(p),
        commit: (p) => c.commit(p),
        committed: (t, p) => c.committed(t, p),
        offsets: (t, p) => c.offsets(t, p),
        membership: () => c.membership(),
        close: () => c.close(),
        ...change(c),
      };
    },
  };
}

Deno.test("consume loop: a buffer due while the group rebalances does not starve the event loop", async () => {
  // Kafka's consumer answers a poll with a 0 ms timeout at once. A buffer due for rotation
  // while the group rebalances (it cannot be flushed then) made every poll's timeout 0:
  // the loop ran on microtasks alone, so no timer or socket event ran, the rebalance could
  // never end and the process spun (a stalled CI run). Here the embedded log's consumer
  // reports a rebalance from the first records on, as a Kafka member would.
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(5));
    let rebalancing = false;
    let sawRecords = false;
    const log = withConsumers(fx.log.topics, (c) => ({
      async poll(options) {
        // The poll after the one that brought the records: they are buffered, not
        // yet due, and a rebalance begins.
        if (sawRecords) rebalancing = true;
        const records = await c.poll(options);
        if (records.length > 0) sawRecords = true;
        return records;
      },
      membership: () => ({ ...c.membership(), rebalancing }),
    }));
    let timerFired = false;
    let iterations = 0;
    setTimeout(() => timerFired = true, 200);
    await consumeLoop({
      log,
      group: "s3-sink",
      topics: ["t.pin"],
      pollTimeoutMs: 500,
      store: fx.store,
      flushSize: 100,
      rotateIntervalMs: 50, // due 50 ms after the records came, during the rebalance
      verify: "all",
      logger: silentLogger,
      locked: (fn) => fn(),
      onWriter: () => {},
    }, {
      // Without a yield to the event loop the timer never fires: the loop ends after
      // 100,000 turns instead, and the assertions below say so.
      keepGoing: () => !timerFired && ++iterations < 100_000,
      waitCap: () => Infinity,
    });
    assert.ok(rebalancing, "the consumer reported a rebalance");
    assert.ok(timerFired, `the timer never fired in ${iterations} turns`);
    assert.ok(iterations < 50, `${iterations} turns in 200 ms`);
    // Nothing was written during the rebalance.
    assert.deepEqual(await fx.lake(), {});
  } finally {
    await fx.cleanup();
  }
});

Deno.test("consume loop: records of 1 MB come in polls of at most 16 MiB, not 500 at once", async () => {
  // The loop polls up to max(flushSize, 500) records: 500 records of 1 MB were 500 MB in
  // one poll. The consumer's byte bound (16 MiB by default) now splits them.
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const big = (i: number) => {
      const head = `{"n":${i},"p":"`;
      return `${head}${"x".repeat(1_000_000 - head.length - 2)}"}`;
    };
    for (let i = 0; i < 20; i += 5) {
      await fx.append("t.pin", [i, i + 1, i + 2, i + 3, i + 4].map(big));
    }
    const polls: { records: number; bytes: number }[] = [];
    const log = withConsumers(fx.log.topics, (c) => ({
      async poll(options) {
        const records = await c.poll(options);
        const bytes = records.reduce((n, r) => n + r.value.byteLength, 0);
        if (records.length > 0) polls.push({ records: records.length, bytes });
        return records;
      },
    }));
    await consumeLoop({
      log,
      group: "s3-sink",
      topics: ["t.pin"],
      pollTimeoutMs: 50,
      store: fx.store,
      flushSize: 500,
      rotateIntervalMs: 60_000,
      verify: "all",
      logger: silentLogger,
      locked: (fn) => fn(),
      onWriter: () => {},
    }, {
      keepGoing: () => polls.reduce((n, p) => n + p.records, 0) < 20,
      waitCap: () => Infinity,
    });
    const size = 1_000_000; // 16 records fit in 16 MiB, a 17th would not
    assert.deepEqual(polls, [
      { records: 16, bytes: 16 * size },
      { records: 4, bytes: 4 * size },
    ]);
    const lake = await fx.lake();
    assert.deepEqual(Object.keys(lake), [
      "topics/t.pin/partition=0/t.pin+0+0000000000.json",
    ]);
    const lines = Object.values(lake)[0].split("\n").filter((l) => l !== "");
    assert.deepEqual(lines.map((l) => JSON.parse(l).n), [...Array(20).keys()]);
  } finally {
    await fx.cleanup();
  }
});
