import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { silentLogger } from "../logger.ts";
import { openDirStore } from "../lake/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { runBatch } from "./run.ts";
import { openStagingDir, removeAbandonedStaging } from "./staging.ts";

const STAGING = fileURLToPath(new URL("./staging.ts", import.meta.url));

const names = (dir: string) =>
  [...Deno.readDirSync(dir)].map((e) => e.name).sort();

/** A process that opens a staging folder in `parent`, writes into it and waits to be killed. */
async function holder(parent: string) {
  const code = `
    import { openStagingDir } from ${JSON.stringify(STAGING)};
    const s = await openStagingDir(${JSON.stringify(parent)});
    await Deno.writeTextFile(s.path + "/pin.parquet", "half a table");
    console.log(s.path);
    setTimeout(() => {}, 600_000);
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return { child, path: (value ?? "").trim() };
}

Deno.test("staging: a running batch's folder is left alone; once it is killed, the next cleanup removes folder and lock", async () => {
  await using tmp = await makeTestDir();
  await Deno.writeTextFile(join(tmp.path, "pin.parquet"), "a table");
  const { child, path } = await holder(tmp.path);
  try {
    assert.ok(path.startsWith(join(tmp.path, ".tmp-")), path);
    assert.deepEqual(await removeAbandonedStaging(tmp.path), []);
    assert.equal(
      Deno.readTextFileSync(join(path, "pin.parquet")),
      "half a table",
    );
  } finally {
    child.kill("SIGKILL");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  }
  const name = path.slice(tmp.path.length + 1);
  assert.deepEqual(names(tmp.path), [name, `${name}.lock`, "pin.parquet"]);
  assert.deepEqual(await removeAbandonedStaging(tmp.path), [path]);
  assert.deepEqual(names(tmp.path), ["pin.parquet"]);
});

Deno.test("staging: this process's folder is held until released; folders without a lock and stray locks are removed", async () => {
  await using tmp = await makeTestDir();
  const mine = await openStagingDir(tmp.path);
  await Deno.mkdir(join(tmp.path, ".tmp-old"));
  await Deno.writeTextFile(join(tmp.path, ".tmp-old", "x"), "x");
  await Deno.writeTextFile(join(tmp.path, ".tmp-gone.lock"), "");
  // A temp file of another writer (a report being written) is not a staging folder.
  await Deno.writeTextFile(join(tmp.path, ".tmp-report-1.html"), "<html>");
  assert.deepEqual(await removeAbandonedStaging(tmp.path), [
    join(tmp.path, ".tmp-old"),
  ]);
  const name = mine.path.slice(tmp.path.length + 1);
  assert.deepEqual(
    names(tmp.path),
    [
      name,
      `${name}.lock`,
      ".tmp-report-1.html",
    ].sort(),
  );
  await mine.release();
  assert.deepEqual(names(tmp.path), [".tmp-report-1.html"]);
  assert.deepEqual(await removeAbandonedStaging(join(tmp.path, "none")), []);
});

Deno.test("batch: the leftovers of a killed batch are removed, and said so, by the next batch", async () => {
  await using tmp = await makeTestDir();
  const warehouseDir = join(tmp.path, "warehouse");
  await Deno.mkdir(warehouseDir);
  const { child, path } = await holder(warehouseDir);
  child.kill("SIGKILL");
  await child.status;
  await child.stdout.cancel().catch(() => {});
  const warnings: [string, unknown][] = [];
  await runBatch({
    store: openDirStore(join(tmp.path, "lake")),
    warehouseDir,
    logger: { ...silentLogger, warn: (m, c) => warnings.push([m, c]) },
  });
  assert.deepEqual(warnings[0], [
    "batch: removed what batches that did not finish left",
    { dirs: [path] },
  ]);
  assert.deepEqual(names(warehouseDir), [
    ".batch-tables.lock",
    ".batch.lock",
    "geo.parquet",
    "pin.parquet",
    "quarantine.parquet",
    "user.parquet",
  ]);
});
