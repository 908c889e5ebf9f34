import assert from "node:assert/strict";
import { type EmbeddedLog, openEmbeddedLog } from "./embedded_log.ts";
import {
  CREATED_AT_KEY,
  createShardReader,
  SHARD_END,
  type StreamRecreated,
} from "./shard_reader.ts";
import type { StreamRecord } from "./types.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function withLog(fn: (log: EmbeddedLog) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shard_reader_test_" });
  const log = await openEmbeddedLog(`${dir}/log.db`, { fsync: false });
  try {
    await fn(log);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Puts `key:n` for every key, `rounds` times, in order; returns the values put. */
async function putRounds(
  log: EmbeddedLog,
  keys: string[],
  from: number,
  to: number,
) {
  for (let n = from; n < to; n++) {
    await log.streams.putRecords(
      "s",
      keys.map((k) => ({ data: enc.encode(`${k}:${n}`), partitionKey: k })),
    );
  }
}

const values = (recs: StreamRecord[]) => recs.map((r) => dec.decode(r.data));

Deno.test("shard reader: resumes from positions exactly once", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s", { shardCount: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await putRounds(log, keys, 0, 5);
    const first = createShardReader(log.streams, "s", {
      batchSize: 7,
      idleMs: 0,
    });
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const recs = await first.poll();
      assert.equal(recs.length, 7);
      seen.push(...values(recs));
    }
    const { [CREATED_AT_KEY]: createdAt, ...checkpoint } = first.positions();
    const { createdAt: created } = await log.streams.describeStream("s");
    assert.equal(createdAt, String(created));
    assert.equal(Object.keys(checkpoint).length >= 1, true);
    for (const seq of Object.values(checkpoint)) assert.match(seq, /^\d{21}$/);
    const second = createShardReader(log.streams, "s", {
      positions: checkpoint,
      idleMs: 0,
    });
    for (let recs; (recs = await second.poll()).length > 0;) {
      seen.push(...values(recs));
    }
    assert.equal(seen.length, 50);
    assert.deepEqual(
      [...seen].sort(),
      keys.flatMap((k) => [0, 1, 2, 3, 4].map((n) => `${k}:${n}`)).sort(),
    );
    await putRounds(log, keys, 5, 6);
    const more = values(await second.poll());
    assert.deepEqual(more.sort(), keys.map((k) => `${k}:5`).sort());
  });
});

Deno.test("shard reader: a poll reads no further page once its bytes reach maxBytes", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s", { shardCount: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    await putRounds(log, keys, 0, 5); // 50 records of 4 bytes
    const shardOf = new Map<string, string>();
    const reader = createShardReader(log.streams, "s", {
      maxBytes: 1,
      idleMs: 0,
    });
    const polls: StreamRecord[][] = [];
    for (let recs; (recs = await reader.poll()).length > 0;) polls.push(recs);
    // One whole page per poll: each poll holds exactly one shard's records.
    assert.equal(polls.length, 3);
    for (const recs of polls) {
      assert.equal(new Set(recs.map((r) => r.shardId)).size, 1);
      for (const r of recs) shardOf.set(dec.decode(r.data), r.shardId);
    }
    assert.equal(shardOf.size, 50);
    const all = createShardReader(log.streams, "s", { idleMs: 0 });
    assert.equal((await all.poll()).length, 50);
  });
});

Deno.test("shard reader: reads children only after their parents ended; per-key order holds", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s");
    const keys = Array.from({ length: 12 }, (_, i) => `key-${i}`);
    const reader = createShardReader(log.streams, "s", {
      batchSize: 5,
      idleMs: 0,
      refreshMs: 0,
    });
    await putRounds(log, keys, 0, 3);
    const got: StreamRecord[] = [...await reader.poll()];
    await log.streams.splitShard("s", {
      shardId: "shardId-000000000000",
      newStartingHashKey: String(1n << 127n),
    });
    await putRounds(log, keys, 3, 6);
    await log.streams.splitShard("s", {
      shardId: "shardId-000000000002",
      newStartingHashKey: String(3n << 126n),
    });
    await putRounds(log, keys, 6, 8);
    await log.streams.mergeShards("s", {
      shardId: "shardId-000000000003",
      adjacentShardId: "shardId-000000000004",
    });
    await putRounds(log, keys, 8, 10);
    for (let recs; (recs = await reader.poll()).length > 0;) got.push(...recs);
    assert.equal(got.length, 120);
    for (const k of keys) {
      const order = values(got.filter((r) => r.partitionKey === k));
      assert.deepEqual(
        order,
        Array.from({ length: 10 }, (_, n) => `${k}:${n}`),
        k,
      );
    }
    // Every record of a parent comes before any record of its children.
    const firstIndex = (id: string) => got.findIndex((r) => r.shardId === id);
    const lastIndex = (id: string) =>
      got.findLastIndex((r) => r.shardId === id);
    const { shards } = await log.streams.describeStream("s");
    for (const s of shards) {
      for (const parent of [s.parentShardId, s.adjacentParentShardId]) {
        if (parent && firstIndex(s.shardId) >= 0) {
          assert.ok(
            lastIndex(parent) < firstIndex(s.shardId),
            `${parent} -> ${s.shardId}`,
          );
        }
      }
    }
    const positions = reader.positions();
    assert.deepEqual(
      Object.entries(positions).filter(([, v]) => v === SHARD_END).map(([k]) =>
        k
      ).sort(),
      [
        "shardId-000000000000",
        "shardId-000000000002",
        "shardId-000000000003",
        "shardId-000000000004",
      ],
    );
    // A reader resumed from these positions does not read ended parents again.
    const resumed = createShardReader(log.streams, "s", {
      positions,
      idleMs: 0,
    });
    assert.deepEqual(await resumed.poll(), []);
    await putRounds(log, keys, 10, 11);
    assert.deepEqual(
      values(await resumed.poll()).sort(),
      keys.map((k) => `${k}:10`).sort(),
    );
  });
});

Deno.test("shard reader: an idle poll waits idleMs, or less when aborted", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s");
    const reader = createShardReader(log.streams, "s", { idleMs: 120 });
    let start = performance.now();
    assert.deepEqual(await reader.poll(), []);
    const took = performance.now() - start;
    assert.ok(took >= 110 && took < 1000, `took ${took}`);
    const abort = new AbortController();
    const quick = createShardReader(log.streams, "s", {
      idleMs: 10_000,
      signal: abort.signal,
    });
    start = performance.now();
    setTimeout(() => abort.abort(), 30);
    assert.deepEqual(await quick.poll(), []);
    assert.ok(performance.now() - start < 1000);
  });
});

Deno.test("shard reader: positions of a stream deleted and created again are dropped; the new one is read from its start", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s");
    await putRounds(log, ["a"], 0, 3);
    const first = createShardReader(log.streams, "s", { idleMs: 0 });
    assert.deepEqual(values(await first.poll()), ["a:0", "a:1", "a:2"]);
    const saved = first.positions();
    await log.streams.deleteStream("s");
    await new Promise((r) => setTimeout(r, 5)); // a later creation time
    await log.streams.createStream("s");
    await putRounds(log, ["b"], 0, 2); // sequence numbers start over
    const told: StreamRecreated[] = [];
    const second = createShardReader(log.streams, "s", {
      positions: saved,
      idleMs: 0,
      onRecreated: (info) => told.push(info),
    });
    assert.deepEqual(values(await second.poll()), ["b:0", "b:1"]);
    const { createdAt } = await log.streams.describeStream("s");
    assert.deepEqual(told, [{
      stream: "s",
      was: Number(saved[CREATED_AT_KEY]),
      now: createdAt,
    }]);
    assert.equal(second.positions()[CREATED_AT_KEY], String(createdAt));
    // Positions without a creation time (written before it was kept) are taken as they are.
    const { [CREATED_AT_KEY]: _, ...old } = second.positions();
    const third = createShardReader(log.streams, "s", {
      positions: old,
      idleMs: 0,
      onRecreated: (info) => told.push(info),
    });
    assert.deepEqual(await third.poll(), []);
    assert.equal(told.length, 1);
  });
});

Deno.test("shard reader: a stream deleted and created again between two polls of one reader is read from its start, once", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s");
    await putRounds(log, ["a"], 0, 3);
    const told: StreamRecreated[] = [];
    // The description is kept for refreshMs (5 s by default): the recreate falls inside it.
    const reader = createShardReader(log.streams, "s", {
      idleMs: 0,
      onRecreated: (info) => told.push(info),
    });
    assert.deepEqual(values(await reader.poll()), ["a:0", "a:1", "a:2"]);
    await log.streams.deleteStream("s");
    await new Promise((r) => setTimeout(r, 5)); // a later creation time
    await log.streams.createStream("s");
    await putRounds(log, ["b"], 0, 5); // sequence numbers start over at 0
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) seen.push(...values(await reader.poll()));
    assert.deepEqual(seen, ["b:0", "b:1", "b:2", "b:3", "b:4"]);
    assert.equal(told.length, 1);
    const { createdAt } = await log.streams.describeStream("s");
    assert.equal(reader.positions()[CREATED_AT_KEY], String(createdAt));
  });
});

Deno.test("shard reader: a stream without shards yet (being created) is described again at the next poll", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s", { shardCount: 1 });
    await putRounds(log, ["k"], 0, 2);
    // The stream as Kinesis describes one still CREATING: no shards, for the first look.
    let describes = 0;
    const describe = async (name: string) => {
      const d = await log.streams.describeStream(name);
      return ++describes === 1 ? { ...d, shards: [] } : d;
    };
    const creating = new Proxy(log.streams, {
      get: (target, prop) => {
        if (prop === "describeStream") return describe;
        const value = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const reader = createShardReader(creating, "s", {
      batchSize: 10,
      idleMs: 0,
      refreshMs: 60_000,
    });
    assert.deepEqual(values(await reader.poll()), []);
    // Before: the next look came only after refreshMs (5 s by default).
    assert.deepEqual(values(await reader.poll()), ["k:0", "k:1"]);
    assert.equal(describes, 2);
  });
});
