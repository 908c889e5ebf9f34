/**
 * The emulate job's tables: a first run seeds, posts in both modes, cleans and computes the
 * metrics; rows posted again stay one batch row each; a stream-only rerun appends to the streams.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { readWarehouse } from "../batch/mod.ts";
import { loadConfig } from "../config/mod.ts";
import type { DataFrame } from "../clean/mod.ts";
import { METRIC_NAMES } from "../metrics/mod.ts";
import { DEFAULT_ROWS, seedSqlite } from "../source/mod.ts";
import { readStreamTable } from "../stream/mod.ts";
import { runEmulateJob } from "./emulate.ts";
import type { ProcessingResult } from "./process.ts";

const KINDS = ["pin", "geo", "user"] as const;
type Kind = (typeof KINDS)[number];

/** The distinct values of `ind`, ascending. */
function distinctInds(df: DataFrame): number[] {
  return df.getColumn("ind").unique().sort().toArray().map(Number);
}

/** Quarantined stream rows per kind (`table` column of `stream_quarantine`). */
async function streamQuarantine(dir: string): Promise<Record<string, number>> {
  const q = await readStreamTable(join(dir, "stream"), "stream_quarantine");
  const out: Record<string, number> = { pin: 0, geo: 0, user: 0 };
  for (const t of q.getColumn("table").toArray()) out[String(t)] += 1;
  return out;
}

/**
 * Checks the batch and stream tables of `dataDir` against each other after `posts` posts in
 * both modes: each stream table holds every posted record (or quarantines it), each batch
 * table one row per distinct source row among them.
 */
async function assertTablesAgree(
  dataDir: string,
  p: ProcessingResult,
  posts: number,
): Promise<Record<Kind, DataFrame>> {
  const warehouse = await readWarehouse(join(dataDir, "warehouse"), KINDS);
  const quarantined = await streamQuarantine(dataDir);
  for (const kind of KINDS) {
    const stream = await readStreamTable(
      join(dataDir, "stream"),
      `stream_${kind}`,
    );
    assert.equal(stream.height + quarantined[kind], posts, kind);
    assert.equal(p.streamTables[`stream_${kind}`], stream.height, kind);
    const inds = distinctInds(stream);
    assert.deepEqual(distinctInds(warehouse[kind]), inds, kind);
    assert.equal(warehouse[kind].height, inds.length, kind);
    const t = p.batch.tables[kind];
    assert.equal(t.rows, warehouse[kind].height, kind);
    assert.equal(t.rows + t.duplicates + t.quarantined, t.records, kind);
  }
  return warehouse;
}

Deno.test("emulate job: a first run seeds, posts in both modes, cleans, and computes the metrics", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const result = await runEmulateJob(loadConfig({ dataDir }, { env: {} }), {
      count: 40,
      randomSeed: 7,
    });
    assert.equal(result.seededRows, DEFAULT_ROWS);
    assert.equal(result.emulation.posts, 40);
    assert.equal(result.emulation.recordsAccepted, 240);
    assert.equal(result.emulation.recordsFailed, 0);
    assert.equal(result.sink?.recordsWritten, 120);
    assert.deepEqual(result.unseen, { topics: 0, streams: 0 });
    assert.equal(result.locations.inProcess, true);
    assert.equal(result.locations.lake, resolve(dataDir, "lake"));
    const p = result.processing!;
    assert.equal(p.stream?.records, 120);
    const warehouse = await assertTablesAgree(dataDir, p, 40);

    const metrics = p.metrics!;
    assert.deepEqual(Object.keys(metrics.results), [...METRIC_NAMES]);
    assert.deepEqual(metrics.rows, {
      pin: warehouse.pin.height,
      geo: warehouse.geo.height,
      user: warehouse.user.height,
    });
    // Metric 7, worked out from the warehouse's user table.
    const years =
      (warehouse.user.getColumn("date_joined").toArray() as unknown[])
        .filter((d): d is Date => d instanceof Date)
        .map((d) => d.getUTCFullYear());
    const expected = [2015, 2016, 2017, 2018, 2019, 2020]
      .map((y) => ({
        post_year: y,
        number_users_joined: years.filter((x) => x === y).length,
      }))
      .filter((r) => r.number_users_joined > 0);
    assert.ok(expected.length > 0);
    assert.deepEqual(metrics.results.users_joined_by_year, expected);
    // The catch-up recorded itself in the stream tables' lock, so a `deno task stream`
    // refused meanwhile is told to wait for this job rather than to kill it.
    const holder = JSON.parse(
      await Deno.readTextFile(join(dataDir, "stream", "_lock")),
    );
    assert.equal(holder.pid, Deno.pid);
    assert.equal(holder.program, "deno task emulate");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("emulate job: repeated rows are one batch row each; a stream-only rerun appends to the streams only", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    // 60 posts from 25 source rows: rows must repeat.
    await seedSqlite(config.sourceUrl, { rows: 25 });
    const first = await runEmulateJob(config, { count: 60, randomSeed: 1 });
    assert.equal(first.seededRows, undefined);
    await assertTablesAgree(dataDir, first.processing!, 60);
    for (const kind of KINDS) {
      const t = first.processing!.batch.tables[kind];
      assert.ok(t.rows <= 25 && t.duplicates >= 35, `${kind}: ${t.rows}`);
    }

    const again = await runEmulateJob(config, {
      count: 15,
      randomSeed: 2,
      mode: "stream",
    });
    assert.equal(again.emulation.recordsAccepted, 45);
    assert.equal(again.sink?.recordsWritten, 0);
    assert.equal(again.processing!.stream?.records, 45);
    assert.deepEqual(again.unseen, { topics: 0, streams: 0 });
    const quarantined = await streamQuarantine(dataDir);
    for (const kind of KINDS) {
      assert.deepEqual(
        again.processing!.batch.tables[kind],
        {
          ...first.processing!.batch.tables[kind],
          elapsedMs: again.processing!.batch.tables[kind].elapsedMs,
        },
        kind,
      );
      assert.equal(
        again.processing!.streamTables[`stream_${kind}`] + quarantined[kind],
        75,
        kind,
      );
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
