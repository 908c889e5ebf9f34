import assert from "node:assert/strict";
import type { TopicConsumer, TopicRecord } from "../log/types.ts";
import { silentLogger } from "../logger.ts";
import {
  PartitionWriter,
  type PartitionWriterOptions,
  SOUGHT_CHECK_INTERVAL_MS,
} from "./writer.ts";
import { OffsetGapError } from "./errors.ts";
import { ndjson, sinkFixture, values } from "./test_util.ts";

const K = (o: string) => `topics/t.pin/partition=0/t.pin+0+${o}.json`;
const rec = (offset: number): TopicRecord => ({
  topic: "t.pin",
  partition: 0,
  offset,
  key: null,
  value: new TextEncoder().encode(`{"n":${offset}}`),
  timestamp: 0,
});

async function writerAt(
  fx: Awaited<ReturnType<typeof sinkFixture>>,
  flushSize: number,
  options: Partial<PartitionWriterOptions> = {},
) {
  const consumer = await fx.log.topics.consumer("s3-sink", ["t.pin"]);
  const writer = new PartitionWriter({
    store: fx.store,
    consumer,
    flushSize,
    rotateIntervalMs: 1000,
    verify: "all",
    logger: silentLogger,
    ...options,
  });
  return { consumer, writer };
}

Deno.test("writer: re-delivered records below the lake's position are dropped", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(8));
    await fx.store.put(K("0000000000"), ndjson(3, 0));
    await fx.store.put(K("0000000003"), ndjson(2, 3));
    const { consumer, writer } = await writerAt(fx, 3);
    assert.equal(await writer.recover("t.pin", 0), true);
    assert.equal(await fx.committed("t.pin", 0), 5);
    const [first] = await consumer.poll({ timeoutMs: 100 });
    assert.equal(first.offset, 5);
    await writer.accept([
      rec(2),
      rec(3),
      rec(4),
      rec(5),
      rec(6),
      rec(3),
      rec(7),
    ], 0);
    assert.deepEqual(writer.counters, {
      recordsWritten: 3,
      objectsWritten: 1,
      duplicatesDropped: 4,
      staleDropped: 0,
      rewinds: 0,
    });
    assert.deepEqual(writer.partitions(), [
      { topic: "t.pin", partition: 0, nextOffset: 8, buffered: 0 },
    ]);
    assert.equal(await fx.committed("t.pin", 0), 8);
    assert.equal(
      new TextDecoder().decode(await fx.store.get(K("0000000005"))),
      ndjson(3, 5),
    );
    await consumer.close();
  } finally {
    await fx.cleanup();
  }
});

Deno.test("writer: an offset gap is an OffsetGapError, nothing of it is written", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const { consumer, writer } = await writerAt(fx, 10);
    assert.equal(await writer.recover("t.pin", 0), false);
    await assert.rejects(writer.accept([rec(0), rec(1), rec(3)], 0), (e) => {
      assert.ok(e instanceof OffsetGapError);
      assert.deepEqual(e.context, {
        topic: "t.pin",
        partition: 0,
        expected: 2,
        actual: 3,
      });
      return true;
    });
    assert.deepEqual(writer.partitions()[0], {
      topic: "t.pin",
      partition: 0,
      nextOffset: null,
      buffered: 2,
    });
    await writer.flushAll();
    assert.deepEqual(await fx.store.list(""), [{
      key: K("0000000000"),
      size: 16,
    }]);
    await consumer.close();
  } finally {
    await fx.cleanup();
  }
});

Deno.test("writer: rotation is due rotateIntervalMs after the first buffered record", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    const { consumer, writer } = await writerAt(fx, 10);
    await writer.recover("t.pin", 0);
    assert.equal(writer.msUntilDue(5000), Infinity);
    await writer.accept([rec(0)], 5000);
    await writer.accept([rec(1)], 5600);
    assert.equal(writer.msUntilDue(5700), 300);
    await writer.flushDue(5999);
    assert.deepEqual(await fx.store.list(""), []);
    await writer.flushDue(6000);
    assert.deepEqual((await fx.store.list("")).map((o) => o.key), [
      K("0000000000"),
    ]);
    assert.equal(writer.msUntilDue(6000), Infinity);
    await consumer.close();
  } finally {
    await fx.cleanup();
  }
});

Deno.test("writer: after a seek, later offsets are stale until the sought one comes", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(10)); // the log holds what the lake does, and more
    await fx.store.put(K("0000000000"), ndjson(5, 0));
    const { consumer, writer } = await writerAt(fx, 10);
    assert.equal(await writer.recover("t.pin", 0), true);
    await writer.accept([rec(8), rec(9)], 0);
    assert.equal(writer.counters.staleDropped, 2);
    assert.equal(writer.partitions()[0].buffered, 0);
    await writer.accept([rec(4), rec(5), rec(6)], 0);
    assert.equal(writer.counters.duplicatesDropped, 1);
    assert.equal(writer.partitions()[0].buffered, 2);
    await assert.rejects(writer.accept([rec(8)], 0), OffsetGapError);
    await consumer.close();
  } finally {
    await fx.cleanup();
  }
});

/** `consumer` with its look at the log's offsets replaced by `offsets`. */
function withOffsets(
  consumer: TopicConsumer,
  offsets: TopicConsumer["offsets"],
): TopicConsumer {
  return {
    poll: (o) => consumer.poll(o),
    seek: (p) => consumer.seek(p),
    commit: (p) => consumer.commit(p),
    committed: (t, p) => consumer.committed(t, p),
    membership: () => consumer.membership(),
    close: () => consumer.close(),
    offsets,
  };
}

Deno.test("writer: while later offsets come after a seek, the log is checked at the first and then every SOUGHT_CHECK_INTERVAL_MS", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(10));
    await fx.store.put(K("0000000000"), ndjson(5, 0));
    const { consumer } = await writerAt(fx, 10);
    const checks: number[] = [];
    const writer = new PartitionWriter({
      store: fx.store,
      consumer: withOffsets(consumer, (t, p) => {
        checks.push(p);
        return consumer.offsets(t, p);
      }),
      flushSize: 10,
      rotateIntervalMs: 1000,
      verify: "all",
      logger: silentLogger,
    });
    assert.equal(await writer.recover("t.pin", 0), true);
    checks.length = 0; // the recovery's own check against the log
    await writer.accept([rec(7), rec(8)], 1000);
    await writer.accept([rec(9)], 1000 + SOUGHT_CHECK_INTERVAL_MS - 1);
    assert.deepEqual(checks, [0]);
    await writer.accept([rec(9)], 1000 + SOUGHT_CHECK_INTERVAL_MS);
    assert.deepEqual(checks, [0, 0]);
    assert.equal(writer.counters.staleDropped, 4);
    await writer.accept([rec(5), rec(6)], 1000 + 3 * SOUGHT_CHECK_INTERVAL_MS);
    assert.equal(writer.partitions()[0].buffered, 2);
    assert.deepEqual(checks, [0, 0]);
    await consumer.close();
  } finally {
    await fx.cleanup();
  }
});

Deno.test("writer: a failed check of the sought offset is logged and made again later, the record dropped", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    await fx.append("t.pin", values(10));
    await fx.store.put(K("0000000000"), ndjson(5, 0));
    const { consumer } = await writerAt(fx, 10);
    const checks: number[] = [];
    const warnings: unknown[] = [];
    const writer = new PartitionWriter({
      store: fx.store,
      consumer: withOffsets(consumer, (t, p) => {
        checks.push(p);
        return checks.length === 2 // the first after the recovery's own
          ? Promise.reject(new Error("broker unreachable"))
          : consumer.offsets(t, p);
      }),
      flushSize: 10,
      rotateIntervalMs: 1000,
      verify: "all",
      logger: {
        ...silentLogger,
        warn: (message, context) => warnings.push({ message, context }),
      },
    });
    assert.equal(await writer.recover("t.pin", 0), true);
    await writer.accept([rec(8)], 0);
    assert.equal(checks.length, 2);
    assert.deepEqual(warnings[0], {
      message:
        "sink could not check that the log still holds the offset it sought; checking again later",
      context: {
        topic: "t.pin",
        partition: 0,
        offset: 5,
        error: "broker unreachable",
      },
    });
    await writer.accept([rec(9)], SOUGHT_CHECK_INTERVAL_MS);
    assert.equal(checks.length, 3);
    assert.equal(writer.counters.staleDropped, 2);
    await consumer.close();
  } finally {
    await fx.cleanup();
  }
});

Deno.test("writer: a buffer is written once it holds maxObjectBytes, short of flushSize", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  try {
    // Each line of rec() is 8 bytes with its newline: the third reaches 20 bytes.
    const { consumer, writer } = await writerAt(fx, 500, {
      maxObjectBytes: 20,
    });
    await writer.recover("t.pin", 0);
    await writer.accept([0, 1, 2, 3, 4, 5, 6].map(rec), 0);
    assert.deepEqual(await fx.lake(), {
      [K("0000000000")]: ndjson(3, 0),
      [K("0000000003")]: ndjson(3, 3),
    });
    assert.deepEqual(writer.partitions(), [
      { topic: "t.pin", partition: 0, nextOffset: 6, buffered: 1 },
    ]);
    assert.equal(await fx.committed("t.pin", 0), 6);
    await consumer.close();
  } finally {
    await fx.cleanup();
  }
});
