import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { openEmbeddedLog } from "../log/mod.ts";
import { silentLogger } from "../logger.ts";
import { createGenerator } from "../source/mod.ts";
import { emptyPostedKeys, putPosts } from "../stream/exactly_once_check.ts";
import { countStreamTables } from "../stream/mod.ts";
import { parseStreamArgs, runStreamCli } from "./stream.ts";
import { makeTestDir } from "../test_temp_dir.ts";

Deno.test("stream cli: defaults and flags", () => {
  const defaults = parseStreamArgs([], {});
  assert.deepEqual(
    [
      defaults.config.dataDir,
      defaults.config.prefix,
      defaults.triggerIntervalMs,
      defaults.once,
      defaults.compactAfterParts,
    ],
    [".data", "pinterest", 1000, false, 256],
  );
  const set = parseStreamArgs([
    "--data-dir",
    "/x",
    "--prefix",
    "p_1",
    "--trigger-interval-ms",
    "250",
    "--once",
    "--compact-after",
    "16",
  ], {});
  assert.deepEqual(
    [
      set.config.dataDir,
      set.config.prefix,
      set.triggerIntervalMs,
      set.once,
      set.compactAfterParts,
    ],
    ["/x", "p_1", 250, true, 16],
  );
});

Deno.test("stream cli: invalid settings name the flag", () => {
  for (const bad of ["0", "1.5", "soon"]) {
    assert.throws(
      () => parseStreamArgs(["--trigger-interval-ms", bad], {}),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.context.setting === "--trigger-interval-ms" &&
        e.message ===
          `Invalid setting --trigger-interval-ms="${bad}": must be an integer number of milliseconds from 1 to 3600000`,
    );
  }
  for (const bad of ["1", "2.5", "all"]) {
    assert.throws(
      () => parseStreamArgs(["--compact-after", bad], {}),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `Invalid setting --compact-after="${bad}": must be a whole number of parts >= 2`,
    );
  }
  assert.throws(
    () => parseStreamArgs(["--prefix", "a b"], {}),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        `Invalid setting PIPELINE_PREFIX (--prefix)="a b": use 1-100 letters, digits, '_' or '-'`,
  );
  assert.throws(() => parseStreamArgs(["--bogus"], {}), TypeError);
});

Deno.test("stream cli: --once catches up from {data-dir}/log.db into {data-dir}/stream", async () => {
  await using dataDirTmp = await makeTestDir();
  const dataDir = dataDirTmp.path;
  const log = await openEmbeddedLog(`${dataDir}/log.db`);
  for (const kind of ["pin", "geo", "user"]) {
    await log.streams.createStream(`streaming-cli-${kind}`);
  }
  const gen = createGenerator({ rows: 20, seed: 9 });
  const posts = Array.from({ length: 20 }, (_, i) => gen.post(i));
  await putPosts(log.streams, posts, {
    prefix: "cli",
    into: emptyPostedKeys(),
  });
  await log.close();
  const args = ["--once", "--data-dir", dataDir, "--prefix", "cli"];
  const stats = await runStreamCli(args, { logger: silentLogger });
  assert.equal(stats.records, 60);
  assert.equal(stats.batches, 1);
  assert.deepEqual(await countStreamTables(`${dataDir}/stream`), {
    stream_pin: 20,
    stream_geo: 20,
    stream_user: 20,
    stream_quarantine: 0,
  });
  const again = await runStreamCli(args, { logger: silentLogger });
  assert.equal(again.records, 0);
  assert.equal(again.lastBatchId, 1);
});

Deno.test("stream cli: a continuous run stops when its signal aborts", async () => {
  await using dataDirTmp = await makeTestDir();
  const dataDir = dataDirTmp.path;
  const stop = new AbortController();
  const done = runStreamCli([
    "--data-dir",
    dataDir,
    "--trigger-interval-ms",
    "20",
  ], {
    signal: stop.signal,
    logger: silentLogger,
  });
  await new Promise((r) => setTimeout(r, 100));
  stop.abort();
  const stats = await done;
  assert.equal(stats.batches, 0);
  assert.equal(stats.failures, 0);
});
