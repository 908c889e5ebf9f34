/**
 * The nine metric queries on Spark SQL give the answers they give on polars.
 *
 * `lib/metrics/sql/` is meant to run unchanged on Databricks; this test runs it on a real
 * Spark (PySpark in `.venv/`, installed by `.ci/run` from `tests/spark/requirements.txt`)
 * and compares every row, over two warehouses in one Spark session (it takes 10-20 s to
 * start): one the batch job wrote from generated posts, and the hand-built edge warehouse of
 * `metrics_edge_warehouse.ts` (ties, age and year boundaries, even-count medians, null keys,
 * pins without a geo or user row), whose rows are also checked against the ones worked out
 * by hand, so that both engines being wrong the same way fails too. Outside CI it is
 * skipped, with a message, when PySpark is not installed.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runBatch } from "../../lib/batch/mod.ts";
import { openDirStore } from "../../lib/lake/mod.ts";
import {
  METRIC_NAMES,
  type MetricResults,
  metricsFromWarehouse,
} from "../../lib/metrics/mod.ts";
import { createGenerator, toCourseJson } from "../../lib/source/mod.ts";
import { makeTestDir } from "../../lib/test_temp_dir.ts";
import { EDGE_METRICS, writeEdgeWarehouse } from "./metrics_edge_warehouse.ts";

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

/** Writes the batch tables of 3,000 posts drawn with repeats from 800 source rows, as the emulator posts them. */
async function writeGeneratedWarehouse(dir: string): Promise<void> {
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
  await runBatch({ store, warehouseDir: `${dir}/warehouse` });
}

/** Every metric's rows over each warehouse from one Spark run, keyed by warehouse folder. */
async function sparkMetrics(
  warehouses: string[],
): Promise<Record<string, MetricResults>> {
  const run = await new Deno.Command(PYTHON, {
    args: [SCRIPT, SQL_DIR, ...warehouses],
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(240_000),
  }).output();
  const stderr = new TextDecoder().decode(run.stderr);
  assert.ok(run.success, `spark failed:\n${stderr.slice(-3000)}`);
  return JSON.parse(new TextDecoder().decode(run.stdout));
}

Deno.test({
  name:
    "metrics: Spark SQL gives every row polars gives, on generated posts and on a hand-built edge warehouse",
  ignore,
  fn: async (t) => {
    await using tmp = await makeTestDir({ prefix: "spark_metrics_" });
    await writeGeneratedWarehouse(`${tmp.path}/generated`);
    await writeEdgeWarehouse(`${tmp.path}/edge`);
    const warehouses = {
      "generated posts": `${tmp.path}/generated/warehouse`,
      "the edge warehouse": `${tmp.path}/edge`,
    };
    const spark = await sparkMetrics(Object.values(warehouses));
    assert.deepEqual(Object.keys(spark), Object.values(warehouses));
    for (const [label, dir] of Object.entries(warehouses)) {
      const { results } = await metricsFromWarehouse(dir);
      await t.step(`Spark gives polars' rows on ${label}`, () => {
        assert.deepEqual(Object.keys(spark[dir]), [...METRIC_NAMES]);
        for (const name of METRIC_NAMES) {
          assert.ok(results[name].length > 0, `${name}: the data yields rows`);
          assert.deepEqual(spark[dir][name], results[name], name);
        }
      });
    }
    await t.step(
      "Spark gives the hand-worked rows on the edge warehouse",
      () => {
        const edge = spark[warehouses["the edge warehouse"]];
        for (const name of METRIC_NAMES) {
          assert.deepEqual(edge[name], EDGE_METRICS[name], name);
        }
      },
    );
  },
});
