/**
 * The emulator against the project's own gateway over real HTTP on 127.0.0.1, writing to
 * the embedded log in a temp dir: what the emulator counts as accepted is what landed.
 */

import assert from "node:assert/strict";
import { ensureTopology, serveGateway } from "../gateway/mod.ts";
import {
  openEmbeddedLog,
  type TopicLog,
  type TopicRecord,
} from "../log/mod.ts";
import { openSqliteSource, seedSqlite, toCourseJson } from "../source/mod.ts";
import { runEmulation } from "./run.ts";
import { cycle } from "./test_peer.ts";

async function stack() {
  const dir = await Deno.makeTempDir({ prefix: "emulator_e2e_" });
  await seedSqlite(`${dir}/source.db`, { rows: 200, seed: 11 });
  const source = await openSqliteSource(`${dir}/source.db`);
  const log = await openEmbeddedLog(`${dir}/log.db`);
  await ensureTopology(log.topics, log.streams, { prefix: "pinterest" });
  const server = await serveGateway({
    topics: log.topics,
    streams: log.streams,
    apiKeys: ["good-key"],
  });
  const close = async () => {
    await server.shutdown();
    await log.close();
    await source.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { source, log, server, close };
}

const text = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

/** Every record of `topic`, read by a fresh consumer group (bounded polls). */
async function drain(topics: TopicLog, topic: string): Promise<TopicRecord[]> {
  const consumer = await topics.consumer(`e2e-${crypto.randomUUID()}`, [topic]);
  const out: TopicRecord[] = [];
  for (let i = 0; i < 20; i++) {
    const batch = await consumer.poll({ maxRecords: 1000, timeoutMs: 20 });
    if (batch.length === 0) break;
    out.push(...batch);
  }
  await consumer.close();
  return out;
}

Deno.test("emulate both modes through the gateway: every accepted record is in the log", async () => {
  const { source, log, server, close } = await stack();
  try {
    const summary = await runEmulation({
      source,
      api: server.url,
      apiKey: "good-key",
      count: 20,
      concurrency: 4,
      random: cycle(0.005, 0.25, 0.5, 0.75, 0.995),
    });
    assert.deepEqual(
      [
        summary.posts,
        summary.postsOk,
        summary.recordsAccepted,
        summary.recordsFailed,
        summary.retries,
      ],
      [20, 20, 120, 0, 0],
    );
    const landed: Record<string, number> = {};
    for (const topic of Object.keys(summary.topics)) {
      landed[topic] = (await drain(log.topics, topic)).length;
    }
    for (const stream of Object.keys(summary.streams)) {
      const [shard] = (await log.streams.describeStream(stream)).shards;
      landed[stream] =
        (await log.streams.readShard(stream, shard.shardId, { limit: 1000 }))
          .records.length;
    }
    assert.deepEqual(landed, { ...summary.topics, ...summary.streams });
    assert.deepEqual(Object.values(landed), [20, 20, 20, 20, 20, 20]);
    const geo = await drain(log.topics, "pinterest.geo");
    const offsets = [1, 50, 100, 150, 199];
    const expected = await Promise.all(
      offsets.map(async (o) => toCourseJson((await source.readPost(o)).geo)),
    );
    const seen = geo.map((r) => text(r.value));
    for (const value of seen) {
      assert.ok(
        expected.some((e) => JSON.stringify(e) === JSON.stringify(value)),
      );
    }
    const [shard] =
      (await log.streams.describeStream("streaming-pinterest-user")).shards;
    const page = await log.streams.readShard(
      "streaming-pinterest-user",
      shard.shardId,
      { limit: 100 },
    );
    assert.equal(page.records.length, 20);
    const user = text(page.records[0].data);
    assert.match(user.date_joined, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(page.records[0].partitionKey, `partition-${user.ind}`);
  } finally {
    await close();
  }
});

Deno.test("a wrong api key: 403 is not retried, every record is a counted failure, nothing lands", async () => {
  const { source, log, server, close } = await stack();
  try {
    const summary = await runEmulation({
      source,
      api: server.url,
      apiKey: "bad-key",
      mode: "batch",
      count: 2,
    });
    assert.deepEqual(
      [
        summary.posts,
        summary.postsFailed,
        summary.recordsAccepted,
        summary.recordsFailed,
        summary.retries,
      ],
      [2, 2, 0, 6, 0],
    );
    const sample = summary.failures["pinterest.pin"].samples[0];
    assert.ok(
      sample.startsWith("HTTP 403 from POST /topics/pinterest.pin: "),
      sample,
    );
    const consumer = await log.topics.consumer("e2e", ["pinterest.pin"]);
    assert.deepEqual(
      await consumer.poll({ maxRecords: 10, timeoutMs: 50 }),
      [],
    );
    await consumer.close();
  } finally {
    await close();
  }
});
