/**
 * Readers next to a running processor: `deno task stream` runs as a subprocess, committing a
 * micro-batch every few milliseconds and merging parts every 2, while this process reads the
 * tables over and over. Every read must succeed and hold whole batches: never fewer rows than
 * the read before, never a part missing because a merge deleted it meanwhile.
 */
import assert from "node:assert/strict";
import { openEmbeddedLog } from "../log/mod.ts";
import { createGenerator } from "../source/mod.ts";
import { readCheckpoint } from "./checkpoint.ts";
import { emptyPostedKeys, putPosts } from "./exactly_once_check.ts";
import { parsePartName, parsePartRange } from "./part_names.ts";
import { readStreamTable } from "./read_table.ts";
import { spawnStreamCli } from "./spawn_cli.ts";
import { makeTestDir } from "../test_temp_dir.ts";

const PREFIX = "reads";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("stream tables: reads next to a processor that commits and merges parts all the time see whole batches", async () => {
  await using tmp = await makeTestDir();
  const dataDir = tmp.path;
  const outDir = `${dataDir}/stream`;
  const log = await openEmbeddedLog(`${dataDir}/log.db`);
  for (const kind of ["pin", "geo", "user"]) {
    await log.streams.createStream(`streaming-${PREFIX}-${kind}`);
  }
  const gen = createGenerator({ rows: 3_000, seed: 5 });
  const child = spawnStreamCli(dataDir, PREFIX, {
    args: ["--trigger-interval-ms", "5", "--compact-after", "2"],
  });
  const stderr = new Response(child.stderr).text();
  let producing = true;
  const producer = (async () => {
    for (let next = 0; producing && next + 2 <= gen.rows; next += 2) {
      await putPosts(log.streams, [gen.post(next), gen.post(next + 1)], {
        prefix: PREFIX,
        into: emptyPostedKeys(),
      });
      await sleep(3);
    }
  })();
  const mergedParts = () =>
    [...Deno.readDirSync(`${outDir}/stream_pin`)].filter((e) =>
      (parsePartRange(e.name)?.first ?? 0) < (parsePartName(e.name) ?? 0)
    ).length;
  let reads = 0;
  let last = 0;
  let merged = 0;
  try {
    // Until 200 reads have seen at least 10 merges happen (bounded: 30 s on a busy host).
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && (reads < 200 || merged < 10)) {
      if ((await readCheckpoint(outDir)).batchId === 0) {
        await sleep(10);
        continue;
      }
      const height = (await readStreamTable(outDir, "stream_pin")).height;
      assert.ok(height >= last, `${height} rows after ${last}`);
      last = height;
      if (++reads % 10 === 0) merged = mergedParts();
    }
  } finally {
    producing = false;
    await producer;
    child.kill("SIGTERM");
    await child.status;
    await stderr;
    await log.close();
  }
  assert.ok(merged >= 10, `only ${merged} merges`);
  assert.ok(reads >= 200 && last > 0, `${reads} reads, ${last} rows`);
  console.log(`  ${reads} reads, ${last} rows, ${merged} merged parts`);
});
