import assert from "node:assert/strict";
import { openDirStore } from "../lake/mod.ts";
import { groupBySize, listTopicObjects, parseObjectKey } from "./objects.ts";

Deno.test("objects: sink keys parse; other shapes do not", () => {
  assert.deepEqual(
    parseObjectKey(
      "p.pin",
      "topics/p.pin/partition=3/p.pin+3+0000001200.json",
      5,
    ),
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
    assert.equal(parseObjectKey("p.pin", key, 1), undefined, key);
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
});
