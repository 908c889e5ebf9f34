import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { openDirStore } from "../lake/mod.ts";
import { storeWith } from "../lake/test_store.ts";
import {
  groupBySize,
  listTopicObjects,
  parseObjectKey,
  readObjects,
} from "./objects.ts";

Deno.test("objects: sink keys parse; other shapes do not", () => {
  assert.deepEqual(
    parseObjectKey("p.pin", {
      key: "topics/p.pin/partition=3/p.pin+3+0000001200.json",
      size: 5,
    }),
    {
      key: "topics/p.pin/partition=3/p.pin+3+0000001200.json",
      partition: 3,
      startOffset: 1200,
      size: 5,
    },
  );
  for (
    const key of [
      "topics/p.pin/partition=3/p.pin+4+0000001200.json",
      "topics/p.pin/partition=3/p.geo+3+0000001200.json",
      "topics/p.pin/partition=3/p.pin+3+0000001200.txt",
      "topics/p.pin/notes.txt",
      "topics/p.pinx/partition=0/p.pinx+0+0000000000.json",
    ]
  ) {
    assert.equal(parseObjectKey("p.pin", { key, size: 1 }), undefined, key);
  }
});

Deno.test("objects: listed in partition then offset order, numerically; strays skipped", async () => {
  const dir = await Deno.makeTempDir();
  const store = openDirStore(dir);
  const keys = [
    "topics/t/partition=10/t+10+0000000000.json",
    "topics/t/partition=2/t+2+0000000100.json",
    "topics/t/partition=2/t+2+0000000000.json",
    "topics/t/partition=0/t+0+0000000005.json",
    "topics/t/readme.txt",
  ];
  for (const k of keys) await store.put(k, "{}\n");
  const skipped: string[] = [];
  const objects = await listTopicObjects(store, "t", {
    onSkip: (k) => skipped.push(k),
  });
  assert.deepEqual(objects.map((o) => [o.partition, o.startOffset]), [
    [0, 5],
    [2, 0],
    [2, 100],
    [10, 0],
  ]);
  assert.deepEqual(skipped, ["topics/t/readme.txt"]);
  assert.deepEqual(await listTopicObjects(store, "absent"), []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("objects: groups stay in order and under the byte budget", () => {
  const o = (size: number, startOffset: number) => ({
    key: `k${startOffset}`,
    partition: 0,
    startOffset,
    size,
  });
  const groups = groupBySize([o(3, 0), o(3, 1), o(3, 2), o(20, 3), o(1, 4)], 6);
  assert.deepEqual(groups.map((g) => g.map((x) => x.startOffset)), [
    [0, 1],
    [2],
    [3],
    [4],
  ]);
  assert.deepEqual(groupBySize([], 10), []);
  // A gzip object weighs 8 times its size: 2 bytes stored count as 16.
  const gz = { ...o(2, 5), gzip: true };
  assert.deepEqual(
    groupBySize([o(1, 4), gz, o(1, 6)], 16).map((g) => g.length),
    [1, 1, 1],
  );
});

Deno.test("objects: gzip objects (.json.gz, the connector's s3.compression.type=gzip) are sink objects", () => {
  const key = "topics/p.pin/partition=1/p.pin+1+0000000042.json.gz";
  assert.deepEqual(parseObjectKey("p.pin", { key, size: 7 }), {
    key,
    partition: 1,
    startOffset: 42,
    size: 7,
    gzip: true,
  });
  for (
    const other of [
      "topics/p.pin/partition=1/p.pin+1+0000000042.gz",
      "topics/p.pin/partition=1/p.pin+1+0000000042.json.gzip",
      "topics/p.pin/partition=1/p.pin+1+0000000042.json.gz.tmp",
    ]
  ) {
    assert.equal(
      parseObjectKey("p.pin", { key: other, size: 7 }),
      undefined,
      other,
    );
  }
});

/** A directory lake of `n` one-record objects of topic `t`, and its listing. */
async function oneRecordObjects(n: number) {
  const dir = await Deno.makeTempDir();
  const store = openDirStore(dir);
  for (let i = 0; i < n; i++) {
    await store.put(
      `topics/t/partition=0/t+0+${String(i).padStart(10, "0")}.json`,
      `{"n":${i}}\n`,
    );
  }
  return { dir, store, objects: await listTopicObjects(store, "t") };
}

Deno.test("objects: readObjects returns bodies in order, never more than `concurrency` gets at once", async () => {
  const { dir, store, objects } = await oneRecordObjects(40);
  let inFlight = 0;
  let most = 0;
  const counting = storeWith(store, {
    get: async (key) => {
      most = Math.max(most, ++inFlight);
      // Later objects answer sooner, so completion order differs from listing order.
      await new Promise((r) => setTimeout(r, 40 - Number(key.slice(-8, -5))));
      inFlight--;
      return await store.get(key);
    },
  });
  const reads: number[] = [];
  const bodies = await readObjects(counting, objects, {
    concurrency: 8,
    onRead: (n) => reads.push(n),
  });
  const text = bodies.map((b) => new TextDecoder().decode(b));
  assert.deepEqual(text, objects.map((_, i) => `{"n":${i}}\n`));
  assert.equal(most, 8);
  assert.deepEqual(reads, Array.from({ length: 40 }, (_, i) => i + 1));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("objects: readObjects rejects with the first failure and starts no get after it", async () => {
  const { dir, store, objects } = await oneRecordObjects(20);
  const asked: string[] = [];
  const failing = storeWith(store, {
    get: (key) => {
      asked.push(key);
      return key === objects[5].key
        ? Promise.reject(new Error("connection reset"))
        : store.get(key);
    },
  });
  await assert.rejects(
    readObjects(failing, objects, { concurrency: 2 }),
    /connection reset/,
  );
  // Two workers: the failure at object 5 stops its worker; the other may have asked for
  // one more meanwhile, never the rest.
  assert.ok([6, 7].includes(asked.length), `asked ${asked.length}`);
  await assert.rejects(
    readObjects(store, objects, { concurrency: 0 }),
    ConfigError,
  );
  await Deno.remove(dir, { recursive: true });
});
