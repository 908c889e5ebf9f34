/**
 * `deno task stream` started while another process holds the stream tables of its data dir:
 * it is refused naming the holder (process id, program, since) with the advice its program
 * calls for, and never says it runs; the holder says so once it holds the tables.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { spawnTablesHolder } from "../stream/lock_holder_util.ts";
import { makeTestDir } from "../test_temp_dir.ts";

const CLI = new URL("./stream.ts", import.meta.url).pathname;

/** `deno task stream` on `dataDir` (prefix `lk`, embedded profile), plus `more` flags. */
function streamCommand(dataDir: string, more: string[] = []): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      CLI,
      // Explicit, so that PIPELINE_PROFILE in the environment cannot redirect it.
      "--profile",
      "embedded",
      "--data-dir",
      dataDir,
      "--prefix",
      "lk",
      "--trigger-interval-ms",
      "50",
      ...more,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
}

/** The refusal's first part, naming `who` as the holder of `dataDir`'s stream tables. */
function refusal(dataDir: string, who: string): string {
  const dir = join(dataDir, "stream");
  return `stream: Another stream processor is writing to ${dir}: ${who} holds its lock ` +
    `${dir}/_lock. Only one processor may own an output directory (two would interleave ` +
    "their batch ids). ";
}

/** Runs `deno task stream` on `dataDir` to its end: its exit code and stderr lines. */
async function runRefused(
  dataDir: string,
): Promise<{ code: number; lines: string[] }> {
  const out = await streamCommand(dataDir).output();
  const text = new TextDecoder().decode(out.stderr);
  return { code: out.code, lines: text.split("\n").filter((l) => l !== "") };
}

/** `line` without its time stamp (`HH:MM:SS.mmm `). */
const untimed = (line: string) => line.replace(/^\d\d:\d\d:\d\d\.\d{3} /, "");

Deno.test("stream cli: refused beside a running deno task stream, it names its pid and says to stop it, without a running line", async () => {
  await using tmp = await makeTestDir({ prefix: "h38_stream_lock_" });
  const dataDir = tmp.path;
  const lockPath = join(dataDir, "stream", "_lock");
  const holder = streamCommand(dataDir).spawn();
  let holderErr = "";
  const reading = (async () => {
    for await (
      const chunk of holder.stderr.pipeThrough(new TextDecoderStream())
    ) holderErr += chunk;
  })();
  try {
    for (let i = 0; i < 600 && !holderErr.includes("stream: running"); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const record = JSON.parse(await Deno.readTextFile(lockPath));
    assert.deepEqual([record.pid, record.program], [
      holder.pid,
      "deno task stream",
    ]);
    const { code, lines } = await runRefused(dataDir);
    assert.deepEqual(lines, [
      refusal(
        dataDir,
        `process ${holder.pid} (deno task stream, running since ${record.since})`,
      ) +
      `Stop it first (\`kill ${holder.pid}\` stops it; its micro-batch in flight ` +
      "finishes first), or leave the streams to it, or use another --data-dir.",
    ]);
    assert.equal(code, 1);
  } finally {
    holder.kill("SIGTERM");
    await holder.status;
    await reading;
  }
  const said = holderErr.split("\n").filter((l) => l !== "").map(untimed);
  assert.equal(
    said[0],
    `INFO  stream: running {"outDir":"${
      join(dataDir, "stream")
    }","prefix":"lk"}`,
    holderErr,
  );
});

Deno.test("stream cli: refused while a deno task emulate job catches the tables up, it names the job and says to wait for it", async () => {
  await using tmp = await makeTestDir({ prefix: "h38_stream_lock_" });
  const dataDir = tmp.path;
  await using holder = await spawnTablesHolder(join(dataDir, "stream"), {
    program: "deno task emulate",
  });
  const { code, lines } = await runRefused(dataDir);
  assert.deepEqual(lines, [
    refusal(
      dataDir,
      `process ${holder.pid} (deno task emulate, running since ${
        holder.record!.since
      })`,
    ) +
    "That job holds the tables only for its stream catch-up, which ends once it has " +
    "read the streams to their end: wait for it to end, or use another --data-dir.",
  ]);
  assert.equal(code, 1);
});
