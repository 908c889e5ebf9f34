/**
 * Recovery of the output directory: the table folders it is given, and only those, are
 * cleared of an interrupted batch's leftovers.
 */
import assert from "node:assert/strict";
import { StreamDirError } from "./errors.ts";
import { partName } from "./part_names.ts";
import { listCommittedParts } from "./read_table.ts";
import { openTableStore } from "./table_store.ts";
import { makeTestDir } from "../test_temp_dir.ts";

const TABLES = ["stream_pin", "stream_geo"];
const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("recovery: a table folder that is a symlink (its files on another disk) is cleared like the others", async () => {
  await using tmp = await makeTestDir();
  const dir = `${tmp.path}/stream`;
  await Deno.mkdir(`${tmp.path}/other-disk/stream_pin`, { recursive: true });
  await Deno.mkdir(dir);
  await Deno.symlink(`${tmp.path}/other-disk/stream_pin`, `${dir}/stream_pin`);
  const store = await openTableStore(dir, { tables: TABLES });
  await store.commit({
    parts: { stream_pin: bytes("1") },
    rows: { stream_pin: 1 },
    positions: {},
  });
  await store.close();
  // Batch 2 crashed after its pin part was renamed into place, and during a temp write.
  await Deno.writeTextFile(`${dir}/stream_pin/${partName(2)}`, "stale");
  await Deno.writeTextFile(`${dir}/stream_pin/${partName(2)}.tmp`, "st");
  const again = await openTableStore(dir, { tables: TABLES });
  // Before: recovery walked only real folders, and left both.
  assert.deepEqual(again.recovered, [
    `${dir}/stream_pin/${partName(2)}`,
    `${dir}/stream_pin/${partName(2)}.tmp`,
  ]);
  // Batch 2, read again, has no pin rows: the stale part must not become committed.
  await again.commit({
    parts: { stream_geo: bytes("2") },
    rows: { stream_geo: 1 },
    positions: {},
  });
  await again.close();
  assert.deepEqual(await listCommittedParts(dir, "stream_pin", { upTo: 2 }), [
    `${dir}/stream_pin/${partName(1)}`,
  ]);
});

Deno.test("recovery: a folder in the output directory that is no table is left alone", async () => {
  await using tmp = await makeTestDir();
  const dir = tmp.path;
  await Deno.mkdir(`${dir}/stream_pin.bak`);
  const kept = [partName(7), `${partName(8)}.tmp`];
  for (const name of kept) {
    await Deno.writeTextFile(`${dir}/stream_pin.bak/${name}`, "a copy");
  }
  const store = await openTableStore(dir, { tables: TABLES });
  await store.close();
  // Before: its parts past the checkpoint (batch 0) and temp files were deleted.
  assert.deepEqual(store.recovered, []);
  assert.deepEqual(
    [...Deno.readDirSync(`${dir}/stream_pin.bak`)].map((e) => e.name).sort(),
    kept,
  );
});

Deno.test("recovery: a leftover that cannot be deleted is a StreamDirError naming the folder; the lock is let go", async () => {
  await using tmp = await makeTestDir();
  const dir = tmp.path;
  // A folder where a temp file was left cannot be removed as one.
  const stuck = `${dir}/stream_pin/${partName(3)}.tmp`;
  await Deno.mkdir(`${stuck}/inside`, { recursive: true });
  // Before: Deno's own error escaped, and `deno task stream` died with its stack trace.
  await assert.rejects(
    openTableStore(dir, { tables: TABLES }),
    (e: unknown) => {
      assert.ok(e instanceof StreamDirError, String(e));
      assert.equal(
        e.message,
        `Could not prepare the stream tables in ${dir} (Directory not empty (os error 39): ` +
          `remove '${stuck}'); check that the folder can be created and written, or use ` +
          "another --data-dir.",
      );
      return true;
    },
  );
  await Deno.remove(stuck, { recursive: true });
  const store = await openTableStore(dir, { tables: TABLES });
  await store.close();
});
