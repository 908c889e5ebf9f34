/**
 * The sink's SIGKILL crash test repeated on Kafka + S3 (the harness of
 * `lib/sink/crash_harness.ts`): while records are appended to three 2-partition topics of
 * the real broker (each one acknowledged with `acks: -1`), `deno task sink --profile local`
 * runs as a separate process writing to s3rver and is killed with SIGKILL mid-run, after
 * it made progress, several times; a last run drains. The bucket must then hold every
 * acknowledged record exactly once, at its offset.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { openKafkaLog } from "../../lib/adapters/kafka/mod.ts";
import { openS3Store } from "../../lib/adapters/s3/mod.ts";
import type { ObjectStore } from "../../lib/lake/types.ts";
import { freePort } from "../../lib/services/process.ts";
import { runCrashTest } from "../../lib/sink/crash_harness.ts";
import { kafkaStack } from "./kafka_stack.ts";

const stack = await kafkaStack();
const CLI = fileURLToPath(new URL("../../lib/cli/sink.ts", import.meta.url));
const KILLS = 3;

/** The bucket seen through this test's topics only (other tests share the bucket). */
function onlyTopics(store: ObjectStore, topics: string[]): ObjectStore {
  const mine = (key: string) =>
    topics.some((t) => key.startsWith(`topics/${t}/`));
  return {
    location: store.location,
    put: (key, body) => store.put(key, body),
    get: (key) => store.get(key),
    delete: (key) => store.delete(key),
    list: async (prefix) =>
      (await store.list(prefix)).filter((o) => mine(o.key)),
  };
}

Deno.test({
  name:
    "kafka sink crash: SIGKILLed mid-run on Kafka + S3, every acknowledged record once",
  ignore: stack.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const prefix = `crash${crypto.randomUUID().slice(0, 8)}`;
    const deadPort = freePort();
    const topics = ["pin", "geo", "user"].map((k) => `${prefix}.${k}`);
    const log = await openKafkaLog({
      brokers: stack.brokers,
      clientId: "crash-test-producer",
    });
    const bucket = await openS3Store({
      endpoint: stack.s3Endpoint,
      bucket: stack.s3Bucket,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      createBucket: true,
    });
    const store = onlyTopics(bucket, topics);
    const enc = new TextEncoder();
    try {
      for (const t of topics) await log.createTopic(t, { partitions: 2 });
      const report = await runCrashTest({
        sinkCommand: (once) => ({
          command: Deno.execPath(),
          args: [
            ...["run", "-A", CLI, "--profile", "local", "--prefix", prefix],
            ...[
              "--group",
              `${prefix}-sink`,
              "--flush-size",
              "20",
              "--rotate-interval-ms",
              "300",
            ],
            ...(once ? ["--once", "--idle-ms", "1500"] : []),
          ],
          env: {
            KAFKA_BROKERS: stack.brokers.join(","),
            S3_ENDPOINT: stack.s3Endpoint,
            S3_BUCKET: stack.s3Bucket,
            // Nothing listens there: the sink needs topics and the lake only.
            KINESIS_ENDPOINT: `http://127.0.0.1:${deadPort}`,
          },
        }),
        append: (topic, values) =>
          log.append(
            topic,
            values.map((v, i) => ({ key: `k${i % 5}`, value: enc.encode(v) })),
          ),
        store,
        topics,
        kills: KILLS,
        seed: 11,
        appendPauseMs: 40,
      });
      console.log(
        `Kafka + S3 crash test: ${report.kills} kills after ${
          report.killAfterMs.join("/")
        } ms, ` +
          `${report.acknowledged} acknowledged, ${report.records} in ${report.objects} objects, ` +
          `drain ${report.drainMs} ms, total ${report.durationMs} ms`,
      );
      assert.deepEqual(report.problems, []);
      assert.equal(report.kills, KILLS);
      assert.equal(report.unacknowledged, 0);
      assert.equal(report.records, report.acknowledged);
      assert.ok(
        report.acknowledged >= 100,
        `only ${report.acknowledged} records appended`,
      );
      assert.ok(
        report.objectsAtKills.every((n, i) =>
          i === 0 || n > report.objectsAtKills[i - 1]
        ),
        `the sink made progress between kills: ${report.objectsAtKills}`,
      );
    } finally {
      await log.close();
      for (const { key } of await store.list("topics/")) {
        await bucket.delete(key);
      }
    }
  },
});
