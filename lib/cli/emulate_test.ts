/**
 * `deno task emulate` running: the progress line on a terminal beside log lines and errors,
 * and Ctrl-C draining what was accepted.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SourceReadError } from "../emulator/mod.ts";
import { seedSqlite } from "../source/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { runEmulateCli } from "./emulate.ts";

Deno.test("runEmulateCli: a run whose source fails ends the terminal's progress line and prints what it posted, then the error", async () => {
  await using tmp = await makeTestDir();
  const source = join(tmp.path, "source.db");
  await seedSqlite(source, { rows: 100 });
  const written: string[] = [];
  const printed: string[] = [];
  const terminal = {
    isTerminal: () => true,
    writeSync(bytes: Uint8Array) {
      // The source breaks once the first progress line is drawn: the next read fails.
      if (written.length === 0) Deno.truncateSync(source, 0);
      written.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
  await assert.rejects(
    runEmulateCli([
      "--post-only",
      "--count",
      "1000",
      "--rate",
      "50",
      "--profile",
      "embedded",
      "--data-dir",
      tmp.path,
      "--source",
      source,
    ], { progress: terminal, print: (text) => printed.push(text) }),
    SourceReadError,
  );
  assert.ok(written[0].startsWith("\r\x1b[2Kposts "), written[0]);
  assert.equal(written.at(-1), "\n");
  // The summary of the posts made before the source failed, the error being printed next.
  assert.equal(printed.length, 1);
  const lines = printed[0].split("\n");
  assert.match(
    lines[0],
    /^Emulation \(both\) stopped on an error after [\d.]+ s$/,
  );
  assert.match(
    lines[1],
    /^ {2}posts: \d+ of 1,000 requested, \d+ ok, 0 with failures$/,
  );
});

Deno.test("runEmulateCli: on a terminal, a log line never lands on the end of the progress line", async () => {
  await using tmp = await makeTestDir();
  const source = join(tmp.path, "source.db");
  await seedSqlite(source, { rows: 100 });
  // What the terminal shows, in order: progress writes, and log lines as "LOG ...".
  const shown: string[] = [];
  const terminal = {
    isTerminal: () => true,
    writeSync(bytes: Uint8Array) {
      shown.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
  const log = (level: string) => (message: string) =>
    void shown.push(`LOG ${level} ${message}`);
  const code = await runEmulateCli(
    [
      ...["--count", "20", "--mode", "batch", "--profile", "embedded"],
      ...["--data-dir", tmp.path, "--source", source],
    ],
    {
      progress: terminal,
      print: () => {},
      logger: { info: log("INFO"), warn: log("WARN"), error: log("ERROR") },
    },
  );
  assert.equal(code, 0);
  assert.ok(
    shown.some((s) => s.startsWith("\r\x1b[2Kposts ")),
    "progress drawn",
  );
  assert.ok(shown.includes("LOG INFO sink drained"), shown.join(" | "));
  shown.forEach((s, i) => {
    const before = shown[i - 1];
    if (s.startsWith("LOG ") && before !== undefined) {
      assert.ok(
        before.startsWith("LOG ") || before.endsWith("\n"),
        `${JSON.stringify(before)} then ${JSON.stringify(s)}`,
      );
    }
  });
});

Deno.test("deno task emulate: Ctrl-C stops the posting; what was accepted is drained into the lake, the summary printed, exit code 0", async () => {
  await using tmp = await makeTestDir();
  const source = join(tmp.path, "source.db");
  await seedSqlite(source, { rows: 100 });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      fileURLToPath(new URL("./emulate.ts", import.meta.url)),
      ...["--duration", "120", "--rate", "20", "--mode", "batch"],
      ...["--profile", "embedded", "--data-dir", tmp.path, "--source", source],
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let err = "";
  while (!err.includes("posts ")) {
    const { value, done } = await stderr.read();
    if (done) throw new Error(`no progress line in:\n${err}`);
    err += value;
  }
  child.kill("SIGINT");
  for (let r; !(r = await stderr.read()).done;) err += r.value;
  const status = await child.status;
  const out = await stdout;
  assert.equal(status.code, 0, err);
  assert.match(
    err,
    /Stopping \(SIGINT\): posts in flight finish, the sink drains/,
  );
  assert.match(out, /^Emulation \(batch\) was interrupted after [\d.]+ s$/m);
  const accepted = Number(/records: (\d+) accepted, 0 failed/.exec(out)?.[1]);
  assert.ok(accepted > 0 && accepted % 3 === 0, out);
  assert.match(
    out,
    new RegExp(`^Sink: ${accepted} records in 3 objects$`, "m"),
  );
});
