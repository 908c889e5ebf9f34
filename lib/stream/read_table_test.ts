import assert from "node:assert/strict";
import { pl, sinkParquetFile } from "../clean/mod.ts";
import { ConfigError } from "../errors.ts";
import { writeCheckpoint } from "./checkpoint.ts";
import { StreamPartError, StreamTableError } from "./errors.ts";
import {
  countStreamTables,
  listCommittedParts,
  readStreamTable,
} from "./read_table.ts";
import { partName } from "./part_names.ts";

/** A stream output dir whose checkpoint is at batch 2, with stream_pin parts 1, 2 and 3. */
async function outputWithParts(): Promise<string> {
  const dir = await Deno.makeTempDir();
  await Deno.mkdir(`${dir}/stream_pin`);
  // Written out of order; part 3 belongs to a batch the checkpoint does not cover yet.
  for (const batch of [3, 1, 2]) {
    await sinkParquetFile(
      pl.DataFrame({ ind: [batch * 10, batch * 10 + 1] }),
      `${dir}/stream_pin/${partName(batch)}`,
    );
  }
  await Deno.writeTextFile(`${dir}/stream_pin/${partName(4)}.tmp`, "partial");
  await writeCheckpoint(dir, {
    version: 1,
    batchId: 2,
    positions: {},
    committedAt: 1,
  });
  return dir;
}

Deno.test("stream tables: only parts the checkpoint covers are read, in batch order", async () => {
  const dir = await outputWithParts();
  try {
    assert.deepEqual(await listCommittedParts(dir, "stream_pin", { upTo: 2 }), [
      `${dir}/stream_pin/${partName(1)}`,
      `${dir}/stream_pin/${partName(2)}`,
    ]);
    const pin = await readStreamTable(dir, "stream_pin");
    assert.deepEqual(pin.getColumn("ind").toArray(), [10, 11, 20, 21]);
    assert.deepEqual(await countStreamTables(dir), {
      stream_pin: 4,
      stream_geo: 0,
      stream_user: 0,
      stream_quarantine: 0,
    });
    const geo = await readStreamTable(dir, "stream_geo");
    assert.deepEqual(geo.columns, [
      "ind",
      "country",
      "coordinates",
      "timestamp",
      "_shard_id",
      "_sequence_number",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stream tables: a name that is not a stream table is refused with the valid names", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      readStreamTable(dir, "pin" as any),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          'Invalid setting stream table="pin": must be one of stream_pin, stream_geo, stream_user, stream_quarantine',
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stream tables: a table whose parts hold other than the checkpoint's row count is an error", async () => {
  const dir = await outputWithParts();
  const counted = (rows: Record<string, number>) =>
    writeCheckpoint(dir, {
      version: 1,
      batchId: 2,
      positions: {},
      committedAt: 1,
      rows,
    });
  try {
    await counted({ stream_pin: 4 });
    assert.equal((await readStreamTable(dir, "stream_pin")).height, 4);
    assert.equal((await readStreamTable(dir, "stream_geo")).height, 0);
    await Deno.remove(`${dir}/stream_pin/${partName(1)}`);
    await counted({ stream_pin: 4, stream_geo: 2 });
    for (
      const [table, rows, expected] of [["stream_pin", 2, 4], [
        "stream_geo",
        0,
        2,
      ]] as const
    ) {
      await assert.rejects(readStreamTable(dir, table), (e: unknown) => {
        assert.ok(e instanceof StreamTableError);
        assert.equal(
          e.message,
          `Stream table ${table} in ${dir} holds ${rows} rows, but its checkpoint counts ${expected}: ` +
            `a part file was removed or replaced. Restore it, or delete ${dir} to rebuild the tables ` +
            `from the streams (records past the streams' retention cannot come back).`,
        );
        return true;
      });
    }
    // Counting trusts the checkpoint (reading every part of a long run costs minutes);
    // reading the table is what checks the parts against it.
    assert.deepEqual(await countStreamTables(dir), {
      stream_pin: 4,
      stream_geo: 2,
      stream_user: 0,
      stream_quarantine: 0,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("stream tables: a part that cannot be read is a StreamPartError naming it", async () => {
  const dir = await outputWithParts();
  const part = `${dir}/stream_pin/${partName(2)}`;
  try {
    await Deno.writeTextFile(part, "not parquet\n");
    await assert.rejects(readStreamTable(dir, "stream_pin"), (e: unknown) => {
      assert.ok(e instanceof StreamPartError);
      assert.deepEqual(e.context, { dir, path: part });
      assert.match(
        e.message,
        new RegExp(
          `^Stream table part ${part} cannot be read \\(.+\\): the file is damaged\\. Restore it, or delete ${dir} to rebuild`,
        ),
      );
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
