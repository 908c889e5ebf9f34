/**
 * The emulate job's failures: a missing source is refused before anything is opened, and a
 * lake the sink cannot write stops the posting while the posts stay in the log.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { loadConfig, openRuntime } from "../config/mod.ts";
import { createSink, LakeWriteError } from "../sink/mod.ts";
import { seedSqlite } from "../source/mod.ts";
import { runEmulateJob } from "./emulate.ts";

Deno.test("emulate job: the aws profile without a source is refused naming SOURCE_URL, before anything is opened", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ profile: "aws", dataDir }, { env: {} });
    assert.equal(config.sourceUrl, "");
    await assert.rejects(
      runEmulateJob(config, { count: 3 }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          'Invalid setting SOURCE_URL (--source)="": required for the aws profile: mysql://user:pass@host:3306/db',
    );
    // Nothing was seeded in place of the missing source.
    assert.deepEqual([...Deno.readDirSync(dataDir)].map((e) => e.name), []);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("emulate job: a sink whose lake cannot be written stops the posting and fails the job with LakeWriteError; the posts stay in the log", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const config = loadConfig({ dataDir }, { env: {} });
    await seedSqlite(config.sourceUrl, { rows: 50 });
    // A file where the sink needs the pin topic's folder: every pin object write fails.
    const blocked = join(dataDir, "lake", "topics", "pinterest.pin");
    await Deno.mkdir(join(dataDir, "lake", "topics"), { recursive: true });
    await Deno.writeTextFile(blocked, "in the way");
    const started = performance.now();
    await assert.rejects(
      runEmulateJob(config, {
        count: 1_000_000, // never reached: the failure stops the posting
        mode: "batch",
        sinkLakeRetry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      }),
      (e: unknown) => {
        assert.ok(e instanceof LakeWriteError, String(e));
        assert.equal(e.context.attempts, 2);
        assert.match(
          String(e.context.key),
          /^topics\/pinterest\.pin\/partition=0\/pinterest\.pin\+0\+0000000000\.json$/,
        );
        return true;
      },
    );
    assert.ok(performance.now() - started < 60_000);
    // Nothing acknowledged is lost: with the folder free, a sink writes every posted pin.
    await Deno.remove(blocked);
    const runtime = await openRuntime(config);
    try {
      const check = await runtime.topics.consumer("check", ["pinterest.pin"]);
      let posted = 0;
      for (let got; (got = await check.poll({ timeoutMs: 0 })).length > 0;) {
        posted += got.length;
      }
      await check.close();
      const sink = createSink({
        log: runtime.topics,
        store: runtime.lake,
        topics: ["pinterest.pin"],
      });
      await sink.drain({ idleMs: 300 });
      assert.ok(posted > 0);
      assert.equal(sink.stats.recordsWritten, posted);
    } finally {
      await runtime.close();
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
