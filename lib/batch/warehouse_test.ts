import assert from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../clean/mod.ts";
import {
  WarehouseDamagedError,
  WarehouseMissingError,
  WarehouseMixedError,
  WarehouseWriteError,
} from "./errors.ts";
import {
  beginWarehouseWrite,
  quarantineFrame,
  readWarehouse,
  writeWarehouse,
} from "./warehouse.ts";
import { lockTables } from "./warehouse_lock.ts";

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("warehouse: tables written are read back as written, and no staging folder is left", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeWarehouse(dir, {
      geo: pl.DataFrame({ ind: [2, 1], country: ["Chad", null] }),
      quarantine: quarantineFrame([
        { table: "pin", reason: "missing ind", raw: "{}" },
      ]),
    });
    assert.deepEqual(await names(dir), [
      ".batch-tables.lock",
      ".batch.lock",
      "geo.parquet",
      "quarantine.parquet",
    ]);
    const back = await readWarehouse(dir, ["geo", "quarantine"]);
    assert.deepEqual(back.geo.toRecords(), [
      { ind: 2, country: "Chad" },
      { ind: 1, country: null },
    ]);
    assert.deepEqual(back.quarantine.toRecords(), [
      { table: "pin", reason: "missing ind", raw: "{}" },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("warehouse: a failed write leaves every previous table as it was, and says so", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeWarehouse(dir, { geo: pl.DataFrame({ ind: [1] }) });
    const next = pl.DataFrame({ ind: [7, 8] });
    // `geo` is written first into the staging folder; the second table cannot be (its name
    // names a folder that does not exist), so nothing may be renamed into place.
    const error = await writeWarehouse(dir, { geo: next, "no/such": next })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof WarehouseWriteError, String(error));
    assert.equal(error.code, "WAREHOUSE_WRITE");
    assert.deepEqual(error.context, { dir });
    assert.match(
      error.message,
      /^Could not write the warehouse in .+ \(.+\); the previous tables are unchanged\. Check free space and permissions, then rerun `deno task batch`\.$/,
    );
    assert.deepEqual(await names(dir), [
      ".batch-tables.lock",
      ".batch.lock",
      "geo.parquet",
    ]);
    const { geo } = await readWarehouse(dir, ["geo"]);
    assert.deepEqual(geo.getColumn("ind").toArray(), [1]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("warehouse: a warehouse path that is a file has no tables to read", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const file = join(parent, "file");
    await Deno.writeTextFile(file, "x");
    await assert.rejects(readWarehouse(file, ["pin"]), WarehouseMissingError);
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("warehouse: a warehouse path under a file cannot be written", async () => {
  const parent = await Deno.makeTempDir();
  try {
    const file = join(parent, "file");
    await Deno.writeTextFile(file, "x");
    const error = await writeWarehouse(join(file, "wh"), {
      geo: pl.DataFrame({ ind: [1] }),
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof WarehouseWriteError, String(error));
    assert.ok(
      error.cause instanceof Deno.errors.NotADirectory,
      String(error.cause),
    );
  } finally {
    await Deno.remove(parent, { recursive: true });
  }
});

Deno.test("warehouse: staged tables appear only at commit; an aborted write leaves the old ones", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeWarehouse(dir, { geo: pl.DataFrame({ ind: [1] }) });
    const aborted = await beginWarehouseWrite(dir);
    aborted.stage("geo", pl.DataFrame({ ind: [2] }));
    aborted.stage("user", pl.DataFrame({ ind: [3] }));
    await aborted.abort();
    assert.deepEqual(await names(dir), [
      ".batch-tables.lock",
      ".batch.lock",
      "geo.parquet",
    ]);
    assert.deepEqual(
      (await readWarehouse(dir, ["geo"])).geo.getColumn("ind").toArray(),
      [1],
    );

    const write = await beginWarehouseWrite(dir);
    write.stage("geo", pl.DataFrame({ ind: [4, 5] }));
    // Staged but not committed: the old table is still the one read.
    assert.deepEqual(
      (await readWarehouse(dir, ["geo"])).geo.getColumn("ind").toArray(),
      [1],
    );
    write.stage("user", pl.DataFrame({ ind: [6] }));
    await write.commit();
    assert.deepEqual(await names(dir), [
      ".batch-tables.lock",
      ".batch.lock",
      "geo.parquet",
      "user.parquet",
    ]);
    const back = await readWarehouse(dir, ["geo", "user"]);
    assert.deepEqual(back.geo.getColumn("ind").toArray(), [4, 5]);
    assert.deepEqual(back.user.getColumn("ind").toArray(), [6]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("warehouse: a second write waits until the first has committed, so two batches never rename their tables in turn", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const first = await beginWarehouseWrite(dir);
    let waits = 0;
    let began = false;
    const second = beginWarehouseWrite(dir, { onWait: () => waits++ })
      .then((w) => {
        began = true;
        return w;
      });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual([began, waits], [false, 1]);
    first.stage("pin", pl.DataFrame({ ind: [1] }));
    first.stage("geo", pl.DataFrame({ ind: [1] }));
    await first.commit();
    const next = await second;
    assert.deepEqual([began, waits], [true, 1]);
    next.stage("pin", pl.DataFrame({ ind: [2] }));
    next.stage("geo", pl.DataFrame({ ind: [2] }));
    await next.commit();
    const back = await readWarehouse(dir, ["pin", "geo"]);
    assert.deepEqual(
      [
        back.pin.getColumn("ind").toArray(),
        back.geo.getColumn("ind").toArray(),
      ],
      [[2], [2]],
    );
    // An aborted write lets the next one begin at once.
    const aborted = await beginWarehouseWrite(dir);
    await aborted.abort();
    await (await beginWarehouseWrite(dir, { onWait: () => waits++ })).abort();
    assert.equal(waits, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("warehouse: a reader and the renames of a commit take turns, so a read never mixes two runs", async () => {
  const dir = await Deno.makeTempDir();
  const settled = (p: Promise<unknown>) => {
    let done = false;
    p.then(() => done = true, () => done = true);
    return () => done;
  };
  const pause = () => new Promise((r) => setTimeout(r, 200));
  try {
    await writeWarehouse(dir, { geo: pl.DataFrame({ ind: [1] }) });
    // A commit renaming its tables: the reader waits, then reads the new tables.
    const renaming = await lockTables(dir);
    const read = readWarehouse(dir, ["geo"]);
    const readDone = settled(read);
    await pause();
    assert.equal(readDone(), false);
    renaming?.close();
    assert.deepEqual((await read).geo.getColumn("ind").toArray(), [1]);
    // A reader reading: the commit waits to rename until it is done.
    const reading = await lockTables(dir, { shared: true });
    const write = await beginWarehouseWrite(dir);
    write.stage("geo", pl.DataFrame({ ind: [2] }));
    const commit = write.commit();
    const commitDone = settled(commit);
    await pause();
    assert.equal(commitDone(), false);
    assert.deepEqual(
      (await readWarehouse(dir, ["geo"])).geo.getColumn("ind").toArray(),
      [1],
    );
    reading?.close();
    await commit;
    assert.deepEqual(
      (await readWarehouse(dir, ["geo"])).geo.getColumn("ind").toArray(),
      [2],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("warehouse: a write stopped between two renames leaves tables of two runs, which readers refuse until the next write", async () => {
  const dir = await Deno.makeTempDir();
  const rename = Deno.rename;
  try {
    await writeWarehouse(dir, {
      pin: pl.DataFrame({ ind: [1] }),
      geo: pl.DataFrame({ ind: [1] }),
    });
    // The second rename fails, as if the batch were killed right after the first.
    let renames = 0;
    Deno.rename = (from, to) =>
      ++renames === 2 ? Promise.reject(new Error("killed")) : rename(from, to);
    await assert.rejects(
      writeWarehouse(dir, {
        pin: pl.DataFrame({ ind: [2] }),
        geo: pl.DataFrame({ ind: [2] }),
      }),
      (e: unknown) => {
        assert.ok(e instanceof WarehouseWriteError, String(e));
        assert.deepEqual(e.context, { dir, replaced: ["pin"] });
        assert.equal(
          e.message,
          `Could not write the warehouse in ${dir} (killed) after replacing pin.parquet: it holds tables of two runs, which readers refuse. Check free space and permissions, then rerun \`deno task batch\`.`,
        );
        return true;
      },
    );
    Deno.rename = rename;
    await assert.rejects(
      readWarehouse(dir, ["pin", "geo"]),
      (e: unknown) => {
        assert.ok(e instanceof WarehouseMixedError, String(e));
        assert.equal(e.code, "WAREHOUSE_MIXED");
        assert.deepEqual(e.context, { dir });
        assert.equal(
          e.message,
          `The warehouse in ${dir} holds tables of two batch runs: a batch was stopped (killed, out of memory, power lost) while it renamed its tables into place. Run \`deno task batch\` again: it rewrites every table.`,
        );
        return true;
      },
    );
    await writeWarehouse(dir, {
      pin: pl.DataFrame({ ind: [3] }),
      geo: pl.DataFrame({ ind: [3] }),
    });
    const back = await readWarehouse(dir, ["pin", "geo"]);
    assert.deepEqual(
      [
        back.pin.getColumn("ind").toArray(),
        back.geo.getColumn("ind").toArray(),
      ],
      [[3], [3]],
    );
  } finally {
    Deno.rename = rename;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("warehouse: a table file that cannot be read is a WarehouseDamagedError saying to rerun the batch", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeWarehouse(dir, {
      pin: pl.DataFrame({ ind: [1] }),
      geo: pl.DataFrame({ ind: [1] }),
    });
    await Deno.writeTextFile(join(dir, "geo.parquet"), "not parquet\n");
    await assert.rejects(readWarehouse(dir, ["pin", "geo"]), (e: unknown) => {
      assert.ok(e instanceof WarehouseDamagedError);
      assert.equal(e.code, "WAREHOUSE_DAMAGED");
      assert.deepEqual(e.context, { dir, table: "geo" });
      assert.match(
        e.message,
        new RegExp(
          `^The warehouse table ${dir}/geo\\.parquet cannot be read \\(.+\\): the file is damaged\\. Run \`deno task batch\` again: it rewrites every table from the lake\\.$`,
        ),
      );
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
