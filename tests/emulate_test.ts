/**
 * Acceptance of `deno task emulate` on a fresh data dir: exactly `--count` pin, geo and user
 * records land in the lake under the Confluent S3 sink layout, and each stream holds
 * `--count` records.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openDirStore } from "../lib/lake/mod.ts";
import { openEmbeddedLog } from "../lib/log/mod.ts";
import { makeTestDir } from "../lib/test_temp_dir.ts";

const LAYOUT =
  /^topics\/(pinterest\.(pin|geo|user))\/partition=(\d+)\/\1\+\3\+(\d{10})\.json$/;

Deno.test("deno task emulate --count 200 lands 200 records per topic in the lake and per stream", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "emulate-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "task",
        "emulate",
        "--count",
        "200",
        "--seed",
        "7",
        // Explicit, so that PIPELINE_PROFILE or SOURCE_URL in the environment cannot redirect it.
        "--profile",
        "embedded",
        "--data-dir",
        dataDir,
        "--source",
        join(dataDir, "source.db"),
      ],
      cwd: new URL("..", import.meta.url),
      stdout: "piped",
      stderr: "piped",
      env: { NO_COLOR: "1" },
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, `emulate failed:\n${stdout}\n${stderr}`);
    assert.match(stdout, /Where the data is:/);

    const lake = openDirStore(join(dataDir, "lake"));
    const objects = await lake.list("topics/");
    const perTopic: Record<string, Record<string, unknown>[]> = {};
    for (const { key } of objects) {
      const m = LAYOUT.exec(key);
      assert.ok(m, `object key off layout: ${key}`);
      const lines = new TextDecoder().decode(await lake.get(key)).split("\n")
        .filter((l) => l !== "");
      (perTopic[m[1]] ??= []).push(...lines.map((l) => JSON.parse(l)));
    }
    assert.deepEqual(Object.keys(perTopic).sort(), [
      "pinterest.geo",
      "pinterest.pin",
      "pinterest.user",
    ]);
    assert.equal(perTopic["pinterest.pin"].length, 200);
    assert.equal(perTopic["pinterest.geo"].length, 200);
    assert.equal(perTopic["pinterest.user"].length, 200);
    // The i-th record of each topic comes from the same post: same source row.
    const pinIds = perTopic["pinterest.pin"].map((r) => r.index).sort();
    const geoIds = perTopic["pinterest.geo"].map((r) => r.ind).sort();
    const userIds = perTopic["pinterest.user"].map((r) => r.ind).sort();
    assert.deepEqual(geoIds, pinIds);
    assert.deepEqual(userIds, pinIds);
    assert.match(
      String(perTopic["pinterest.geo"][0].timestamp),
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/,
    );

    const log = await openEmbeddedLog(join(dataDir, "log.db"));
    try {
      for (
        const stream of [
          "streaming-pinterest-pin",
          "streaming-pinterest-geo",
          "streaming-pinterest-user",
        ]
      ) {
        const { shards } = await log.streams.describeStream(stream);
        let records = 0;
        for (const shard of shards) {
          const page = await log.streams.readShard(stream, shard.shardId, {
            limit: 10_000,
          });
          records += page.records.length;
        }
        assert.equal(records, 200, stream);
      }
    } finally {
      await log.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("deno task emulate stops on SIGTERM as on Ctrl-C: what was acknowledged reaches the lake and the tables", async () => {
  await using tmp = await makeTestDir({ prefix: "emulate-term-" });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "lib/cli/emulate.ts",
      "--duration",
      "120",
      "--rate",
      "50",
      "--profile",
      "embedded",
      "--data-dir",
      tmp.path,
      "--source",
      join(tmp.path, "source.db"),
    ],
    cwd: new URL("..", import.meta.url),
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const stdout = new Response(child.stdout).text();
  let stderr = "";
  const errors = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  // Posting has begun once the progress line shows (seeding comes first).
  for (let i = 0; i < 600 && !/^posts \d+/m.test(stderr); i++) {
    const { value, done } = await errors.read();
    if (done) break;
    stderr += value;
  }
  child.kill("SIGTERM");
  for (;;) {
    const { value, done } = await errors.read();
    if (done) break;
    stderr += value;
  }
  const status = await child.status;
  const out = await stdout;
  assert.equal(status.code, 0, `${out}\n${stderr}`);
  assert.match(stderr, /Stopping \(SIGTERM\): posts in flight finish/);
  assert.match(out, /^Emulation \(both\) was interrupted after /);
  const accepted = Number(
    /topic pinterest\.pin: (\d+) accepted/.exec(out)?.[1]?.replace(",", ""),
  );
  assert.ok(accepted > 0, out);
  assert.match(
    out,
    new RegExp(`Sink: ${(3 * accepted).toLocaleString("en-US")} records in`),
  );
  assert.match(
    out,
    new RegExp(`tables: stream_pin ${accepted.toLocaleString("en-US")}, `),
  );
  assert.match(out, /The nine metrics:/);
  const lake = openDirStore(join(tmp.path, "lake"));
  let pins = 0;
  for (const { key } of await lake.list("topics/pinterest.pin/")) {
    pins += new TextDecoder().decode(await lake.get(key)).split("\n")
      .filter((l) => l !== "").length;
  }
  assert.equal(pins, accepted);
});
