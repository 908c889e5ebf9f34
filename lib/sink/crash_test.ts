import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { openEmbeddedLog } from "../log/mod.ts";
import { openDirStore } from "../lake/dir_store.ts";
import { runCrashTest } from "./crash_harness.ts";

const CLI = fileURLToPath(new URL("../cli/sink.ts", import.meta.url));

Deno.test({
  name:
    "sink crash test: SIGKILLed 5 times mid-run, the lake holds every ack'd record once",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "sink_crash_" });
    const log = await openEmbeddedLog(join(dir, "log.db"));
    try {
      const topics = ["crash.pin", "crash.geo", "crash.user"];
      await log.topics.createTopic("crash.pin", { partitions: 2 });
      await log.topics.createTopic("crash.geo");
      await log.topics.createTopic("crash.user");
      const enc = new TextEncoder();
      const report = await runCrashTest({
        sinkCommand: (once) => ({
          command: Deno.execPath(),
          args: [
            "run",
            "-A",
            CLI,
            "--profile",
            "embedded",
            "--data-dir",
            dir,
            "--prefix",
            "crash",
            "--flush-size",
            "7",
            "--rotate-interval-ms",
            "40",
            ...(once ? ["--once", "--idle-ms", "500"] : []),
          ],
        }),
        append: (topic, values) =>
          log.topics.append(
            topic,
            values.map((v) => ({ value: enc.encode(v) })),
          ),
        store: openDirStore(join(dir, "lake")),
        topics,
        kills: 5,
        seed: 7,
      });
      console.log(
        `crash test: ${report.kills} kills after ${
          report.killAfterMs.join("/")
        } ms, ` +
          `${report.acknowledged} acknowledged, ${report.records} in ${report.objects} objects, ` +
          `objects at kills ${
            report.objectsAtKills.join("/")
          }, drain ${report.drainMs} ms, ` +
          `total ${report.durationMs} ms`,
      );
      assert.deepEqual(report.problems, []);
      assert.equal(report.kills, 5);
      assert.equal(report.unacknowledged, 0);
      assert.equal(report.records, report.acknowledged);
      assert.ok(
        report.acknowledged >= 100,
        `only ${report.acknowledged} records appended`,
      );
      const byTopic: Record<string, number> = {};
      const c = await log.topics.consumer("count", topics);
      for (
        let got;
        (got = await c.poll({ maxRecords: 1000, timeoutMs: 0 })).length > 0;
      ) {
        for (const r of got) byTopic[r.topic] = (byTopic[r.topic] ?? 0) + 1;
      }
      await c.close();
      assert.deepEqual(report.perTopic, byTopic);
      const grows = report.objectsAtKills.every((n, i) =>
        i === 0 || n > report.objectsAtKills[i - 1]
      );
      assert.ok(
        grows,
        `the sink made progress between kills: ${report.objectsAtKills}`,
      );
    } finally {
      await log.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
