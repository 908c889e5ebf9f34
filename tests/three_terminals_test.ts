/**
 * A learner's terminals on one data dir, as real processes: `deno task sink` and `deno task
 * stream` running while two `deno task emulate --post-only` post at once, then `deno task
 * batch` twice at once beside `deno task metrics`. Every acknowledged record lands once:
 * the lake's objects follow on without gap or overlap and hold each post's records once,
 * the stream tables hold one row per stream record, the two batches take turns.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openDirStore } from "../lib/lake/mod.ts";
import { countStreamTables } from "../lib/stream/mod.ts";

const ROOT = new URL("..", import.meta.url);
const cli = (name: string) => new URL(`lib/cli/${name}.ts`, ROOT).pathname;

/** `deno run -A lib/cli/{name}.ts args` on the embedded profile of `dataDir`. */
function command(name: string, dataDir: string, args: string[] = []) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      cli(name),
      // metrics reads only the warehouse: it takes no profile.
      ...(name === "metrics" ? [] : ["--profile", "embedded"]),
      "--data-dir",
      dataDir,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", SOURCE_URL: join(dataDir, "source.db") },
  });
}

const text = (out: Deno.CommandOutput) =>
  new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);

/** Per topic: [objects, records] of the lake, checking the objects follow on from 0. */
async function lakeCounts(
  dataDir: string,
): Promise<Record<string, [number, number]>> {
  const store = openDirStore(join(dataDir, "lake"));
  const out: Record<string, [number, number]> = {};
  for (const table of ["pin", "geo", "user"]) {
    const topic = `pinterest.${table}`;
    const keys = (await store.list(`topics/${topic}/partition=0/`)).map((o) =>
      o.key
    ).sort();
    let next = 0;
    for (const key of keys) {
      const start = Number(key.match(/\+(\d{10})\.json$/)![1]);
      assert.equal(start, next, `${key} does not follow on from ${next}`);
      const body = new TextDecoder().decode(await store.get(key));
      next += body.split("\n").filter((l) => l !== "").length;
    }
    out[topic] = [keys.length, next];
  }
  return out;
}

Deno.test("three terminals: sink and stream running, two post-only emulates and two batches at once, every record once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "h37_three_terminals_" });
  const sink = command("sink", dataDir, [
    "--flush-size",
    "40",
    "--rotate-interval-ms",
    "200",
  ]).spawn();
  const stream = command("stream", dataDir, ["--trigger-interval-ms", "100"])
    .spawn();
  try {
    const posts = ["1", "2"].map((seed) =>
      command("emulate", dataDir, [
        "--post-only",
        "--count",
        "150",
        "--concurrency",
        "8",
        "--seed",
        seed,
      ]).output()
    );
    for (const out of await Promise.all(posts)) {
      assert.equal(out.code, 0, text(out));
      assert.match(text(out), /records: 900 accepted, 0 failed/);
    }
    // Both long-running stages end on SIGTERM once they have flushed and committed.
    await new Promise((r) => setTimeout(r, 1500));
    sink.kill("SIGTERM");
    stream.kill("SIGTERM");
    const [sinkOut, streamOut] = await Promise.all([
      sink.output(),
      stream.output(),
    ]);
    assert.equal(sinkOut.code, 0, text(sinkOut));
    assert.equal(streamOut.code, 0, text(streamOut));
    // Whatever they had not read yet, --once runs read now; nothing may be left twice.
    for (const name of ["sink", "stream"]) {
      const out = await command(name, dataDir, ["--once"]).output();
      assert.equal(out.code, 0, text(out));
    }
    const lake = await lakeCounts(dataDir);
    assert.deepEqual(
      Object.fromEntries(Object.entries(lake).map(([t, [, n]]) => [t, n])),
      { "pinterest.pin": 300, "pinterest.geo": 300, "pinterest.user": 300 },
    );
    assert.deepEqual(await countStreamTables(join(dataDir, "stream")), {
      stream_pin: 300,
      stream_geo: 300,
      stream_user: 300,
      stream_quarantine: 0,
    });
    // Two batches and a reader at once: the batches take turns, each reads the whole lake.
    const [b1, b2, metrics] = await Promise.all([
      command("batch", dataDir).output(),
      command("batch", dataDir).output(),
      new Promise((r) => setTimeout(r, 300)).then(() =>
        command("metrics", dataDir).output()
      ),
    ]);
    for (const out of [b1, b2]) {
      assert.equal(out.code, 0, text(out));
      assert.match(text(out), /pin\s+\d+\s+300\s+0\s/);
    }
    // At most one waited: the other ran first (or ended before the second looked).
    assert.ok(
      [b1, b2].filter((o) => text(o).includes("waiting for it to finish"))
        .length <= 1,
    );
    // The reader either came before the first commit (no tables yet) or read whole tables.
    const m = text(metrics);
    assert.ok(
      metrics.code === 0 ? m.includes("1. Most popular category") : m.includes(
        "has no pin.parquet, geo.parquet, user.parquet",
      ),
      m,
    );
  } finally {
    for (const child of [sink, stream]) {
      try {
        child.kill("SIGKILL");
      } catch {
        // already ended
      }
    }
    await Promise.allSettled([sink.status, stream.status]);
    await Deno.remove(dataDir, { recursive: true });
  }
});
