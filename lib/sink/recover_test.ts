import assert from "node:assert/strict";
import { openDirStore } from "../lake/dir_store.ts";
import { storeWith } from "../lake/test_store.ts";
import { gzipSync } from "node:zlib";
import type { ObjectStore } from "../lake/types.ts";
import { objectKey } from "./layout.ts";
import { checkAgainstLog, recoverPartition } from "./recover.ts";
import { LakeCorruptionError, OffsetGapError } from "./errors.ts";
import { openS3Store } from "../adapters/s3/mod.ts";
import { withS3Server } from "../adapters/s3/test_server.ts";

async function withStore(fn: (store: ObjectStore) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    await fn(openDirStore(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The key of the object of topic `t` that starts at `startOffset`. */
const keyOf = (partition: number, startOffset: number) =>
  objectKey({ topic: "t", partition, startOffset });

const lines = (n: number) =>
  Array.from({ length: n }, (_, i) => `{"i":${i}}\n`).join("");

Deno.test("recover: an empty partition has no position", () =>
  withStore(async (store) => {
    await store.put(keyOf(1, 0), lines(2));
    assert.deepEqual(
      await recoverPartition(store, { topic: "t", partition: 0 }),
      {
        topic: "t",
        partition: 0,
        firstOffset: null,
        nextOffset: null,
        objects: 0,
      },
    );
  }));

Deno.test("recover: next offset = last start + its lines; partition=1 is not partition=10", () =>
  withStore(async (store) => {
    await store.put(keyOf(1, 0), lines(3));
    await store.put(keyOf(1, 3), lines(2));
    await store.put(keyOf(1, 5), lines(4));
    await store.put(keyOf(10, 0), lines(50));
    for (const verify of ["all", "last"] as const) {
      assert.deepEqual(
        await recoverPartition(store, { topic: "t", partition: 1 }, { verify }),
        {
          topic: "t",
          partition: 1,
          firstOffset: 0,
          nextOffset: 9,
          objects: 3,
        },
      );
    }
  }));

Deno.test("recover: sorts numerically past 10 digits", () =>
  withStore(async (store) => {
    await store.put(keyOf(0, 9999999999), lines(1));
    await store.put(keyOf(0, 10000000000), lines(2));
    const r = await recoverPartition(store, { topic: "t", partition: 0 });
    assert.equal(r.firstOffset, 9999999999);
    assert.equal(r.nextOffset, 10000000002);
  }));

Deno.test("recover: gaps, overlaps, partial and foreign objects are corruption", async () => {
  const cases: [string, [string, string][], string][] = [
    [
      "gap",
      [[keyOf(0, 0), lines(3)], [
        keyOf(0, 4),
        lines(1),
      ]],
      "offsets 3..3 are missing between topics/t/partition=0/t+0+0000000000.json and " +
      "topics/t/partition=0/t+0+0000000004.json",
    ],
    [
      "overlap",
      [[keyOf(0, 0), lines(3)], [
        keyOf(0, 1),
        lines(5),
      ]],
      "offsets 1..2 are written twice between topics/t/partition=0/t+0+0000000000.json and " +
      "topics/t/partition=0/t+0+0000000001.json",
    ],
    [
      "partial",
      [[
        keyOf(0, 0),
        '{"i":0}\n{"i"',
      ]],
      "object topics/t/partition=0/t+0+0000000000.json is empty or does not end with a newline",
    ],
    [
      "empty",
      [[keyOf(0, 0), lines(2)], [
        keyOf(0, 2),
        "",
      ]],
      "object topics/t/partition=0/t+0+0000000002.json is empty or does not end with a newline",
    ],
    [
      "foreign",
      [[keyOf(0, 0), lines(2)], [
        "topics/t/partition=0/notes.txt",
        "hi",
      ]],
      "object topics/t/partition=0/notes.txt does not follow the layout " +
      "topics/{topic}/partition={p}/{topic}+{p}+{startOffset:10 digits}.json[.gz]",
    ],
  ];
  for (const [name, objects, problem] of cases) {
    await withStore(async (store) => {
      for (const [k, v] of objects) await store.put(k, v);
      await assert.rejects(
        recoverPartition(store, { topic: "t", partition: 0 }),
        (e) => {
          assert.ok(e instanceof LakeCorruptionError, name);
          assert.equal(e.code, "LAKE_CORRUPTION");
          assert.ok(
            e.message.startsWith(`The lake is inconsistent: ${problem}. `),
            e.message,
          );
          assert.equal(e.context.topic, "t");
          return true;
        },
      );
    });
  }
});

Deno.test("recover: verify 'last' does not read earlier objects", () =>
  withStore(async (store) => {
    await store.put(keyOf(0, 0), lines(3));
    await store.put(keyOf(0, 4), lines(1)); // gap 3..3, only "all" sees it
    assert.equal(
      (await recoverPartition(store, { topic: "t", partition: 0 }, {
        verify: "last",
      })).nextOffset,
      5,
    );
    await assert.rejects(
      recoverPartition(store, { topic: "t", partition: 0 }),
      LakeCorruptionError,
    );
  }));

Deno.test("recover: verify 'all' reads up to 32 objects at a time, each once", () =>
  withStore(async (store) => {
    for (let i = 0; i < 100; i++) await store.put(keyOf(0, 2 * i), lines(2));
    let inFlight = 0;
    let most = 0;
    const reads: string[] = [];
    const counted = storeWith(store, {
      async get(key) {
        reads.push(key);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return await store.get(key);
      },
    });
    const r = await recoverPartition(counted, { topic: "t", partition: 0 });
    assert.equal(r.nextOffset, 200);
    assert.equal(r.objects, 100);
    assert.equal(most, 32);
    assert.equal(reads.length, 100);
    assert.equal(new Set(reads).size, 100);
  }));

Deno.test("recover: the objects read at once hold at most 64 MiB together", () =>
  withStore(async (store) => {
    const big = "x".repeat(40 * 1024 * 1024 - 1) + "\n";
    await store.put(keyOf(0, 0), big);
    await store.put(keyOf(0, 1), lines(2));
    await store.put(keyOf(0, 3), lines(2));
    await store.put(keyOf(0, 5), big);
    await store.put(keyOf(0, 6), lines(2));
    const reading = new Set<string>();
    const together: string[][] = [];
    const watched = storeWith(store, {
      async get(key) {
        reading.add(key);
        together.push([...reading]);
        await new Promise((r) => setTimeout(r, 5));
        reading.delete(key);
        return await store.get(key);
      },
    });
    const r = await recoverPartition(watched, { topic: "t", partition: 0 });
    assert.equal(r.nextOffset, 8);
    assert.deepEqual(together, [
      [keyOf(0, 0)],
      [keyOf(0, 0), keyOf(0, 1)],
      [keyOf(0, 0), keyOf(0, 1), keyOf(0, 3)],
      [keyOf(0, 5)],
      [keyOf(0, 5), keyOf(0, 6)],
    ]);
  }));

Deno.test("recover: gzip objects (Confluent's s3.compression.type=gzip) count as their records", () =>
  withStore(async (store) => {
    const gz = (text: string) =>
      new Uint8Array(gzipSync(new TextEncoder().encode(text)));
    await store.put(`${keyOf(0, 0)}.gz`, gz(lines(2)));
    await store.put(keyOf(0, 2), lines(3));
    await store.put(`${keyOf(0, 5)}.gz`, gz(lines(4)));
    for (const verify of ["all", "last"] as const) {
      assert.deepEqual(
        await recoverPartition(store, { topic: "t", partition: 0 }, {
          verify,
        }),
        {
          topic: "t",
          partition: 0,
          firstOffset: 0,
          nextOffset: 9,
          objects: 3,
        },
      );
    }
    await store.put(`${keyOf(0, 9)}.gz`, lines(1));
    await assert.rejects(
      recoverPartition(store, { topic: "t", partition: 0 }),
      (e) => {
        assert.ok(e instanceof LakeCorruptionError);
        assert.ok(
          e.message.startsWith(
            `The lake is inconsistent: object ${keyOf(0, 9)}.gz is not gzip. `,
          ),
          e.message,
        );
        return true;
      },
    );
  }));

Deno.test("checkAgainstLog: the log must hold the offset after the lake's last record", () => {
  const lake = (nextOffset: number | null) => ({
    topic: "t.pin",
    partition: 2,
    firstOffset: nextOffset === null ? null : 0,
    nextOffset,
    objects: nextOffset === null ? 0 : 1,
  });
  // Fine: the log holds the lake's records and maybe more; a partition without objects.
  checkAgainstLog(lake(7), { start: 0, end: 7 });
  checkAgainstLog(lake(7), { start: 7, end: 9 });
  checkAgainstLog(lake(null), { start: 5, end: 9 });
  assert.throws(() => checkAgainstLog(lake(7), { start: 0, end: 6 }), {
    name: "LakeAheadOfLogError",
    code: "LAKE_AHEAD_OF_LOG",
  });
  // Retention deleted offsets 7 and 8 before the sink wrote them.
  assert.throws(
    () => checkAgainstLog(lake(7), { start: 9, end: 12 }),
    (e) => {
      assert.ok(e instanceof OffsetGapError);
      assert.deepEqual(e.context, {
        topic: "t.pin",
        partition: 2,
        expected: 7,
        actual: 9,
      });
      assert.equal(
        e.message,
        'Partition 2 of topic "t.pin" jumped from offset 7 to 9; records 7..8 are not in ' +
          "the log (retention, compaction or transactions). Use a plain topic with enough " +
          "retention, or clear the lake of this partition to start over.",
      );
      return true;
    },
  );
});

Deno.test("recoverPartition: hidden files in a partition folder (macOS' .DS_Store) are passed over", async () => {
  const dir = await Deno.makeTempDir({ prefix: "recover_hidden_" });
  try {
    const store = openDirStore(dir);
    const key = (startOffset: number) =>
      objectKey({ topic: "t", partition: 0, startOffset });
    await store.put(key(0), "1\n2\n");
    await store.put(key(2), "3\n");
    // Written as Finder writes them, beside the objects.
    const folder = `${dir}/topics/t/partition=0`;
    await Deno.writeTextFile(`${folder}/.DS_Store`, "Bud1");
    await Deno.writeTextFile(`${folder}/._t+0+0000000000.json`, "x");
    assert.deepEqual(
      await recoverPartition(store, { topic: "t", partition: 0 }),
      { topic: "t", partition: 0, firstOffset: 0, nextOffset: 3, objects: 2 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("recoverPartition: S3 folder markers (the console's Create folder) are passed over", async () => {
  await withS3Server(async (endpoint) => {
    const store = await openS3Store({ endpoint, bucket: "lake" });
    await store.put(keyOf(0, 0), "1\n2\n");
    // What "Create folder" in the S3 console (or Hadoop's mkdirs) leaves: an empty object
    // whose key ends in "/", listed with the partition's objects.
    for (const folder of ["topics/t/", "topics/t/partition=0/"]) {
      const put = await fetch(`${endpoint}/lake/${folder}`, {
        method: "PUT",
        body: "",
      });
      await put.body?.cancel();
      assert.equal(put.status, 200);
    }
    assert.deepEqual(
      (await store.list("topics/t/partition=0/")).map((o) => o.key),
      [
        "topics/t/partition=0/",
        keyOf(0, 0),
      ],
    );
    assert.deepEqual(
      await recoverPartition(store, { topic: "t", partition: 0 }),
      { topic: "t", partition: 0, firstOffset: 0, nextOffset: 2, objects: 1 },
    );
    // One that holds bytes is no marker: no record of the sink's may hide there unseen.
    const full = await fetch(`${endpoint}/lake/topics/t/partition=0/`, {
      method: "PUT",
      body: "3\n",
    });
    await full.body?.cancel();
    await assert.rejects(
      () => recoverPartition(store, { topic: "t", partition: 0 }),
      LakeCorruptionError,
    );
  });
});

Deno.test("recoverPartition: the objects of a topic named with a leading dot are not taken for hidden files", async () => {
  // Kafka takes ".audit" as a topic name; its objects' names start with a dot too.
  const dir = await Deno.makeTempDir({ prefix: "recover_dot_" });
  try {
    const store = openDirStore(dir);
    const key = (startOffset: number) =>
      objectKey({ topic: ".audit", partition: 0, startOffset });
    await store.put(key(0), "1\n2\n");
    await store.put(key(2), "3\n");
    await Deno.writeTextFile(
      `${dir}/topics/.audit/partition=0/.DS_Store`,
      "Bud1",
    );
    assert.deepEqual(
      await recoverPartition(store, { topic: ".audit", partition: 0 }),
      {
        topic: ".audit",
        partition: 0,
        firstOffset: 0,
        nextOffset: 3,
        objects: 2,
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
