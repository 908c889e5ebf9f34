/**
 * `deno task emulate --post-only` stopped by Ctrl-C: what it says it still does, and what it
 * prints and returns.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { seedSqlite } from "../source/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { startPeer } from "../emulator/test_peer.ts";

Deno.test("deno task emulate --post-only: Ctrl-C names no sink to drain; the summary is printed, exit code 0", async () => {
  await using tmp = await makeTestDir();
  const source = join(tmp.path, "source.db");
  await seedSqlite(source, { rows: 100 });
  const peer = await startPeer();
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        fileURLToPath(new URL("./emulate.ts", import.meta.url)),
        ...["--post-only", "--api", peer.url, "--mode", "stream"],
        ...["--duration", "120", "--rate", "20", "--source", source],
        ...["--data-dir", tmp.path],
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stdout = new Response(child.stdout).text();
    const stderr = child.stderr.pipeThrough(new TextDecoderStream())
      .getReader();
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
      /^Stopping \(SIGINT\): posts in flight finish\. Ctrl-C again to exit at once\.$/m,
    );
    assert.match(out, /^Emulation \(stream\) was interrupted after [\d.]+ s$/m);
    const accepted = Number(/records: (\d+) accepted, 0 failed/.exec(out)?.[1]);
    assert.ok(accepted > 0 && accepted % 3 === 0, out);
    assert.equal(peer.requests.length, accepted);
  } finally {
    await peer.close();
  }
});
