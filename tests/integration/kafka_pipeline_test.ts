/**
 * gateway -> Kafka -> sink -> S3 on the local stack: REST Proxy posts through the gateway
 * (over the Kafka adapter) land in a real broker; the sink (over a second Kafka client, as a
 * separate process would) writes them to s3rver in the Confluent layout, each acknowledged
 * record exactly once at the offset the gateway answered.
 */
import assert from "node:assert/strict";
import { openKafkaLog } from "../../lib/adapters/kafka/mod.ts";
import { ensureTopology, serveGateway } from "../../lib/gateway/mod.ts";
import { openEmbeddedLog } from "../../lib/log/mod.ts";
import { createSink } from "../../lib/sink/mod.ts";
import { byOffset, kafkaStack, openTestLake, readLake } from "./kafka_stack.ts";

const stack = await kafkaStack();

type Ack = {
  offsets: { partition: number; offset: number; error_code: null }[];
};

Deno.test({
  name:
    "kafka pipeline: gateway -> Kafka -> sink -> S3, every acknowledged record once at its offset",
  ignore: stack.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const prefix = `itest${crypto.randomUUID().slice(0, 8)}`;
    const dir = await Deno.makeTempDir({ prefix: "kafka_pipeline_" });
    const embedded = await openEmbeddedLog(`${dir}/streams.db`);
    const gatewayLog = await openKafkaLog({
      brokers: stack.brokers,
      clientId: "itest-gateway",
    });
    const sinkLog = await openKafkaLog({
      brokers: stack.brokers,
      clientId: "itest-sink",
    });
    const lake = await openTestLake(stack, "pipeline");
    const names = await ensureTopology(gatewayLog, embedded.streams, {
      prefix,
      partitions: 2,
    });
    const server = await serveGateway({
      topics: gatewayLog,
      streams: embedded.streams,
    });
    try {
      assert.deepEqual(names.topics, [
        `${prefix}.pin`,
        `${prefix}.geo`,
        `${prefix}.user`,
      ]);
      const listed = await (await fetch(`${server.url}/topics`))
        .json() as string[];
      for (const t of names.topics) {
        assert.ok(listed.includes(t), `GET /topics lists ${t}`);
      }

      // 30 single-record posts per topic (6 at a time) and one 40-record batch to .pin.
      const expected = new Map<string, unknown>();
      const post = async (topic: string, values: unknown[]) => {
        const res = await fetch(`${server.url}/topics/${topic}`, {
          method: "POST",
          headers: { "content-type": "application/vnd.kafka.json.v2+json" },
          body: JSON.stringify({ records: values.map((value) => ({ value })) }),
        });
        assert.equal(res.status, 200, await res.clone().text());
        const ack = await res.json() as Ack;
        assert.equal(ack.offsets.length, values.length);
        ack.offsets.forEach((o, i) => {
          assert.equal(o.error_code, null);
          const id = `${topic}/${o.partition}/${o.offset}`;
          assert.ok(!expected.has(id), `offset ${id} acknowledged twice`);
          expected.set(id, values[i]);
        });
      };
      const jobs: (() => Promise<void>)[] = [];
      for (const [k, topic] of names.topics.entries()) {
        for (let i = 0; i < 30; i++) {
          jobs.push(() =>
            post(topic, [{ kind: k, index: i, title: `post ${i}` }])
          );
        }
      }
      jobs.push(() =>
        post(
          names.topics[0],
          Array.from({ length: 40 }, (_, i) => ({ kind: 0, index: 100 + i })),
        )
      );
      for (let i = 0; i < jobs.length; i += 6) {
        await Promise.all(jobs.slice(i, i + 6).map((j) => j()));
      }
      assert.equal(expected.size, 130);

      const group = `${prefix}-sink`;
      const sink = createSink({
        log: sinkLog,
        store: lake,
        topics: names.topics,
        group,
        flushSize: 16,
        rotateIntervalMs: 500,
      });
      await sink.drain({ idleMs: 2000 });
      assert.equal(sink.stats.recordsWritten, 130);
      assert.equal(sink.stats.duplicatesDropped, 0);

      const objects = await readLake(lake);
      assert.ok(
        objects.every((o) => o.lines.length <= 16),
        "flushSize bounds every object",
      );
      assert.deepEqual(byOffset(objects), expected);

      const check = await sinkLog.consumer(group, names.topics);
      for (const topic of names.topics) {
        for (const p of [0, 1]) {
          const count = [...expected.keys()].filter((id) =>
            id.startsWith(`${topic}/${p}/`)
          ).length;
          assert.equal(
            await check.committed(topic, p),
            count === 0 ? null : count,
            `${topic}/${p}`,
          );
        }
      }
      await check.close();
    } finally {
      await server.shutdown();
      await gatewayLog.close();
      await sinkLog.close();
      await embedded.close();
      for (const { key } of await lake.list("")) await lake.delete(key);
      await Deno.remove(dir, { recursive: true });
    }
  },
});
