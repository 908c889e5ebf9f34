/**
 * The sink against a failing lake: a write or a listing that fails for a while is tried
 * again, one failing past its retries commits nothing, and an error that retrying cannot
 * cure (a refused key, an inconsistent lake) is not tried again.
 */
import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import { InvalidKeyError } from "../lake/errors.ts";
import { storeWith } from "../lake/test_store.ts";
import type { ObjectStore } from "../lake/types.ts";
import { type LogContext, silentLogger } from "../logger.ts";
import { LakeCorruptionError, LakeWriteError } from "./errors.ts";
import { createSink } from "./sink.ts";
import { ndjson, partitionKeys, sinkFixture, values } from "./test_util.ts";

/** The key of the object of t.pin, partition 0, starting at `startOffset`. */
const pinKey = partitionKeys("t.pin");

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
          pinKey(3)
        } to the lake (3 attempts; last error: disk full). Nothing of it was committed: fix the lake (free disk space, start the S3 server, check the credentials), then start the sink again; it writes the object then.`,
      );
      assert.deepEqual(e.context, {
        key: pinKey(3),
        attempts: 3,
      });
      assert.equal((e.cause as Error).message, "disk full");
      return true;
    });
    assert.equal(puts, 4); // the first object, then 3 attempts at the second
    assert.deepEqual(Object.keys(await fx.lake()), [
      pinKey(0),
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
      [pinKey(0)]: ndjson(3, 0),
      [pinKey(3)]: ndjson(3, 3),
      [pinKey(6)]: ndjson(1, 6),
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
      [pinKey(0)]: ndjson(3, 0),
      [pinKey(3)]: ndjson(3, 3),
      [pinKey(6)]: ndjson(1, 6),
    });
    assert.equal(await fx.committed("t.pin", 0), 7);
    assert.deepEqual(
      warnings.map(([m, c]) => [m, c?.key, c?.retry, c?.error]),
      [1, 2].map((retry) => [
        "sink: lake write failed; trying again",
        pinKey(3),
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
      [pinKey(0)]: ndjson(3, 0),
      [pinKey(3)]: ndjson(1, 3),
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
