import assert from "node:assert/strict";
import { openEmbeddedLog } from "../log/mod.ts";
import { ensureTopics, ensureTopology, pipelineNames } from "./topology.ts";

Deno.test("pipelineNames: the course's topic and stream names", () => {
  assert.deepEqual(pipelineNames("abc"), {
    topics: ["abc.pin", "abc.geo", "abc.user"],
    streams: ["streaming-abc-pin", "streaming-abc-geo", "streaming-abc-user"],
  });
});

Deno.test("ensureTopology and ensureTopics create only what is missing, keeping existing shapes", async () => {
  const dir = await Deno.makeTempDir();
  const log = await openEmbeddedLog(`${dir}/log.db`);
  try {
    await log.topics.createTopic("demo.geo", { partitions: 3 });
    await ensureTopics(log.topics, ["demo.pin", "demo.geo"]);
    assert.deepEqual(await log.topics.listTopics(), [
      { name: "demo.geo", partitions: 3 },
      { name: "demo.pin", partitions: 1 },
    ]);
    const names = await ensureTopology(log.topics, log.streams, {
      prefix: "demo",
      shardCount: 2,
    });
    assert.deepEqual(names, pipelineNames("demo"));
    assert.deepEqual((await log.topics.listTopics()).map((t) => t.name), [
      "demo.geo",
      "demo.pin",
      "demo.user",
    ]);
    assert.deepEqual(await log.streams.listStreams(), [
      "streaming-demo-geo",
      "streaming-demo-pin",
      "streaming-demo-user",
    ]);
    assert.equal(
      (await log.streams.describeStream("streaming-demo-pin")).shards.length,
      2,
    );
    await ensureTopology(log.topics, log.streams, { prefix: "demo" });
    assert.equal((await log.topics.listTopics()).length, 3);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
});
