/**
 * What the sink writes: objects of at most flushSize records (or a partial one once
 * rotateIntervalMs passed), per topic and partition, each committed only after it is in
 * the lake; its options checked; one sink per lake, whatever its group.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { storeWith } from "../lake/test_store.ts";
import { LakeBusyError } from "./errors.ts";
import { createSink } from "./sink.ts";
import { ndjson, partitionKeys, sinkFixture, values } from "./test_util.ts";

/** The key of the object of t.pin, partition 0, starting at `startOffset`. */
const pinKey = partitionKeys("t.pin");

Deno.test("sink: flushSize 3 with 7 records writes +0, +3 and +6 with exact contents", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    assert.deepEqual(await fx.append("t.pin", values(7)), [
      0,
      1,
      2,
      3,
      4,
      5,
      6,
    ]);
    const sink = createSink({
      log: fx.log.topics,
      store: fx.store,
      topics: ["t.pin"],
      flushSize: 3,
    });
    await sink.drain({ idleMs: 200 });
    assert.deepEqual(await fx.lake(), {
      [pinKey(0)]: ndjson(3, 0),
      [pinKey(3)]: ndjson(3, 3),
      [pinKey(6)]: ndjson(1, 6),
    });
    assert.equal(await fx.committed("t.pin", 0), 7);
    assert.deepEqual(sink.stats, {
      recordsWritten: 7,
      objectsWritten: 3,
      duplicatesDropped: 0,
      staleDropped: 0,
      rewinds: 0,
      partitions: [{
        topic: "t.pin",
        partition: 0,
        nextOffset: 7,
        buffered: 0,
      }],
    });
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: the offset is committed only after its object is written", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(5));
    const seen: [string, number | null, boolean][] = [];
    const watched = storeWith(fx.store, {
      async put(key, body) {
        seen.push([
          key,
          await fx.committed("t.pin", 0),
          (await fx.lake())[key] !== undefined,
        ]);
        await fx.store.put(key, body);
      },
    });
    const sink = createSink({
      log: fx.log.topics,
      store: watched,
      topics: ["t.pin"],
      flushSize: 2,
    });
    await sink.drain({ idleMs: 200 });
    assert.deepEqual(seen, [
      [pinKey(0), null, false],
      [pinKey(2), 2, false],
      [pinKey(4), 4, false],
    ]);
    assert.equal(await fx.committed("t.pin", 0), 5);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: rotation by time writes a partial buffer while no record arrives", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const sink = createSink({
      log: fx.log.topics,
      store: fx.store,
      topics: ["t.pin"],
      flushSize: 100,
      rotateIntervalMs: 300,
      pollTimeoutMs: 1000,
    });
    const controller = new AbortController();
    const running = sink.run(controller.signal);
    try {
      const waitFor = async (n: number) => {
        const t0 = Date.now();
        while (Object.keys(await fx.lake()).length < n) {
          assert.ok(
            Date.now() - t0 < 5000,
            `no rotation within 5 s (want ${n} objects)`,
          );
          await new Promise((r) => setTimeout(r, 20));
        }
        return Date.now() - t0;
      };
      const t0 = Date.now();
      await fx.append("t.pin", values(2));
      await waitFor(1);
      const first = Date.now() - t0;
      assert.ok(first >= 300 && first < 1500, `rotated after ${first} ms`);
      await fx.append("t.pin", values(1, 2));
      await waitFor(2);
    } finally {
      controller.abort();
      await running;
    }
    assert.equal(await fx.committed("t.pin", 0), 3);
    assert.deepEqual(await fx.lake(), {
      [pinKey(0)]: ndjson(2, 0),
      [pinKey(2)]: ndjson(1, 2),
    });
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: several topics and partitions, each with its own objects", async () => {
  const fx = await sinkFixture({ "m.pin": 3, "m.geo": 1 });
  try {
    await fx.append("m.pin", values(4, 0), 0);
    await fx.append("m.pin", values(2, 10), 2);
    await fx.append("m.geo", values(5, 20));
    await fx.append("m.pin", values(1, 4), 0);
    const sink = createSink({
      log: fx.log.topics,
      store: fx.store,
      topics: ["m.pin", "m.geo"],
      flushSize: 4,
    });
    await sink.drain({ idleMs: 200 });
    const geo0 = partitionKeys("m.geo");
    const pin0 = partitionKeys("m.pin");
    const pin2 = partitionKeys("m.pin", 2);
    assert.deepEqual(await fx.lake(), {
      [geo0(0)]: ndjson(4, 20),
      [geo0(4)]: ndjson(1, 24),
      [pin0(0)]: ndjson(4, 0),
      [pin0(4)]: ndjson(1, 4),
      [pin2(0)]: ndjson(2, 10),
    });
    assert.deepEqual(sink.stats.partitions, [
      { topic: "m.geo", partition: 0, nextOffset: 5, buffered: 0 },
      { topic: "m.pin", partition: 0, nextOffset: 5, buffered: 0 },
      { topic: "m.pin", partition: 1, nextOffset: null, buffered: 0 },
      { topic: "m.pin", partition: 2, nextOffset: 2, buffered: 0 },
    ]);
    assert.equal(await fx.committed("m.pin", 1), null);
    assert.equal(await fx.committed("m.pin", 2), 2);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: options are validated with ConfigError naming the setting", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const base = { log: fx.log.topics, store: fx.store, topics: ["t.pin"] };
    for (
      const [opts, setting] of [
        [{ flushSize: 0 }, "flushSize"],
        [{ flushSize: 2.5 }, "flushSize"],
        [{ rotateIntervalMs: -1 }, "rotateIntervalMs"],
        [{ pollTimeoutMs: 0 }, "pollTimeoutMs"],
        [{ maxObjectBytes: 0.5 }, "maxObjectBytes"],
        [{ topics: [] }, "topics"],
      ] as const
    ) {
      assert.throws(() => createSink({ ...base, ...opts }), (e) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.context.setting, setting);
        return true;
      });
    }
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: a second sink on the same group is refused at ready(), so objects are never written twice", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const options = {
      log: fx.log.topics,
      store: fx.store,
      topics: ["t.pin"],
      flushSize: 2,
    };
    const first = createSink(options);
    await first.ready(); // never started: nothing to wait for
    const firstDone = first.run();
    await first.ready();
    const second = createSink(options);
    const secondDone = second.run();
    await assert.rejects(second.ready(), LakeBusyError);
    await assert.rejects(secondDone, LakeBusyError);
    await fx.append("t.pin", values(5));
    await first.stop({ drain: true, idleMs: 200 });
    await firstDone;
    assert.deepEqual(await fx.lake(), {
      [pinKey(0)]: ndjson(2, 0),
      [pinKey(2)]: ndjson(2, 2),
      [pinKey(4)]: ndjson(1, 4),
    });
    // Once the first has stopped, the group is free again.
    const third = createSink(options);
    await third.drain({ idleMs: 100 });
    assert.equal(third.stats.recordsWritten, 0);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: a sink of another group on the same lake is refused at ready(), naming the first, so the lake holds each record once", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const base = {
      log: fx.log.topics,
      store: fx.store,
      topics: ["t.pin"],
      rotateIntervalMs: 60_000,
    };
    const first = createSink({ ...base, group: "sink-a", flushSize: 2 });
    const firstDone = first.run();
    await first.ready();
    // Before the lock, this one consumed every record too, in objects of 3: its +0 replaced
    // the first's, +3 overlapped +2 and +4 (10 records held for 6), and the next start
    // stopped on LakeCorruptionError ("offsets 2..2 are written twice").
    const second = createSink({ ...base, group: "sink-b", flushSize: 3 });
    const secondDone = second.run();
    await assert.rejects(second.ready(), (e) => {
      assert.ok(e instanceof LakeBusyError);
      assert.deepEqual(e.context, {
        lake: fx.store.location,
        lockPath: `${fx.store.location}.sink.lock`,
        pid: Deno.pid,
        group: "sink-a",
      });
      return true;
    });
    await assert.rejects(secondDone, LakeBusyError);
    await fx.append("t.pin", values(6));
    await first.stop({ drain: true, idleMs: 200 });
    await firstDone;
    assert.deepEqual(await fx.lake(), {
      [pinKey(0)]: ndjson(2, 0),
      [pinKey(2)]: ndjson(2, 2),
      [pinKey(4)]: ndjson(2, 4),
    });
    // Once the first has stopped, a sink of the other group takes the lake over and goes
    // on where the lake ends.
    await fx.append("t.pin", values(1, 6));
    const third = createSink({ ...base, group: "sink-b", flushSize: 3 });
    await third.drain({ idleMs: 100 });
    // It seeks to the lake's end, so not a record comes twice.
    assert.equal(third.stats.recordsWritten, 1);
    assert.equal(third.stats.duplicatesDropped, 0);
    assert.deepEqual(await fx.lake(), {
      [pinKey(0)]: ndjson(2, 0),
      [pinKey(2)]: ndjson(2, 2),
      [pinKey(4)]: ndjson(2, 4),
      [pinKey(6)]: ndjson(1, 6),
    });
  } finally {
    await fx.cleanup();
  }
});
