import assert from "node:assert/strict";
import { BackendError, ConfigError } from "../errors.ts";
import { InvalidKeyError } from "../lake/errors.ts";
import { storeWith } from "../lake/test_store.ts";
import type { ObjectStore } from "../lake/types.ts";
import { GroupBusyError } from "../log/mod.ts";
import { type LogContext, silentLogger } from "../logger.ts";
import { LakeCorruptionError, LakeWriteError } from "./errors.ts";
import { createSink } from "./sink.ts";
import { ndjson, sinkFixture, values } from "./test_util.ts";

const P = (t: string, p: number, o: string) =>
  `topics/${t}/partition=${p}/${t}+${p}+${o}.json`;

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
      [P("t.pin", 0, "0000000000")]: ndjson(3, 0),
      [P("t.pin", 0, "0000000003")]: ndjson(3, 3),
      [P("t.pin", 0, "0000000006")]: ndjson(1, 6),
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
      [P("t.pin", 0, "0000000000"), null, false],
      [P("t.pin", 0, "0000000002"), 2, false],
      [P("t.pin", 0, "0000000004"), 4, false],
    ]);
    assert.equal(await fx.committed("t.pin", 0), 5);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: a write failing past its retries commits nothing; the next sink writes every record once", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(7));
    let puts = 0;
    const failing = storeWith(fx.store, {
      async put(key, body) {
        if (++puts >= 2) throw new Error("disk full");
        await fx.store.put(key, body);
      },
    });
    const broken = createSink({
      log: fx.log.topics,
      store: failing,
      topics: ["t.pin"],
      flushSize: 3,
      lakeRetry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    });
    await assert.rejects(broken.drain({ idleMs: 200 }), (e: unknown) => {
      assert.ok(e instanceof LakeWriteError);
      assert.equal(
        e.message,
        `The sink could not write ${
          P("t.pin", 0, "0000000003")
        } to the lake (3 attempts; last error: disk full). Nothing of it was committed: fix the lake (free disk space, start the S3 server, check the credentials), then start the sink again; it writes the object then.`,
      );
      assert.deepEqual(e.context, {
        key: P("t.pin", 0, "0000000003"),
        attempts: 3,
      });
      assert.equal((e.cause as Error).message, "disk full");
      return true;
    });
    assert.equal(puts, 4); // the first object, then 3 attempts at the second
    assert.deepEqual(Object.keys(await fx.lake()), [
      P("t.pin", 0, "0000000000"),
    ]);
    assert.equal(await fx.committed("t.pin", 0), 3);
    const sink = createSink({
      log: fx.log.topics,
      store: fx.store,
      topics: ["t.pin"],
      flushSize: 3,
    });
    await sink.drain({ idleMs: 200 });
    assert.deepEqual(await fx.lake(), {
      [P("t.pin", 0, "0000000000")]: ndjson(3, 0),
      [P("t.pin", 0, "0000000003")]: ndjson(3, 3),
      [P("t.pin", 0, "0000000006")]: ndjson(1, 6),
    });
  } finally {
    await fx.cleanup();
  }
});

/** Drains `t.pin` into `store` (3 records an object, 4 quick lake attempts); its warnings. */
async function drainRetrying(
  fx: Awaited<ReturnType<typeof sinkFixture>>,
  store: ObjectStore,
): Promise<[string, LogContext | undefined][]> {
  const warnings: [string, LogContext | undefined][] = [];
  const sink = createSink({
    log: fx.log.topics,
    store,
    topics: ["t.pin"],
    flushSize: 3,
    lakeRetry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 2 },
    logger: { ...silentLogger, warn: (m, c) => warnings.push([m, c]) },
  });
  await sink.drain({ idleMs: 200 });
  return warnings;
}

Deno.test("sink: a lake write that fails for a while is tried again; every record lands once", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(7));
    let puts = 0;
    const flaky = storeWith(fx.store, {
      async put(key, body) {
        puts++;
        if (puts === 2 || puts === 3) {
          throw new BackendError("s3", "put failed: connection reset");
        }
        await fx.store.put(key, body);
      },
    });
    const warnings = await drainRetrying(fx, flaky);
    assert.deepEqual(await fx.lake(), {
      [P("t.pin", 0, "0000000000")]: ndjson(3, 0),
      [P("t.pin", 0, "0000000003")]: ndjson(3, 3),
      [P("t.pin", 0, "0000000006")]: ndjson(1, 6),
    });
    assert.equal(await fx.committed("t.pin", 0), 7);
    assert.deepEqual(
      warnings.map(([m, c]) => [m, c?.key, c?.retry, c?.error]),
      [1, 2].map((retry) => [
        "sink: lake write failed; trying again",
        P("t.pin", 0, "0000000003"),
        retry,
        "s3: put failed: connection reset",
      ]),
    );
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: a lake that cannot be listed for a while is read again when the sink recovers; an inconsistent one is not", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(4));
    let lists = 0;
    const flaky = storeWith(fx.store, {
      list(prefix) {
        if (++lists <= 2) {
          return Promise.reject(
            new BackendError("s3", "list failed: connection reset"),
          );
        }
        return fx.store.list(prefix);
      },
    });
    const warnings = await drainRetrying(fx, flaky);
    assert.deepEqual(await fx.lake(), {
      [P("t.pin", 0, "0000000000")]: ndjson(3, 0),
      [P("t.pin", 0, "0000000003")]: ndjson(1, 3),
    });
    assert.deepEqual(
      warnings.map(([m, c]) => [m, c?.topic, c?.partition, c?.retry, c?.error]),
      [1, 2].map((retry) => [
        "sink: reading the lake failed; trying again",
        "t.pin",
        0,
        retry,
        "s3: list failed: connection reset",
      ]),
    );
    // A foreign object in the partition's folder is a LakeCorruptionError at once.
    await fx.store.put("topics/t.pin/partition=0/notes.txt", "hello");
    await fx.append("t.pin", values(1));
    const listed = lists;
    await assert.rejects(drainRetrying(fx, flaky), LakeCorruptionError);
    assert.equal(lists - listed, 1); // listed once, not tried again
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: a key the store refuses is not tried again", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(2));
    let puts = 0;
    const refusing = storeWith(fx.store, {
      put(key) {
        puts++;
        return Promise.reject(new InvalidKeyError(key, "refused for the test"));
      },
    });
    const sink = createSink({
      log: fx.log.topics,
      store: refusing,
      topics: ["t.pin"],
      flushSize: 2,
    });
    await assert.rejects(sink.drain({ idleMs: 200 }), InvalidKeyError);
    assert.equal(puts, 1);
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
      [P("t.pin", 0, "0000000000")]: ndjson(2, 0),
      [P("t.pin", 0, "0000000002")]: ndjson(1, 2),
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
    assert.deepEqual(await fx.lake(), {
      [P("m.geo", 0, "0000000000")]: ndjson(4, 20),
      [P("m.geo", 0, "0000000004")]: ndjson(1, 24),
      [P("m.pin", 0, "0000000000")]: ndjson(4, 0),
      [P("m.pin", 0, "0000000004")]: ndjson(1, 4),
      [P("m.pin", 2, "0000000000")]: ndjson(2, 10),
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
    await assert.rejects(second.ready(), GroupBusyError);
    await assert.rejects(secondDone, GroupBusyError);
    await fx.append("t.pin", values(5));
    await first.stop({ drain: true, idleMs: 200 });
    await firstDone;
    assert.deepEqual(await fx.lake(), {
      [P("t.pin", 0, "0000000000")]: ndjson(2, 0),
      [P("t.pin", 0, "0000000002")]: ndjson(2, 2),
      [P("t.pin", 0, "0000000004")]: ndjson(1, 4),
    });
    // Once the first has stopped, the group is free again.
    const third = createSink(options);
    await third.drain({ idleMs: 100 });
    assert.equal(third.stats.recordsWritten, 0);
  } finally {
    await fx.cleanup();
  }
});
