/**
 * Acceptance crash test of the streaming job: `deno task stream` runs as a subprocess and is
 * SIGKILLed at random moments of its run, five times, while records keep arriving (parts are
 * merged every 2 micro-batches, so kills land in merges too); then a `--once` catch-up runs.
 * Every posted record must then be in its table exactly once.
 */
import assert from "node:assert/strict";
import { openEmbeddedLog } from "../log/mod.ts";
import { createGenerator } from "../source/mod.ts";
import { readCheckpoint } from "./checkpoint.ts";
import {
  emptyPostedKeys,
  exactlyOnceProblems,
  putPosts,
  storedKeys,
} from "./exactly_once_check.ts";
import { countStreamTables } from "./read_table.ts";
import { parsePartName, parsePartRange } from "./part_names.ts";
import { spawnStreamCli } from "./spawn_cli.ts";
import { makeTestDir } from "../test_temp_dir.ts";

const PREFIX = "crash";
const KILLS = 5;

/** The stream job on `dataDir`, with `tmp` as its system temp dir (`TMPDIR`). */
const spawnStream = (dataDir: string, tmp: string, args: string[]) =>
  spawnStreamCli(dataDir, PREFIX, { args, env: { TMPDIR: tmp } });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits (at most 60 s) until the checkpoint passes `batchId`; false on timeout or exit. */
async function waitForCommitAfter(
  outDir: string,
  batchId: number,
  exited: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !exited()) {
    if ((await readCheckpoint(outDir)).batchId > batchId) return true;
    await sleep(20);
  }
  return false;
}

/**
 * Waits (at most 10 s) until a commit is in flight: a part temp file, or a part newer than
 * the checkpoint, exists in `stream_pin`. True when one was seen.
 */
async function waitForCommitInFlight(
  outDir: string,
  exited: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !exited()) {
    const { batchId } = await readCheckpoint(outDir);
    for await (const e of Deno.readDir(`${outDir}/stream_pin`)) {
      const id = parsePartName(e.name);
      if (e.name.endsWith(".tmp") || (id !== null && id > batchId)) return true;
    }
    await sleep(0);
  }
  return false;
}

Deno.test("stream crash test: SIGKILLed 5 times mid-run, restarted, every record exactly once, no scratch left", async () => {
  await using tmp = await makeTestDir();
  const dataDir = `${tmp.path}/data`;
  // The jobs' system temp dir does not exist: their scratch lives in the output folder,
  // where a restart removes what a killed job left.
  const systemTemp = `${tmp.path}/no-system-temp`;
  await Deno.mkdir(dataDir);
  const outDir = `${dataDir}/stream`;
  const log = await openEmbeddedLog(`${dataDir}/log.db`);
  await log.streams.createStream(`streaming-${PREFIX}-pin`, { shardCount: 2 });
  await log.streams.createStream(`streaming-${PREFIX}-geo`);
  await log.streams.createStream(`streaming-${PREFIX}-user`);
  const gen = createGenerator({ rows: 5_000, seed: 3 });
  const posted = emptyPostedKeys();

  // Records keep arriving during the whole test: 4 posts (12 records) every 10 ms.
  let producing = true;
  let next = 0;
  const producer = (async () => {
    while (producing && next + 4 <= gen.rows) {
      const batch = [0, 1, 2, 3].map((i) => gen.post(next + i));
      next += 4;
      await putPosts(log.streams, batch, { prefix: PREFIX, into: posted });
      await sleep(10);
    }
  })();

  let killed = 0;
  let recoveries = 0;
  let inCommit = 0;
  try {
    while (killed < KILLS) {
      const before = (await readCheckpoint(outDir)).batchId;
      // Parts merged every 2: kills land in merges too.
      const child = spawnStream(dataDir, systemTemp, [
        "--trigger-interval-ms",
        "30",
        "--compact-after",
        "2",
      ]);
      let exited = false;
      const status = child.status.then((s) => {
        exited = true;
        return s;
      });
      const stderr = new Response(child.stderr).text();
      const progressed = await waitForCommitAfter(outDir, before, () => exited);
      // Odd kills: a random moment of the run. Even kills: while a commit is in flight.
      if (progressed && killed % 2 === 0) await sleep(Math.random() * 1500);
      if (progressed && killed % 2 === 1) {
        if (await waitForCommitInFlight(outDir, () => exited)) inCommit++;
      }
      if (!exited) child.kill("SIGKILL");
      const s = await status;
      const text = await stderr;
      assert.ok(progressed, `the stream job made no progress:\n${text}`);
      assert.equal(s.signal, "SIGKILL", `it exited by itself:\n${text}`);
      if (text.includes("removed the leftovers")) recoveries++;
      killed++;
    }
  } finally {
    producing = false;
    await producer;
  }

  const final = await spawnStream(dataDir, systemTemp, [
    "--once",
    "--compact-after",
    "2",
  ]).output();
  const finalErr = new TextDecoder().decode(final.stderr);
  assert.equal(final.code, 0, finalErr);
  if (finalErr.includes("removed the leftovers")) recoveries++;

  const total = posted.pin.size;
  assert.ok(total >= 100, `only ${total} posts went through`);
  assert.equal(posted.geo.size, total);
  assert.equal(posted.user.size, total);
  assert.deepEqual(exactlyOnceProblems(posted, await storedKeys(outDir)), []);
  assert.deepEqual(await countStreamTables(outDir), {
    stream_pin: total,
    stream_geo: total,
    stream_user: total,
    stream_quarantine: 0,
  });
  assert.equal(await Deno.stat(systemTemp).catch(() => "absent"), "absent");
  assert.deepEqual(
    [...Deno.readDirSync(outDir)].map((e) => e.name).sort(),
    [
      "_checkpoint.json",
      "_lock",
      "stream_geo",
      "stream_pin",
      "stream_quarantine",
      "stream_user",
    ],
  );
  const merged = [...Deno.readDirSync(`${outDir}/stream_pin`)]
    .filter((e) =>
      (parsePartRange(e.name)?.first ?? 0) < (parsePartName(e.name) ?? 0)
    );
  assert.ok(merged.length > 0, "no parts were merged");
  console.log(
    `  ${KILLS} SIGKILLs (${inCommit} while a commit was in flight), ` +
      `${merged.length} merged parts in stream_pin, ` +
      `${total} posts (${3 * total} records), ` +
      `${(await readCheckpoint(outDir)).batchId} batches, ` +
      `${recoveries} restarts found an uncommitted batch to remove`,
  );
  await log.close();
});
