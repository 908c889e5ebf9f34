import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runBatch } from "../batch/mod.ts";
import { openDirStore } from "../lake/mod.ts";
import { ConfigError } from "../errors.ts";
import { generatePosts, toCourseJson } from "../source/mod.ts";
import { parseReportArgs } from "./report.ts";

const CLI = fileURLToPath(new URL("./report.ts", import.meta.url));

async function runCli(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: dec.decode(out.stderr),
  };
}

Deno.test("report CLI: writes data-dir/report.html with nine charts and tables from the warehouse", async () => {
  const dataDir = await Deno.makeTempDir();
  const store = openDirStore(join(dataDir, "lake"));
  const posts = [...generatePosts({ rows: 400, seed: 3 })];
  for (const table of ["pin", "geo", "user"] as const) {
    const topic = `pinterest.${table}`;
    const lines = posts.map((p) => JSON.stringify(toCourseJson(p[table])));
    await store.put(
      `topics/${topic}/partition=0/${topic}+0+0000000000.json`,
      lines.join("\n"),
    );
  }
  await runBatch({ store, warehouseDir: join(dataDir, "warehouse") });
  const { code, stdout, stderr } = await runCli(["--data-dir", dataDir]);
  assert.equal(code, 0, stderr);
  const path = join(dataDir, "report.html");
  assert.equal(stdout.trim(), `report: wrote ${path}`);
  const html = await Deno.readTextFile(path);
  assert.equal(html.split('class="marks"').length - 1, 9);
  assert.equal(html.split("<table>").length - 1, 9);
  assert.match(html, /<b>400<\/b><span>pin rows<\/span>/);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("report CLI: without a warehouse it exits 1 and says to run the batch first", async () => {
  const dataDir = await Deno.makeTempDir();
  const { code, stderr } = await runCli(["--data-dir", dataDir]);
  assert.equal(code, 1);
  assert.equal(
    stderr,
    `report: The warehouse in ${
      join(dataDir, "warehouse")
    } has no pin.parquet, geo.parquet, ` +
      "user.parquet: run `deno task batch` first (after `deno task emulate` has filled the lake).\n",
  );
  assert.equal(
    await Deno.stat(join(dataDir, "report.html")).catch(() => null),
    null,
  );
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("report CLI: an empty --out is a ConfigError naming the flag (exit 2), not a failed write", () => {
  // It was tried as a file: 'Could not write the report  (Empty path is not allowed)', exit 1.
  assert.throws(
    () => parseReportArgs(["--out", ""], {}),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting --out="": must not be empty (the default is {data-dir}/report.html)',
  );
  assert.equal(parseReportArgs(["--out", "r.html"], {}).out, "r.html");
});

Deno.test("report CLI: a damaged warehouse table exits 1, names the file and says to rerun the batch; the last report stays", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const warehouse = join(dataDir, "warehouse");
    await Deno.mkdir(warehouse);
    for (const table of ["pin", "geo", "user"]) {
      await Deno.writeTextFile(join(warehouse, `${table}.parquet`), "garbage");
    }
    await Deno.writeTextFile(join(dataDir, "report.html"), "the last report");
    const { code, stderr } = await runCli(["--data-dir", dataDir]);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      `report: The warehouse table ${
        join(warehouse, "pin.parquet")
      } cannot be read (parquet: File out of specification: A Parquet file must contain a header and footer with at least 12 bytes): ` +
        "the file is damaged. Run `deno task batch` again: it rewrites every table from the lake.\n",
    );
    assert.equal(
      await Deno.readTextFile(join(dataDir, "report.html")),
      "the last report",
    );
    assert.deepEqual([...Deno.readDirSync(dataDir)].map((e) => e.name).sort(), [
      "report.html",
      "warehouse",
    ]);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
