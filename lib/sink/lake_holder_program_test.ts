/**
 * `deno task sink` started while `deno task emulate` runs on the same data dir: the refusal
 * names the job that holds the lake (its sink is in-process) and says to wait for it, rather
 * than to kill a "sink" that is a job posting; and the refused sink never said it was running.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const CLI = (name: string) =>
  new URL(`../cli/${name}.ts`, import.meta.url).pathname;

/** The holder the lake lock file of `dataDir` records, once it records one. */
async function waitForHolder(
  dataDir: string,
  deadlineMs: number,
): Promise<{ pid: number; program?: string }> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const text = await Deno.readTextFile(join(dataDir, "lake.sink.lock"));
      if (text.trim() !== "") return JSON.parse(text);
    } catch {
      // not created or written yet
    }
    if (Date.now() > until) {
      throw new Error("the emulate job took no lake lock");
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

Deno.test("deno task sink beside a running deno task emulate: refused naming the job, told to wait for it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "h37_lake_holder_" });
  const emulate = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      CLI("emulate"),
      // Explicit, so that PIPELINE_PROFILE or SOURCE_URL in the environment cannot redirect it.
      "--profile",
      "embedded",
      "--source",
      join(dataDir, "source.db"),
      "--data-dir",
      dataDir,
      "--count",
      "100000",
      "--rate",
      "20",
      "--seed",
      "1",
    ],
    stdout: "null",
    stderr: "null",
    env: { NO_COLOR: "1" },
  }).spawn();
  try {
    const holder = await waitForHolder(dataDir, 30_000);
    assert.equal(holder.pid, emulate.pid);
    assert.equal(holder.program, "deno task emulate");
    const sink = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        CLI("sink"),
        "--profile",
        "embedded",
        "--data-dir",
        dataDir,
      ],
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const out = new TextDecoder().decode(sink.stdout) +
      new TextDecoder().decode(sink.stderr);
    assert.equal(sink.code, 1, out);
    assert.ok(!out.includes("sink: running"), out);
    const lake = join(dataDir, "lake");
    const expected = `sink: The lake ${lake} is being written by another ` +
      `sink: process ${emulate.pid} (deno task emulate, consumer group "s3-sink", ` +
      `running since `;
    assert.ok(out.includes(expected), out);
    assert.ok(
      out.includes(
        `That job stops its sink once it has posted and drained what was acknowledged: ` +
          `wait for it to end (\`kill ${emulate.pid}\` ends its posting early), or leave ` +
          "the topics to it (`deno task emulate --post-only` posts beside it).",
      ),
      out,
    );
  } finally {
    emulate.kill("SIGTERM");
    await emulate.status;
    await Deno.remove(dataDir, { recursive: true });
  }
});
