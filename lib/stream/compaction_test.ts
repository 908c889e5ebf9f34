import assert from "node:assert/strict";
import { readCheckpoint } from "./checkpoint.ts";
import { type CompactionStep, trailingRun } from "./compaction.ts";
import {
  mergedPartName,
  parsePartName,
  parsePartRange,
  partName,
  sortParts,
} from "./part_names.ts";
import { listCommittedParts } from "./read_table.ts";
import { openTableStore, type TableStoreOptions } from "./table_store.ts";

const TABLES = ["stream_pin", "stream_geo"];
const bytes = (text: string) => new TextEncoder().encode(text);
/** Parts as text, merged by concatenation: what compaction must keep is the order. */
const merge = (paths: string[]) =>
  bytes(paths.map((p) => Deno.readTextFileSync(p)).join(""));

/** The committed content of `table`: its listed parts, concatenated in order. */
async function content(dir: string, table: string): Promise<string> {
  const { batchId } = await readCheckpoint(dir);
  const parts = await listCommittedParts(dir, table, { upTo: batchId });
  return parts.map((p) => Deno.readTextFileSync(p)).join("");
}

async function names(dir: string, table: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(`${dir}/${table}`)))
    .map((e) => e.name).sort();
}

/** A store on `dir` merging every 3 parts, and `commit(text)` of one stream_pin batch. */
async function open(
  dir: string,
  onCommitStep?: TableStoreOptions["onCommitStep"],
) {
  const store = await openTableStore(dir, {
    tables: TABLES,
    compaction: { parts: 3, merge },
    onCommitStep,
  });
  const commit = (text: string) =>
    store.commit({
      parts: { stream_pin: bytes(text) },
      rows: { stream_pin: 1 },
      positions: {},
    });
  return { store, commit };
}

Deno.test("part names: merged parts supersede what they cover; uncommitted parts are apart", () => {
  assert.deepEqual(parsePartRange(mergedPartName(3, 9)), { first: 3, last: 9 });
  assert.deepEqual(parsePartRange(partName(4)), { first: 4, last: 4 });
  assert.equal(parsePartName(mergedPartName(3, 9)), 9);
  for (
    const bad of [
      "part-000000000009-000000000003.parquet", // last before first
      `${mergedPartName(1, 2)}.tmp`,
      "part-1.parquet",
      "_checkpoint.json",
    ]
  ) assert.equal(parsePartRange(bad), null, bad);
  const listed = [
    partName(5),
    partName(1),
    mergedPartName(1, 3),
    partName(3),
    partName(4),
    mergedPartName(6, 7),
    partName(8),
    "notes.txt",
  ];
  assert.deepEqual(sortParts(listed, 7), {
    live: [
      mergedPartName(1, 3),
      partName(4),
      partName(5),
      mergedPartName(6, 7),
    ],
    superseded: [partName(1), partName(3)],
    uncommitted: [partName(8)],
  });
  assert.deepEqual(
    trailingRun(sortParts(listed, 7).live),
    [],
  );
  assert.deepEqual(
    trailingRun([mergedPartName(1, 3), partName(4), partName(5)]),
    [partName(4), partName(5)],
  );
});

Deno.test("compaction: every 3 micro-batch parts become one merged part, in batch order", async () => {
  const dir = await Deno.makeTempDir();
  const { store, commit } = await open(dir);
  const texts = ["a", "b", "c", "d", "e", "f", "g"];
  const merges: string[] = [];
  for (const text of texts) {
    await commit(text);
    merges.push(
      ...(await store.compact()).map((c) => `${c.merged}:${c.parts}`),
    );
  }
  assert.deepEqual(merges, [
    `${mergedPartName(1, 3)}:3`,
    `${mergedPartName(4, 6)}:3`,
  ]);
  assert.deepEqual(await names(dir, "stream_pin"), [
    mergedPartName(1, 3),
    mergedPartName(4, 6),
    partName(7),
  ]);
  assert.equal(await content(dir, "stream_pin"), "abcdefg");
  assert.deepEqual((await readCheckpoint(dir)).rows, { stream_pin: 7 });
  await store.close();
  // A restart counts the run left (part 7): two more parts make the next merge.
  const again = await open(dir);
  await again.commit("h");
  assert.deepEqual(await again.store.compact(), []);
  await again.commit("i");
  assert.deepEqual(await again.store.compact(), [{
    merged: mergedPartName(7, 9),
    parts: 3,
  }]);
  assert.equal(await content(dir, "stream_pin"), "abcdefghi");
  await again.store.close();
  await Deno.remove(dir, { recursive: true });
});

const STEPS: CompactionStep[] = ["compact-temp", "compact", "compacted"];

for (const step of STEPS) {
  Deno.test(`compaction: a crash at "${step}" loses and doubles nothing, and the next start tidies up`, async () => {
    const dir = await Deno.makeTempDir();
    let seen: string | undefined;
    const { store, commit } = await open(dir, async (s, info) => {
      if (s !== step) return;
      if (info.tempPath) await Deno.truncate(info.tempPath, 1); // a torn write
      seen = await content(dir, "stream_pin"); // what a reader sees meanwhile
      throw new Error(`crash at ${s}`);
    });
    for (const text of ["a", "b", "c"]) await commit(text);
    await assert.rejects(store.compact(), { message: `crash at ${step}` });
    assert.equal(seen, "abc");
    assert.equal(await content(dir, "stream_pin"), "abc");
    await store.close();

    const restarted = await open(dir);
    const left: Record<CompactionStep, string[]> = {
      "compact-temp": [`${mergedPartName(1, 3)}.tmp`],
      // Renamed in, the run not yet deleted: the merged part supersedes it.
      "compact": [partName(1), partName(2), partName(3)],
      "compacted": [],
    };
    assert.deepEqual(
      restarted.store.recovered.map((p) =>
        p.slice(`${dir}/stream_pin/`.length)
      ),
      left[step],
    );
    assert.deepEqual(
      await names(dir, "stream_pin"),
      step === "compact-temp"
        ? [partName(1), partName(2), partName(3)]
        : [mergedPartName(1, 3)],
    );
    assert.equal(await content(dir, "stream_pin"), "abc");
    await restarted.commit("d");
    await restarted.store.compact();
    assert.equal(await content(dir, "stream_pin"), "abcd");
    await restarted.store.close();
    await Deno.remove(dir, { recursive: true });
  });
}

Deno.test("compaction: a long run left by a processor that did not merge is merged 3 parts per call", async () => {
  const dir = await Deno.makeTempDir();
  const plain = await openTableStore(dir, { tables: TABLES });
  for (const text of ["a", "b", "c", "d", "e", "f", "g"]) {
    await plain.commit({
      parts: { stream_pin: bytes(text) },
      rows: { stream_pin: 1 },
      positions: {},
    });
  }
  assert.deepEqual(await plain.compact(), []); // no compaction option: nothing
  await plain.close();
  const { store } = await open(dir);
  const calls: string[][] = [];
  for (let i = 0; i < 3; i++) {
    calls.push((await store.compact()).map((c) => c.merged));
  }
  assert.deepEqual(calls, [
    [mergedPartName(1, 3)],
    [mergedPartName(4, 6)],
    [],
  ]);
  assert.deepEqual(await names(dir, "stream_pin"), [
    mergedPartName(1, 3),
    mergedPartName(4, 6),
    partName(7),
  ]);
  assert.equal(await content(dir, "stream_pin"), "abcdefg");
  await store.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("compaction: a merge that fails midway (a full disk) leaves no partial merged file behind", async () => {
  const dir = await Deno.makeTempDir();
  const store = await openTableStore(dir, {
    tables: TABLES,
    compaction: {
      parts: 2,
      merge: (_paths, out) => {
        Deno.writeTextFileSync(out, "half a merged fi");
        throw new Deno.errors.WriteZero(
          "No space left on device (os error 28)",
        );
      },
    },
  });
  for (const text of ["a", "b"]) {
    await store.commit({
      parts: { stream_pin: bytes(text) },
      rows: { stream_pin: 1 },
      positions: {},
    });
  }
  await assert.rejects(store.compact(), Deno.errors.WriteZero);
  // Before: the partial temp file stayed until the next start, holding the space a full
  // disk lacks (a merge of a backlog's 256 parts: hundreds of MB).
  assert.deepEqual(await names(dir, "stream_pin"), [partName(1), partName(2)]);
  assert.equal(await content(dir, "stream_pin"), "ab");
  await store.close();
  await Deno.remove(dir, { recursive: true });
});
