/**
 * The lock of the stream tables' folder records its holder (process id, program, since), and
 * a second processor is refused naming it, with the advice its program calls for: stop a
 * `deno task stream`, wait for the catch-up of a `deno task emulate` job. Holders are other
 * processes, as they are in use; the lock goes with its holder, even killed.
 */
import assert from "node:assert/strict";
import { StreamLockedError } from "./errors.ts";
import { spawnTablesHolder } from "./lock_holder_util.ts";
import { createStreamProcessor } from "./processor.ts";
import { openTableStore } from "./table_store.ts";
import { tryLockFile } from "../file_lock.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { setupStreams } from "./test_util.ts";

const TABLES = ["stream_pin"];

/** What a refusal says before its advice. */
function refusal(dir: string, who: string): string {
  return `Another stream processor is writing to ${dir}: ${who} holds its lock ` +
    `${dir}/_lock. Only one processor may own an output directory (two would ` +
    `interleave their batch ids). `;
}

/** Asserts that opening the tables in `dir` is refused with `message` and `context`. */
async function assertRefused(
  dir: string,
  expected: { message: string; context: Record<string, unknown> },
): Promise<void> {
  await assert.rejects(openTableStore(dir, { tables: TABLES }), (e) => {
    assert.ok(e instanceof StreamLockedError);
    assert.equal(e.code, "STREAM_LOCKED");
    assert.equal(e.message, expected.message);
    assert.deepEqual(e.context, expected.context);
    return true;
  });
}

Deno.test("stream lock: a deno task stream holding the tables is named, with its pid and since, and told to stop; killed, its lock goes", async () => {
  await using tmp = await makeTestDir();
  const dir = tmp.path;
  await using holder = await spawnTablesHolder(dir, {
    program: "deno task stream",
  });
  const record = holder.record!;
  assert.deepEqual(Object.keys(record), ["pid", "program", "since"]);
  assert.deepEqual([record.pid, record.program], [
    holder.pid,
    "deno task stream",
  ]);
  assert.ok(!Number.isNaN(Date.parse(record.since as string)));
  await assertRefused(dir, {
    message: refusal(
      dir,
      `process ${holder.pid} (deno task stream, running since ${record.since})`,
    ) +
      `Stop it first (\`kill ${holder.pid}\` stops it; its micro-batch in flight ` +
      "finishes first), or leave the streams to it, or use another --data-dir.",
    context: {
      dir,
      lockPath: `${dir}/_lock`,
      pid: holder.pid,
      program: "deno task stream",
    },
  });
  holder.kill("SIGKILL");
  await holder.status;
  const next = await openTableStore(dir, {
    tables: TABLES,
    program: "deno task stream",
  });
  const mine = JSON.parse(await Deno.readTextFile(`${dir}/_lock`));
  assert.deepEqual([mine.pid, mine.program], [Deno.pid, "deno task stream"]);
  await next.close();
});

Deno.test("stream lock: the stream catch-up of a deno task emulate job is named, and waited for rather than killed", async () => {
  await using tmp = await makeTestDir();
  const dir = tmp.path;
  await using holder = await spawnTablesHolder(dir, {
    program: "deno task emulate",
  });
  const since = holder.record!.since;
  await assertRefused(dir, {
    message: refusal(
      dir,
      `process ${holder.pid} (deno task emulate, running since ${since})`,
    ) +
      "That job holds the tables only for its stream catch-up, which ends once it has " +
      "read the streams to their end: wait for it to end, or use another --data-dir.",
    context: {
      dir,
      lockPath: `${dir}/_lock`,
      pid: holder.pid,
      program: "deno task emulate",
    },
  });
});

Deno.test("stream lock: a holder that did not name its program is named by pid, with both pieces of advice", async () => {
  await using tmp = await makeTestDir();
  const dir = tmp.path;
  await using holder = await spawnTablesHolder(dir);
  const record = holder.record!;
  assert.deepEqual(Object.keys(record), ["pid", "since"]);
  await assertRefused(dir, {
    message: refusal(
      dir,
      `process ${holder.pid} (running since ${record.since})`,
    ) +
      `Stop it first (\`kill ${holder.pid}\` stops it; if it is the stream catch-up ` +
      "of a `deno task emulate` job, wait for that job to end instead), or use " +
      "another --data-dir.",
    context: {
      dir,
      lockPath: `${dir}/_lock`,
      pid: holder.pid,
      program: null,
    },
  });
});

Deno.test("stream lock: a holder that has not recorded itself yet, and one of this process, are named as such", async () => {
  await using tmp = await makeTestDir();
  const dir = tmp.path;
  const bare = await tryLockFile(`${dir}/_lock`);
  assert.ok(bare);
  try {
    await assertRefused(dir, {
      message: refusal(
        dir,
        "a processor that has not recorded its process id yet",
      ) + "Stop it first, or use another --data-dir.",
      context: { dir, lockPath: `${dir}/_lock`, pid: null, program: null },
    });
  } finally {
    bare.close();
  }
  const own = await openTableStore(dir, {
    tables: TABLES,
    program: "deno task stream",
  });
  try {
    const { since } = JSON.parse(await Deno.readTextFile(`${dir}/_lock`));
    await assertRefused(dir, {
      message: refusal(
        dir,
        `a processor of this process (deno task stream, running since ${since})`,
      ) + "Stop it first, or use another --data-dir.",
      context: {
        dir,
        lockPath: `${dir}/_lock`,
        pid: Deno.pid,
        program: "deno task stream",
      },
    });
  } finally {
    await own.close();
  }
});

Deno.test("stream lock: a processor records its program", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir } = await setupStreams(tmp);
  try {
    const first = createStreamProcessor({
      streams: log.streams,
      prefix: "t",
      outDir,
      program: "deno task emulate",
    });
    await first.runOnce();
    const record = JSON.parse(await Deno.readTextFile(`${outDir}/_lock`));
    assert.deepEqual([record.pid, record.program], [
      Deno.pid,
      "deno task emulate",
    ]);
  } finally {
    await log.close();
  }
});

Deno.test("stream lock: a processor says it holds the tables (onOpen) only once it does: a refused one never", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir } = await setupStreams(tmp);
  try {
    const opened: string[] = [];
    const first = createStreamProcessor({
      streams: log.streams,
      prefix: "t",
      outDir,
      triggerIntervalMs: 20,
      onOpen: () => opened.push("first"),
    });
    const stop = new AbortController();
    const running = first.run(stop.signal);
    for (let i = 0; i < 1000 && opened.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(opened, ["first"]);
    const second = createStreamProcessor({
      streams: log.streams,
      prefix: "t",
      outDir,
      onOpen: () => opened.push("second"),
    });
    try {
      await assert.rejects(second.runOnce(), StreamLockedError);
    } finally {
      stop.abort();
      await running;
    }
    assert.deepEqual(opened, ["first"]);
    await second.runOnce(); // the tables are free again
    assert.deepEqual(opened, ["first", "second"]);
  } finally {
    await log.close();
  }
});
