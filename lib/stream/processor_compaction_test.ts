import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { putPosts } from "./exactly_once_check.ts";
import type { LogContext, Logger } from "../logger.ts";
import { readCheckpoint } from "./checkpoint.ts";
import { sortParts } from "./part_names.ts";
import { readStreamTable } from "./read_table.ts";
import { createStreamProcessor } from "./processor.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import {
  assertExactlyOnce,
  catchUp,
  posts,
  PREFIX,
  setupStreams,
} from "./test_util.ts";

/** A logger keeping its lines, by level. */
function recorder() {
  const lines: {
    info: [string, LogContext?][];
    warn: [string, LogContext?][];
  } = { info: [], warn: [] };
  const logger: Logger = {
    info: (m, c) => lines.info.push([m, c]),
    warn: (m, c) => lines.warn.push([m, c]),
    error: () => {},
  };
  return { lines, logger };
}

Deno.test("processor: parts are merged every compactAfterParts of a table; the tables read the same", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  const sent = posts(0, 23);
  await putPosts(log.streams, sent, { prefix: PREFIX, into: posted });
  const { lines, logger } = recorder();
  const stats = await createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    maxBatchRecords: 4,
    compactAfterParts: 3,
    logger,
  }).runOnce();
  // 23 records a stream, 4 a batch: 6 parts of each table, merged 1-3 and 4-6.
  assert.equal(stats.batches, 6);
  const merged = [
    "part-000000000001-000000000003.parquet",
    "part-000000000004-000000000006.parquet",
  ];
  for (const table of ["stream_pin", "stream_geo", "stream_user"]) {
    const names = [...Deno.readDirSync(`${outDir}/${table}`)].map((e) =>
      e.name
    );
    assert.deepEqual(names.sort(), merged, table);
  }
  const merges = lines.info.filter(([m]) => m === "stream: merged parts");
  assert.deepEqual(merges.map(([, c]) => [c?.merged, c?.parts]), [
    ...Array(3).fill([merged[0], 3]),
    ...Array(3).fill([merged[1], 3]),
  ]);
  await assertExactlyOnce({ outDir, posted }, 23);
  const geo = await readStreamTable(outDir, "stream_geo");
  assert.deepEqual(geo.getColumn("ind").toArray(), sent.map((p) => p.geo.ind));
  assert.throws(
    () => createStreamProcessor({ streams: log.streams, compactAfterParts: 1 }),
    ConfigError,
  );
  await log.close();
});

for (const step of ["compact-temp", "compact", "compacted"] as const) {
  Deno.test(`processor: a merge failing at "${step}" is logged, the run goes on, nothing is lost or doubled`, async () => {
    await using tmp = await makeTestDir();
    const { log, outDir, posted } = await setupStreams(tmp);
    await putPosts(log.streams, posts(0, 20), { prefix: PREFIX, into: posted });
    const { lines, logger } = recorder();
    let failed = false;
    const stats = await createStreamProcessor({
      streams: log.streams,
      prefix: PREFIX,
      outDir,
      maxBatchRecords: 5,
      compactAfterParts: 2,
      logger,
      onCommitStep: (s) => {
        if (s !== step || failed) return;
        failed = true;
        throw new Error(`injected failure at ${s}`);
      },
    }).runOnce();
    assert.equal(stats.failures, 0);
    assert.deepEqual(lines.warn.map(([m, c]) => [m, c?.error]), [[
      "stream: merging parts failed; they stay as they are, and the next start tidies up",
      `Error: injected failure at ${step}`,
    ]]);
    await assertExactlyOnce({ outDir, posted }, 20);
    // The next start deletes what the failed merge left; no part is superseded after it.
    assert.equal((await catchUp(log, outDir)).batches, 0);
    const { batchId } = await readCheckpoint(outDir);
    for (const table of ["stream_pin", "stream_geo", "stream_user"]) {
      const names = [...Deno.readDirSync(`${outDir}/${table}`)].map((e) =>
        e.name
      );
      assert.deepEqual(sortParts(names, batchId).superseded, [], table);
      assert.ok(names.every((n) => !n.endsWith(".tmp")), table);
    }
    await assertExactlyOnce({ outDir, posted }, 20);
    await log.close();
  });
}

Deno.test("processor: a merge that keeps failing is tried again after compactAfterParts more parts, not at every micro-batch", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 12), { prefix: PREFIX, into: posted });
  const { lines, logger } = recorder();
  const merging: number[] = [];
  const stats = await createStreamProcessor({
    streams: log.streams,
    prefix: PREFIX,
    outDir,
    maxBatchRecords: 2,
    compactAfterParts: 2,
    logger,
    // The disk takes a micro-batch's part, not a merged one.
    onCommitStep: (s, info) => {
      if (s !== "compact-temp") return;
      merging.push(info.batchId);
      throw new Error("No space left on device (os error 28)");
    },
  }).runOnce();
  // 12 records a stream, 2 a batch: 6 batches. Merges of the three tables are due at
  // batch 2, then (failed) 2 parts later at 4, then at 6. Before: the first table's
  // failure stopped the others', and it was tried again after every batch from 2 on,
  // [2, 3, 4, 5, 6], each time reading its whole run.
  assert.equal(stats.batches, 6);
  assert.deepEqual(merging, [2, 2, 2, 4, 4, 4, 6, 6, 6]);
  assert.equal(lines.warn.length, 3);
  await assertExactlyOnce({ outDir, posted }, 12);
  await log.close();
});
