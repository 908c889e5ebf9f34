import assert from "node:assert/strict";
import { createSink, type SinkOptions } from "./sink.ts";
import { join } from "node:path";
import { openEmbeddedLog } from "../log/mod.ts";
import { LakeAheadOfLogError, LakeCorruptionError } from "./errors.ts";
import { ndjson, sinkFixture, values } from "./test_util.ts";

const K = (o: string) => `topics/t.pin/partition=0/t.pin+0+${o}.json`;

async function setGroupOffset(
  fx: Awaited<ReturnType<typeof sinkFixture>>,
  group: string,
  offset: number,
) {
  const c = await fx.log.topics.consumer(group, ["t.pin"]);
  await c.commit([{ topic: "t.pin", partition: 0, offset }]);
  await c.close();
}

function sinkOf(
  fx: Awaited<ReturnType<typeof sinkFixture>>,
  extra: Partial<SinkOptions> = {},
) {
  return createSink({
    log: fx.log.topics,
    store: fx.store,
    topics: ["t.pin"],
    flushSize: 3,
    ...extra,
  });
}

Deno.test("sink restart: resumes after the last object without duplicates", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(5));
    await sinkOf(fx).drain({ idleMs: 150 });
    await fx.append("t.pin", values(4, 5));
    const second = sinkOf(fx);
    await second.drain({ idleMs: 150 });
    assert.deepEqual(await fx.lake(), {
      [K("0000000000")]: ndjson(3, 0),
      [K("0000000003")]: ndjson(2, 3),
      [K("0000000005")]: ndjson(3, 5),
      [K("0000000008")]: ndjson(1, 8),
    });
    assert.equal(second.stats.recordsWritten, 4);
    assert.equal(second.stats.duplicatesDropped, 0);
    assert.equal(await fx.committed("t.pin", 0), 9);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink restart: a commit lost after the write (crash) is recovered from the lake", async () => {
  const cases: [string, number | null][] = [["fresh-group", null], [
    "s3-sink",
    0,
  ], ["s3-sink", 3]];
  for (const [group, lostTo] of cases) {
    const fx = await sinkFixture({ "t.pin": 1 });
    try {
      await fx.append("t.pin", values(5));
      await sinkOf(fx).drain({ idleMs: 150 });
      if (lostTo !== null) await setGroupOffset(fx, group, lostTo);
      await fx.append("t.pin", values(2, 5));
      const sink = sinkOf(fx, { group });
      await sink.drain({ idleMs: 150 });
      assert.deepEqual(await fx.lake(), {
        [K("0000000000")]: ndjson(3, 0),
        [K("0000000003")]: ndjson(2, 3),
        [K("0000000005")]: ndjson(2, 5),
      }, `${group} lost to ${lostTo}`);
      assert.equal(sink.stats.rewinds, 0);
      assert.equal(sink.stats.recordsWritten, 2);
      assert.equal(await fx.committed("t.pin", 0, group), 7);
    } finally {
      await fx.cleanup();
    }
  }
});

Deno.test("sink restart: a committed offset ahead of the lake rewinds and rewrites", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(5));
    await sinkOf(fx).drain({ idleMs: 150 });
    await fx.store.delete(K("0000000003"));
    const sink = sinkOf(fx);
    await sink.drain({ idleMs: 150 });
    assert.equal(sink.stats.rewinds, 1);
    assert.deepEqual(await fx.lake(), {
      [K("0000000000")]: ndjson(3, 0),
      [K("0000000003")]: ndjson(2, 3),
    });
    await fx.store.delete(K("0000000000"));
    await fx.store.delete(K("0000000003"));
    const again = sinkOf(fx, { flushSize: 10 });
    await again.drain({ idleMs: 150 });
    assert.equal(again.stats.rewinds, 1);
    assert.deepEqual(await fx.lake(), { [K("0000000000")]: ndjson(5, 0) });
    assert.equal(await fx.committed("t.pin", 0), 5);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink restart: a corrupt lake stops the sink before it writes", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(8));
    await fx.store.put(K("0000000000"), ndjson(3, 0));
    await fx.store.put(K("0000000004"), ndjson(2, 4));
    await assert.rejects(
      sinkOf(fx).drain({ idleMs: 150 }),
      LakeCorruptionError,
    );
    assert.deepEqual(Object.keys(await fx.lake()), [
      K("0000000000"),
      K("0000000004"),
    ]);
    assert.equal(await fx.committed("t.pin", 0), null);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink restart: a lake written from another log stops the sink before it skips records", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  // A new log (its file was removed and made again) with fewer records than the lake.
  const other = await openEmbeddedLog(join(fx.dir, "other.db"), {
    fsync: false,
  });
  try {
    await fx.append("t.pin", values(7));
    await sinkOf(fx).drain({ idleMs: 150 });
    await other.topics.createTopic("t.pin");
    await other.topics.append(
      "t.pin",
      values(3, 100).map((v) => ({ value: new TextEncoder().encode(v) })),
    );
    const before = await fx.lake();
    // Before: the sink went on from the lake's offset 7 and never wrote offsets 0 to 2.
    await assert.rejects(
      createSink({
        log: other.topics,
        store: fx.store,
        topics: ["t.pin"],
        flushSize: 3,
      }).drain({ idleMs: 150 }),
      {
        name: "LakeAheadOfLogError",
        message:
          'The lake holds partition 0 of topic "t.pin" up to offset 6, but that partition of ' +
          "the log ends at offset 2: the lake was written from another log (its file was " +
          "removed, or the topic deleted and created again). The sink stopped rather than " +
          "skip the log's records from offset 3 on: move the lake's topics/t.pin/ folder out " +
          "of the way (or use another lake, or the log it was written from), then start the " +
          "sink again.",
      },
    );
    assert.deepEqual(await fx.lake(), before);
    const c = await other.topics.consumer("s3-sink", ["t.pin"]);
    assert.equal(await c.committed("t.pin", 0), null);
    assert.deepEqual(await c.offsets("t.pin", 0), { start: 0, end: 3 });
    await c.close();
    // An empty partition of the new log is no excuse either.
    await other.topics.createTopic("u.pin");
    await fx.store.put(
      "topics/u.pin/partition=0/u.pin+0+0000000000.json",
      ndjson(1, 0),
    );
    const error = await createSink({
      log: other.topics,
      store: fx.store,
      topics: ["u.pin"],
    }).drain({ idleMs: 150 }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof LakeAheadOfLogError);
    assert.match(
      error.message,
      /^The lake holds partition 0 of topic "u.pin" up to offset 0, but that partition of the log holds no record:/,
    );
  } finally {
    await other.close();
    await fx.cleanup();
  }
});

Deno.test("sink restart: a lake ahead of the log in several topics is named in one error", async () => {
  const fx = await sinkFixture({ "t.pin": 1, "t.geo": 1, "t.user": 2 });
  // The embedded log's file removed: every topic of the new log starts again from 0.
  const other = await openEmbeddedLog(join(fx.dir, "other.db"), {
    fsync: false,
  });
  try {
    for (const topic of ["t.pin", "t.geo", "t.user"]) {
      await fx.append(topic, values(4), 0);
      await other.topics.createTopic(topic, {
        partitions: topic === "t.user" ? 2 : 1,
      });
    }
    await fx.append("t.user", values(4), 1);
    const topics = ["t.pin", "t.geo", "t.user"];
    await createSink({ log: fx.log.topics, store: fx.store, topics })
      .drain({ idleMs: 150 });
    await other.topics.append("t.geo", [{ value: new Uint8Array([49]) }]);
    const before = await fx.lake();
    // Before: the error named t.pin alone; moving its folder, the next run stopped on
    // t.geo, then on t.user, one run per topic.
    await assert.rejects(
      createSink({ log: other.topics, store: fx.store, topics })
        .drain({ idleMs: 150 }),
      {
        name: "LakeAheadOfLogError",
        message:
          'The lake holds partition 0 of topic "t.pin" up to offset 3, but that partition of ' +
          "the log holds no record: the lake was written from another log (its file was " +
          "removed, or the topic deleted and created again). The sink stopped rather than " +
          "skip the log's records from offset 0 on: move the lake's topics/t.pin/ folder out " +
          "of the way (or use another lake, or the log it was written from), then start the " +
          "sink again. The lake is ahead of the log in topics/t.geo/ and topics/t.user/ too: " +
          "move them as well.",
      },
    );
    assert.deepEqual(await fx.lake(), before);
  } finally {
    await other.close();
    await fx.cleanup();
  }
});

Deno.test("sink: flushAll while running, stop() flushes the rest", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const sink = sinkOf(fx, {
      flushSize: 100,
      rotateIntervalMs: Infinity,
      pollTimeoutMs: 50,
    });
    const running = sink.run();
    await assert.rejects(sink.drain(), /already running/);
    const buffered = async (n: number) => {
      for (let i = 0; sink.stats.partitions[0]?.buffered !== n; i++) {
        assert.ok(i < 200, `buffer never reached ${n}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await fx.append("t.pin", values(2));
    await buffered(2);
    await sink.flushAll();
    assert.deepEqual(await fx.lake(), { [K("0000000000")]: ndjson(2, 0) });
    await fx.append("t.pin", ['{\n  "n": 2\n}', ""]);
    await buffered(2);
    await sink.stop();
    await running;
    assert.deepEqual(await fx.lake(), {
      [K("0000000000")]: ndjson(2, 0),
      [K("0000000002")]: '{"n":2}\nnull\n',
    });
    assert.equal(await fx.committed("t.pin", 0), 4);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("sink: stop({ drain: true }) first writes what is still in the topic", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const sink = sinkOf(fx, { flushSize: 4, rotateIntervalMs: Infinity });
    const running = sink.run();
    await fx.append("t.pin", values(10));
    await sink.stop({ drain: true, idleMs: 300 });
    await running;
    assert.deepEqual(await fx.lake(), {
      [K("0000000000")]: ndjson(4, 0),
      [K("0000000004")]: ndjson(4, 4),
      [K("0000000008")]: ndjson(2, 8),
    });
    assert.equal(sink.stats.recordsWritten, 10);
    await fx.append("t.pin", values(1, 10));
    const stopped = sinkOf(fx);
    const again = stopped.run();
    await stopped.stop();
    await again;
    assert.equal(await fx.committed("t.pin", 0), 10);
  } finally {
    await fx.cleanup();
  }
});
