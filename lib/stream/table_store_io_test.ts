/**
 * The table store when the disk fails a commit (full, read-only, no permission): a typed
 * error naming the output folder, nothing committed, and the next open recovers.
 */
import assert from "node:assert/strict";
import { readCheckpoint } from "./checkpoint.ts";
import { StreamIoError } from "./errors.ts";
import { listCommittedParts } from "./read_table.ts";
import { partName } from "./part_names.ts";
import { openTableStore } from "./table_store.ts";
import { makeTestDir } from "../test_temp_dir.ts";

const TABLES = ["stream_pin", "stream_geo"];
const bytes = (text: string) => new TextEncoder().encode(text);
const pos = (seq: string) => ({ "s-pin": { "shardId-000000000000": seq } });
const batch = {
  parts: { stream_pin: bytes("a"), stream_geo: bytes("b") },
  rows: { stream_pin: 1, stream_geo: 1 },
  positions: pos("10"),
};

Deno.test("table store: a commit the disk refuses (full) is a StreamIoError naming the folder; reopened, the store commits it", async () => {
  await using tmp = await makeTestDir();
  const dir = tmp.path;
  const store = await openTableStore(dir, { tables: TABLES });
  // The geo part's temp file on a full disk: /dev/full answers every write with ENOSPC.
  const full = `${dir}/stream_geo/${partName(1)}.tmp`;
  await Deno.symlink("/dev/full", full);
  // Before: the error was Deno's own 'No space left on device (os error 28)', which names
  // no file or folder.
  await assert.rejects(store.commit(batch), (e: unknown) => {
    assert.ok(e instanceof StreamIoError, String(e));
    assert.equal(
      e.message,
      `Could not write the stream tables in ${dir} (No space left on device (os error 28)); ` +
        "check that its disk has free space and that this user may write the folder",
    );
    assert.equal(e.code, "STREAM_IO");
    assert.equal(e.context.dir, dir);
    assert.equal((e.cause as { code?: string }).code, "ENOSPC");
    return true;
  });
  assert.equal(store.checkpoint().batchId, 0);
  assert.equal((await readCheckpoint(dir)).batchId, 0);
  await store.close();
  // Space is back: the next open removes the leftovers, and the batch commits.
  const again = await openTableStore(dir, { tables: TABLES });
  assert.ok(again.recovered.includes(full), String(again.recovered));
  assert.equal((await again.commit(batch)).batchId, 1);
  await again.close();
  for (const [table, text] of [["stream_pin", "a"], ["stream_geo", "b"]]) {
    const [part] = await listCommittedParts(dir, table, { upTo: 1 });
    assert.equal(await Deno.readTextFile(part), text);
  }
});

Deno.test("table store: a failed part write fails the commit only once the other parts' writes are done", async () => {
  await using tmp = await makeTestDir();
  const dir = tmp.path;
  const store = await openTableStore(dir, { tables: TABLES });
  await Deno.symlink("/dev/full", `${dir}/stream_geo/${partName(1)}.tmp`);
  // The pin part's temp file is a FIFO: its write waits until the test reads it.
  const fifo = `${dir}/stream_pin/${partName(1)}.tmp`;
  const made = await new Deno.Command("mkfifo", { args: [fifo] }).output();
  assert.ok(made.success);
  const committing = store.commit({
    parts: { stream_geo: bytes("b"), stream_pin: bytes("a") },
    rows: { stream_geo: 1, stream_pin: 1 },
    positions: pos("10"),
  });
  const early = await Promise.race([
    committing.then(() => "committed", () => "failed"),
    new Promise((r) => setTimeout(() => r("pending"), 300)),
  ]);
  const reader = await Deno.open(fifo, { read: true });
  const written = new TextDecoder().decode(
    await new Response(reader.readable).arrayBuffer(),
  );
  await assert.rejects(
    committing,
    (e: unknown) =>
      e instanceof StreamIoError &&
      (e.cause as { code?: string }).code === "ENOSPC",
  );
  // Before: the commit failed at once, with the pin write still going on; a retry
  // (which first removes every temp file) could run before it ended, and write the same
  // temp path beside it.
  assert.equal(early, "pending");
  assert.equal(written, "a");
  await store.close();
});
