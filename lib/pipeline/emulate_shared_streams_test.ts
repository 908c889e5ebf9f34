/**
 * Two jobs on one data dir's streams: another process's catch-up (another `emulate`, or
 * `deno task stream --once`) may process this job's stream records before this job's own
 * catch-up runs, or hold the stream tables while it would. Neither loses a record, so
 * neither is a failure of this job.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../config/mod.ts";
import type { Logger } from "../logger.ts";
import { seedSqlite } from "../source/mod.ts";
import { countStreamTables } from "../stream/mod.ts";
import { runEmulateJob } from "./emulate.ts";

const STREAM_CLI = new URL("../cli/stream.ts", import.meta.url).pathname;

/** A logger that runs `onDrained` when the job logs that its sink drained (posting ended). */
function atDrain(onDrained: () => void): Logger {
  return {
    info(message) {
      if (message === "sink drained") onDrained();
    },
    warn() {},
    error() {},
  };
}

/** The arguments of `deno task stream --once` on the embedded profile and `dataDir`. */
function streamOnceArgs(dataDir: string): string[] {
  return [
    "run",
    "-A",
    STREAM_CLI,
    "--once",
    "--profile",
    "embedded",
    "--data-dir",
    dataDir,
  ];
}

Deno.test("emulate job: stream records another process's catch-up processed first are not counted as unseen", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "h37_emulate_shared_" });
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    await seedSqlite(config.sourceUrl, { rows: 5 });
    let child: Deno.CommandOutput | undefined;
    const result = await runEmulateJob(config, {
      count: 4,
      randomSeed: 3,
      // Posting has ended, this job's catch-up has not begun: a real `deno task stream
      // --once` on the same data dir processes the streams now, this job's records too.
      logger: atDrain(() => {
        child = new Deno.Command(Deno.execPath(), {
          args: streamOnceArgs(dataDir),
          stdout: "null",
          stderr: "piped",
          env: { NO_COLOR: "1" },
        }).outputSync();
      }),
    });
    assert.equal(child?.code, 0, new TextDecoder().decode(child?.stderr));
    const p = result.processing!;
    assert.equal(p.stream?.records, 0); // nothing was left for this job's catch-up
    assert.deepEqual(p.streamTables, {
      stream_pin: 4,
      stream_geo: 4,
      stream_user: 4,
      stream_quarantine: 0,
    });
    assert.deepEqual(result.unseen, { topics: 0, streams: 0 });
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("emulate job: stream tables another processor holds when the catch-up begins leave the catch-up to it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "h37_emulate_shared_" });
  let held: Deno.FsFile | undefined;
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    await seedSqlite(config.sourceUrl, { rows: 5 });
    const warnings: string[] = [];
    const result = await runEmulateJob(config, {
      count: 3,
      randomSeed: 4,
      // Free when the job began (it planned its catch-up), held from the end of posting on:
      // the lock another processor takes, on a handle of its own.
      logger: {
        ...atDrain(() => {
          Deno.mkdirSync(join(dataDir, "stream"), { recursive: true });
          held = Deno.openSync(join(dataDir, "stream", "_lock"), {
            create: true,
            write: true,
          });
          held.lockSync(true);
        }),
        warn: (message) => warnings.push(message),
      },
    });
    const p = result.processing!;
    assert.equal(p.stream, undefined);
    assert.deepEqual(result.unseen, { topics: 0, streams: 0 });
    assert.equal(result.sink?.recordsWritten, 9);
    assert.deepEqual(warnings, []);
    held?.close();
    held = undefined;
    // The records wait in the streams for the processor that holds the tables.
    const child = await new Deno.Command(Deno.execPath(), {
      args: streamOnceArgs(dataDir),
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(child.code, 0, new TextDecoder().decode(child.stderr));
    assert.deepEqual(await countStreamTables(join(dataDir, "stream")), {
      stream_pin: 3,
      stream_geo: 3,
      stream_user: 3,
      stream_quarantine: 0,
    });
  } finally {
    held?.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
