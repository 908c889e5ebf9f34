/**
 * Compaction's merge of Parquet parts: rows and types kept in order, and the memory it takes
 * bounded by a part's rows, not by the whole run's (measured in a child process by its
 * peak resident set, VmHWM, on Linux).
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { pl } from "../clean/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { mergeParquetParts } from "./merge_parts.ts";

Deno.test("merge parts: rows in part order, columns and types as the parts'", async () => {
  await using tmp = await makeTestDir();
  const paths: string[] = [];
  for (const [i, rows] of [[0, 3], [1, 1], [2, 2]]) {
    const df = pl.DataFrame([
      pl.Series("ind", Array.from({ length: rows }, (_, k) => i * 10 + k)),
      pl.Series("_shard_id", Array(rows).fill(`s${i}`), pl.Utf8),
    ]);
    paths.push(`${tmp.path}/part-${i}.parquet`);
    Deno.writeFileSync(
      paths.at(-1)!,
      new Uint8Array(df.writeParquet({ compression: "zstd" })),
    );
  }
  await mergeParquetParts(paths, `${tmp.path}/merged.parquet`);
  const merged = pl.readParquet(`${tmp.path}/merged.parquet`);
  assert.deepEqual(merged.getColumn("ind").toArray(), [0, 1, 2, 10, 20, 21]);
  assert.deepEqual(
    Object.entries(merged.schema).map(([k, v]) => [k, String(v)]),
    [["ind", String(pl.Float64)], ["_shard_id", String(pl.String)]],
  );
});

const MERGE = fileURLToPath(new URL("./merge_parts.ts", import.meta.url));
const CLEAN = fileURLToPath(new URL("../clean/mod.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));

Deno.test({
  name:
    "merge parts: 64 parts of 10,000 rows (640 MB in memory) merge in less than 250 MB",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    await using tmp = await makeTestDir();
    // In the child: 64 parts of 10,000 rows of ~1 KB text (34 KB each on disk), then the
    // growth of its peak resident set while they are merged.
    const code = `
      import { pl } from ${JSON.stringify(CLEAN)};
      import { mergeParquetParts } from ${JSON.stringify(MERGE)};
      const dir = ${JSON.stringify(tmp.path)};
      const rows = 10_000;
      const df = pl.DataFrame({
        ind: Array.from({ length: rows }, (_, i) => i),
        description: Array.from({ length: rows }, (_, i) => i + " " + "lorem ipsum ".repeat(80)),
      });
      const bytes = df.writeParquet({ compression: "zstd" });
      const paths = [];
      for (let i = 0; i < 64; i++) {
        paths.push(dir + "/part-" + i + ".parquet");
        Deno.writeFileSync(paths[i], bytes);
      }
      const hwm = () => Number(/VmHWM:\\s+(\\d+)/.exec(Deno.readTextFileSync("/proc/self/status"))[1]);
      const before = hwm();
      await mergeParquetParts(paths, dir + "/merged.parquet");
      const merged = pl.scanParquet(dir + "/merged.parquet").select(pl.len()).collectSync();
      console.log(JSON.stringify({ rows: Number(merged.row(0)[0]), growthMiB: Math.round((hwm() - before) / 1024) }));
    `;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      cwd: REPO,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, stderr);
    const { rows, growthMiB } = JSON.parse(
      new TextDecoder().decode(out.stdout),
    );
    assert.equal(rows, 640_000);
    assert.ok(growthMiB < 250, `the merge took ${growthMiB} MiB more`);
  },
});
