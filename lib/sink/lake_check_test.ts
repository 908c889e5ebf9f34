import assert from "node:assert/strict";
import { openDirStore } from "../lake/dir_store.ts";
import type { ObjectStore } from "../lake/types.ts";
import { type AckedRecord, checkLake } from "./lake_check.ts";
import { objectKey } from "./layout.ts";

const v = (n: number) => `{"n":${n}}`;
const acks = (
  topic: string,
  partition: number,
  from: number,
  to: number,
): AckedRecord[] =>
  Array.from({ length: to - from }, (_, i) => ({
    topic,
    partition,
    offset: from + i,
    value: v(from + i),
  }));
const body = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => v(from + i) + "\n").join("");

async function withStore(fn: (store: ObjectStore) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(openDirStore(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The key of the object of topic `a` that starts at `startOffset`. */
const keyOf = (partition: number, startOffset: number) =>
  objectKey({ topic: "a", partition, startOffset });

Deno.test("lake check: an exact lake has no problems", () =>
  withStore(async (store) => {
    await store.put(keyOf(0, 0), body(0, 3));
    await store.put(keyOf(0, 3), body(3, 4));
    await store.put(keyOf(1, 0), body(0, 2));
    await store.put(
      objectKey({ topic: "b", partition: 0, startOffset: 0 }),
      body(0, 5),
    );
    const acked = [
      ...acks("a", 0, 0, 4),
      ...acks("a", 1, 0, 2),
      ...acks("b", 0, 0, 5),
    ];
    assert.deepEqual(await checkLake(store, acked), {
      objects: 4,
      records: 11,
      acknowledged: 11,
      perTopic: { a: 6, b: 5 },
      unacknowledged: 0,
      problems: [],
    });
    const onlyA = await checkLake(
      store,
      acks("a", 0, 0, 4).concat(acks("a", 1, 0, 2)),
      {
        topics: ["a"],
      },
    );
    assert.deepEqual([onlyA.objects, onlyA.records, onlyA.problems], [
      3,
      6,
      [],
    ]);
  }));

Deno.test("lake check: names every missing, doubled, wrong, foreign or unacknowledged record", () =>
  withStore(async (store) => {
    await store.put(keyOf(0, 0), body(0, 3));
    await store.put(keyOf(0, 2), body(2, 4)); // overlap: offset 2 twice
    await store.put(keyOf(0, 6), '{"n":6}\n{"n":"x"}\n'); // gap 4..5, wrong 7
    await store.put(keyOf(0, 8), body(8, 9)); // offset 8 never acknowledged
    await store.put("topics/a/partition=0/stray.json", "{}\n");
    const check = await checkLake(store, acks("a", 0, 0, 8));
    assert.deepEqual(check.problems, [
      "a/0 offset 2 twice (again in topics/a/partition=0/a+0+0000000002.json)",
      "foreign object topics/a/partition=0/stray.json",
      "overlap between topics/a/partition=0/a+0+0000000000.json and " +
      "topics/a/partition=0/a+0+0000000002.json",
      "gap between topics/a/partition=0/a+0+0000000002.json and " +
      "topics/a/partition=0/a+0+0000000006.json",
      "a/0 offset 4 acknowledged but missing",
      "a/0 offset 5 acknowledged but missing",
      'a/0 offset 7 holds {"n":"x"}, not {"n":7}',
      "a/0 offset 8 in the lake, never acknowledged",
    ]);
    assert.deepEqual([check.objects, check.records, check.unacknowledged], [
      4,
      8,
      1,
    ]);
    const lenient = await checkLake(store, acks("a", 0, 0, 4), {
      allowUnacknowledged: true,
    });
    assert.equal(lenient.unacknowledged, 3);
    assert.ok(!lenient.problems.some((p) => p.includes("never acknowledged")));
  }));

Deno.test("lake check: a partial last line is reported", () =>
  withStore(async (store) => {
    await store.put(keyOf(0, 0), '{"n":0}\n{"n":1}');
    const check = await checkLake(store, acks("a", 0, 0, 2));
    assert.deepEqual(check.problems, [
      "object topics/a/partition=0/a+0+0000000000.json does not end with a newline",
    ]);
  }));
