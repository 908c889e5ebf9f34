import assert from "node:assert/strict";
import { CHECKPOINT_FILE, readCheckpoint } from "./checkpoint.ts";
import {
  StreamCheckpointError,
  StreamDirError,
  StreamLockedError,
} from "./errors.ts";
import { listCommittedParts } from "./read_table.ts";
import { parsePartName, partName } from "./part_names.ts";
import {
  type CommitStep,
  openTableStore,
  tableStoreHeld,
} from "./table_store.ts";
import { makeTestDir } from "../test_temp_dir.ts";

const TABLES = ["stream_pin", "stream_geo"];
const bytes = (text: string) => new TextEncoder().encode(text);
const pos = (seq: string) => ({ "s-pin": { "shardId-000000000000": seq } });

async function names(dir: string, table: string, upTo: number) {
  const paths = await listCommittedParts(dir, table, { upTo });
  return paths.map((p) => p.slice(p.lastIndexOf("/") + 1));
}

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isDirectory) {
      for await (const f of Deno.readDir(`${dir}/${e.name}`)) {
        out.push(`${e.name}/${f.name}`);
      }
    } else out.push(e.name);
  }
  return out.sort();
}

Deno.test("table store: commits number batches 1, 2, 3 and checkpoint positions", async () => {
  await using dirTmp = await makeTestDir();
  const dir = dirTmp.path;
  const store = await openTableStore(dir, { tables: TABLES });
  assert.equal(store.checkpoint().batchId, 0);
  await store.commit({
    parts: { stream_pin: bytes("a") },
    rows: { stream_pin: 4 },
    positions: pos("10"),
  });
  await store.commit({
    parts: { stream_pin: bytes("b"), stream_geo: bytes("c") },
    rows: { stream_pin: 2, stream_geo: 3 },
    positions: pos("20"),
  });
  const cp = await store.commit({ parts: {}, rows: {}, positions: pos("30") });
  await store.close();
  assert.equal(cp.batchId, 3);
  const onDisk = await readCheckpoint(dir);
  assert.deepEqual(onDisk.positions, pos("30"));
  assert.deepEqual(onDisk.rows, { stream_pin: 6, stream_geo: 3 });
  assert.equal(onDisk.batchId, 3);
  assert.deepEqual(await names(dir, "stream_pin", 3), [
    partName(1),
    partName(2),
  ]);
  assert.deepEqual(await names(dir, "stream_geo", 3), [partName(2)]);
  assert.deepEqual(await names(dir, "stream_pin", 1), [partName(1)]);
  assert.equal(parsePartName(partName(2)), 2);
  assert.equal(parsePartName(`${partName(2)}.tmp`), null);
  assert.equal(
    await Deno.readTextFile(`${dir}/stream_pin/${partName(2)}`),
    "b",
  );
  assert.deepEqual(await allFiles(dir), [
    CHECKPOINT_FILE,
    "_lock",
    `stream_geo/${partName(2)}`,
    `stream_pin/${partName(1)}`,
    `stream_pin/${partName(2)}`,
  ]);
});

Deno.test("table store: a second writer on the same directory is refused", async () => {
  await using dirTmp = await makeTestDir();
  const dir = dirTmp.path;
  const first = await openTableStore(dir, { tables: TABLES });
  const { since } = JSON.parse(await Deno.readTextFile(`${dir}/_lock`));
  await assert.rejects(
    openTableStore(dir, { tables: TABLES }),
    (e: unknown) =>
      e instanceof StreamLockedError &&
      e.message ===
        `Another stream processor is writing to ${dir}: a processor of this process ` +
          `(running since ${since}) holds its lock ${dir}/_lock. Only one processor may ` +
          "own an output directory (two would interleave their batch ids). Stop it " +
          "first, or use another --data-dir.",
  );
  await first.close();
  const second = await openTableStore(dir, { tables: TABLES });
  assert.equal(second.checkpoint().batchId, 0);
  await second.close();
});

Deno.test("table store: an output directory that cannot be prepared is a StreamDirError naming it", async () => {
  await using rootTmp = await makeTestDir();
  const root = rootTmp.path;
  try {
    // A file where the output directory should be, then where a table's folder should be.
    await Deno.writeTextFile(`${root}/stream`, "x");
    await assert.rejects(
      openTableStore(`${root}/stream`, { tables: TABLES }),
      (e: unknown) => {
        assert.ok(e instanceof StreamDirError);
        assert.match(
          e.message,
          new RegExp(
            `^Could not prepare the stream tables in ${root}/stream \\(File exists \\(os error 17\\).*\\); check that the folder can be created and written, or use another --data-dir\\.$`,
          ),
        );
        return true;
      },
    );
    await Deno.mkdir(`${root}/out`);
    await Deno.writeTextFile(`${root}/out/stream_geo`, "x");
    await assert.rejects(
      openTableStore(`${root}/out`, { tables: TABLES }),
      (e: unknown) =>
        e instanceof StreamDirError && e.context.dir === `${root}/out`,
    );
    // The lock was let go: a processor can open the directory once it is fixed.
    await Deno.remove(`${root}/out/stream_geo`);
    const store = await openTableStore(`${root}/out`, { tables: TABLES });
    assert.equal(store.checkpoint().batchId, 0);
    await store.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("table store: tableStoreHeld tells a held directory, and leaves it free", async () => {
  await using dirTmp = await makeTestDir();
  const dir = dirTmp.path;
  assert.equal(await tableStoreHeld(`${dir}/never-opened`), false);
  const held = await openTableStore(dir, { tables: TABLES });
  assert.equal(await tableStoreHeld(dir), true);
  await held.close();
  assert.equal(await tableStoreHeld(dir), false);
  // The probe released what it took: a writer opens the directory.
  const next = await openTableStore(dir, { tables: TABLES });
  await next.close();
});

const STEPS = [
  "part-temp",
  "part",
  "parts",
  "checkpoint-temp",
  "checkpoint",
] as const satisfies readonly CommitStep[];

for (const step of STEPS) {
  Deno.test(`table store: a crash at step "${step}" leaves whole batches only`, async () => {
    await using tmp = await makeTestDir();
    const dir = tmp.path;
    const ok = await openTableStore(dir, { tables: TABLES });
    await ok.commit({
      parts: { stream_pin: bytes("one") },
      rows: { stream_pin: 1 },
      positions: pos("1"),
    });
    await ok.close();

    let seenDuringCommit: string[] | undefined;
    const crashing = await openTableStore(dir, {
      tables: TABLES,
      onCommitStep: async (s, info) => {
        if (s !== step || (info.table ?? "stream_geo") !== "stream_geo") return;
        if (info.tempPath) await Deno.truncate(info.tempPath, 2); // a torn write
        const visible = (await readCheckpoint(dir)).batchId;
        seenDuringCommit = await names(dir, "stream_pin", visible);
        throw new Error(`crash at ${s}`);
      },
    });
    await assert.rejects(
      crashing.commit({
        parts: { stream_pin: bytes("two"), stream_geo: bytes("geo") },
        rows: { stream_pin: 1, stream_geo: 1 },
        positions: pos("2"),
      }),
      { message: `crash at ${step}` },
    );
    await crashing.close();
    const committed = step === "checkpoint";
    // A concurrent reader saw batch 2 only once its checkpoint was in place.
    assert.deepEqual(
      seenDuringCommit,
      committed ? [partName(1), partName(2)] : [partName(1)],
    );

    const restarted = await openTableStore(dir, { tables: TABLES });
    const expectedRemoved: Record<typeof STEPS[number], string[]> = {
      "part-temp": [
        `stream_geo/${partName(2)}.tmp`,
        `stream_pin/${partName(2)}.tmp`,
      ],
      "part": [`stream_geo/${partName(2)}`, `stream_pin/${partName(2)}`],
      "parts": [`stream_geo/${partName(2)}`, `stream_pin/${partName(2)}`],
      "checkpoint-temp": [
        `${CHECKPOINT_FILE}.tmp`,
        `stream_geo/${partName(2)}`,
        `stream_pin/${partName(2)}`,
      ],
      "checkpoint": [],
    };
    assert.deepEqual(
      restarted.recovered.map((p) => p.slice(dir.length + 1)),
      expectedRemoved[step],
    );
    assert.equal(restarted.checkpoint().batchId, committed ? 2 : 1);
    assert.deepEqual(
      restarted.checkpoint().positions,
      pos(committed ? "2" : "1"),
    );
    // The retried batch gets the next id and only it is visible with the new checkpoint.
    const cp = await restarted.commit({
      parts: { stream_geo: bytes("retry") },
      rows: { stream_geo: 1 },
      positions: pos("3"),
    });
    await restarted.close();
    const id = committed ? 3 : 2;
    assert.equal(cp.batchId, id);
    assert.deepEqual(
      await names(dir, "stream_pin", cp.batchId),
      committed ? [partName(1), partName(2)] : [partName(1)],
    );
    assert.deepEqual(
      await names(dir, "stream_geo", cp.batchId),
      committed ? [partName(2), partName(3)] : [partName(2)],
    );
    assert.equal(
      await Deno.readTextFile(`${dir}/stream_geo/${partName(id)}`),
      "retry",
    );
  });
}

Deno.test("checkpoint: a corrupt or foreign checkpoint file is refused with its path", async () => {
  await using dirTmp = await makeTestDir();
  const dir = dirTmp.path;
  await Deno.writeTextFile(`${dir}/${CHECKPOINT_FILE}`, "{not json");
  await assert.rejects(readCheckpoint(dir), (e: unknown) => {
    assert.ok(e instanceof StreamCheckpointError);
    assert.equal(e.context.path, `${dir}/${CHECKPOINT_FILE}`);
    assert.equal(
      e.message,
      `Stream checkpoint ${dir}/${CHECKPOINT_FILE}: is not valid JSON. Point the processor ` +
        "at another output directory (--data-dir) or delete that directory to start over " +
        "from the streams' start.",
    );
    return true;
  });
  await Deno.writeTextFile(
    `${dir}/${CHECKPOINT_FILE}`,
    JSON.stringify({
      version: 1,
      batchId: 2,
      committedAt: 0,
      positions: { s: { a: "x1" } },
    }),
  );
  await assert.rejects(readCheckpoint(dir), /invalid sequence number for s\/a/);
  await assert.rejects(
    openTableStore(dir, { tables: TABLES }),
    StreamCheckpointError,
  );
  // The lock was released by the failed open.
  await Deno.remove(`${dir}/${CHECKPOINT_FILE}`);
  const store = await openTableStore(dir, { tables: TABLES });
  await store.close();
});
