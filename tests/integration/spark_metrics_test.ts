/**
 * The nine metric queries on Spark SQL give the answers they give on polars.
 *
 * `lib/metrics/sql/` is meant to run unchanged on Databricks; this test runs it on a real
 * Spark (PySpark in `.venv/`, installed by `.ci/run` from `tests/spark/requirements.txt`)
 * over a warehouse the batch job wrote from generated posts, and compares every row. Outside
 * CI it is skipped, with a message, when PySpark is not installed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runBatch } from "../../lib/batch/mod.ts";
import { openDirStore } from "../../lib/lake/mod.ts";
import { METRIC_NAMES, metricsFromWarehouse } from "../../lib/metrics/mod.ts";
import { createGenerator, toCourseJson } from "../../lib/source/mod.ts";

const root = (path: string) =>
  fileURLToPath(new URL(`../../${path}`, import.meta.url));
const PYTHON = root(".venv/bin/python");
const SCRIPT = root("tests/spark/run_metrics.py");
const SQL_DIR = root("lib/metrics/sql");

async function hasPySpark(): Promise<boolean> {
  try {
    const probe = new Deno.Command(PYTHON, {
      args: ["-c", "import pyspark"],
      stdout: "null",
      stderr: "null",
    });
    return (await probe.output()).success;
  } catch {
    return false;
  }
}

const ignore = !(await hasPySpark()) && Deno.env.get("CI") !== "true";
if (ignore) {
  console.log(
    "spark metrics test skipped: no PySpark in .venv/ (python3 -m venv .venv && .venv/bin/pip install -r tests/spark/requirements.txt)",
  );
}

Deno.test({
  name:
    "metrics: Spark SQL gives every row polars gives, on a warehouse of generated posts",
  ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "spark_metrics_" });
    try {
      // 3,000 posts drawn with repeats from 800 source rows, as the emulator posts them.
      const gen = createGenerator({ rows: 800, seed: 21 });
      const posts = Array.from(
        { length: 3000 },
        (_, i) => gen.post((i * 7919) % 800),
      );
      const store = openDirStore(`${dir}/lake`);
      for (const table of ["pin", "geo", "user"] as const) {
        const topic = `pinterest.${table}`;
        const lines = posts.map((p) => JSON.stringify(toCourseJson(p[table])));
        await store.put(
          `topics/${topic}/partition=0/${topic}+0+0000000000.json`,
          lines.join("\n") + "\n",
        );
      }
      const warehouse = `${dir}/warehouse`;
      await runBatch({ store, warehouseDir: warehouse });
      const { results } = await metricsFromWarehouse(warehouse);
      const run = await new Deno.Command(PYTHON, {
        args: [SCRIPT, warehouse, SQL_DIR],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(240_000),
      }).output();
      const stderr = new TextDecoder().decode(run.stderr);
      assert.ok(run.success, `spark failed:\n${stderr.slice(-3000)}`);
      const spark = JSON.parse(new TextDecoder().decode(run.stdout));
      assert.deepEqual(Object.keys(spark), [...METRIC_NAMES]);
      for (const name of METRIC_NAMES) {
        assert.ok(results[name].length > 0, `${name}: the data yields rows`);
        assert.deepEqual(spark[name], results[name], name);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
