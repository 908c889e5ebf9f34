import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { join } from "node:path";
import { runBatch } from "../batch/mod.ts";
import { openDirStore } from "../lake/mod.ts";
import { METRIC_NAMES, metricsFromWarehouse } from "../metrics/mod.ts";
import { runMetricsCli } from "./metrics.ts";
import { generatePosts, toCourseJson } from "../source/mod.ts";

const CLI = fileURLToPath(new URL("./metrics.ts", import.meta.url));

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

/**
 * A data dir whose lake holds 300 generated posts (the first 50 posted twice), batched;
 * `category`, when given, is every pin's category.
 */
async function dataDirWithWarehouse(category?: string): Promise<string> {
  const dataDir = await Deno.makeTempDir();
  const store = openDirStore(join(dataDir, "lake"));
  const posts = [...generatePosts({ rows: 300, seed: 7 })];
  if (category !== undefined) {
    for (const p of posts) {
      p.pin.category = category;
    }
  }
  const sent = [...posts, ...posts.slice(0, 50)];
  for (const table of ["pin", "geo", "user"] as const) {
    const topic = `pinterest.${table}`;
    for (let start = 0; start < sent.length; start += 100) {
      const lines = sent.slice(start, start + 100).map((p) =>
        JSON.stringify(toCourseJson(p[table]))
      );
      const key = `topics/${topic}/partition=0/${topic}+0+${
        String(start).padStart(10, "0")
      }.json`;
      await store.put(key, lines.join("\n") + "\n");
    }
  }
  const summary = await runBatch({
    store,
    warehouseDir: join(dataDir, "warehouse"),
  });
  assert.deepEqual(
    [
      summary.tables.pin.rows,
      summary.tables.pin.duplicates,
      summary.quarantined,
    ],
    [300, 50, 0],
  );
  return dataDir;
}

Deno.test("metrics CLI: --json prints one JSON object with the nine metrics, equal to runMetrics", async () => {
  const dataDir = await dataDirWithWarehouse();
  const { code, stdout, stderr } = await runCli([
    "--json",
    "--data-dir",
    dataDir,
  ]);
  assert.equal(code, 0, stderr);
  const parsed = JSON.parse(stdout);
  assert.deepEqual(Object.keys(parsed), [...METRIC_NAMES]);
  assert.deepEqual(
    parsed,
    (await metricsFromWarehouse(join(dataDir, "warehouse"))).results,
  );
  for (const name of METRIC_NAMES) assert.ok(Array.isArray(parsed[name]), name);
  assert.equal(parsed.country_with_top_user.length, 1);
  assert.equal(parsed.median_followers_by_age_group.length, 4);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("metrics CLI: without --json prints nine titled tables", async () => {
  const dataDir = await dataDirWithWarehouse();
  const { code, stdout } = await runCli(["--data-dir", dataDir]);
  assert.equal(code, 0);
  for (const [i, name] of METRIC_NAMES.entries()) {
    assert.match(stdout, new RegExp(`^${i + 1}\\. .* \\(${name}\\)$`, "m"));
  }
  assert.match(stdout, /^age_group\s+median_follower_count$/m);
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("metrics CLI: an empty data dir fails with exit 1 and says to run the batch first", async () => {
  const dataDir = await Deno.makeTempDir();
  const { code, stdout, stderr } = await runCli([
    "--json",
    "--data-dir",
    dataDir,
  ]);
  assert.equal(code, 1);
  assert.equal(stdout, "");
  assert.equal(
    stderr,
    `metrics: The warehouse in ${
      join(dataDir, "warehouse")
    } has no pin.parquet, geo.parquet, ` +
      "user.parquet: run `deno task batch` first (after `deno task emulate` has filled the lake).\n",
  );
  await Deno.remove(dataDir, { recursive: true });
});

Deno.test("metrics CLI: --json writes controls and text-direction marks of the data as JSON escapes, and parses back to them", async () => {
  // JSON.stringify leaves C1 controls (CSI U+009B starts a terminal sequence) and the
  // direction overrides as they are.
  const category = "art\u009b2J\u202eevil\u007f";
  const dataDir = await dataDirWithWarehouse(category);
  try {
    const out: string[] = [];
    const results = await runMetricsCli(["--json", "--data-dir", dataDir], {
      write: (t) => out.push(t),
    });
    assert.equal(out.length, 1);
    assert.equal(/[\u007f-\u009f\u202e]/.test(out[0]), false);
    assert.ok(out[0].includes("art\\u009b2J\\u202eevil\\u007f"));
    assert.deepEqual(JSON.parse(out[0]), JSON.parse(JSON.stringify(results)));
    const rows = JSON.parse(out[0]).popular_category_by_country;
    assert.ok(rows.length > 0);
    for (const row of rows) assert.equal(row.category, category);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
