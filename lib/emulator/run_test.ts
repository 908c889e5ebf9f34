import assert from "node:assert/strict";
import { openSqliteSource, seedSqlite, toCourseJson } from "../source/mod.ts";
import { runEmulation } from "./run.ts";
import { arraySource, cycle, startPeer, withoutTiming } from "./test_peer.ts";
import { samplePosts } from "./test_posts.ts";

Deno.test("batch: three POSTs per post to the prefix topics, REST Proxy bodies, course datetimes", async () => {
  const peer = await startPeer();
  const source = arraySource(samplePosts());
  try {
    const summary = await runEmulation({
      source,
      api: peer.url,
      mode: "batch",
      count: 3,
      concurrency: 1,
      random: cycle(0.5, 0.1, 0.9),
    });
    assert.deepEqual(source.offsets, [1, 0, 2]);
    assert.deepEqual(
      peer.requests.map((r) =>
        `${r.method} ${r.path} ${r.contentType} ${r.apiKey}`
      ),
      Array(3).fill([
        "POST /topics/pinterest.pin application/vnd.kafka.json.v2+json null",
        "POST /topics/pinterest.geo application/vnd.kafka.json.v2+json null",
        "POST /topics/pinterest.user application/vnd.kafka.json.v2+json null",
      ]).flat(),
    );
    assert.deepEqual(peer.requests[1].body, {
      records: [{
        value: {
          ind: 2863,
          timestamp: "2020-04-27 13:34:16",
          latitude: -5.34445,
          longitude: -177.924,
          country: "Armenia",
        },
      }],
    });
    assert.deepEqual(peer.requests[5].body, {
      records: [{
        value: {
          ind: 7528,
          first_name: "Abigail",
          last_name: "Ali",
          age: 20,
          date_joined: "2015-10-24 11:23:51",
        },
      }],
    });
    assert.equal(
      (peer.requests[6].body as { records: { value: { index: number } }[] })
        .records[0].value.index,
      5730,
    );
    assert.deepEqual(withoutTiming(summary), {
      mode: "batch",
      posts: 3,
      postsOk: 3,
      postsFailed: 0,
      count: 3,
      concurrency: 1,
      topics: { "pinterest.pin": 3, "pinterest.geo": 3, "pinterest.user": 3 },
      streams: {},
      recordsAccepted: 9,
      recordsFailed: 0,
      failures: {},
      retries: 0,
      stopped: "count",
    });
  } finally {
    await peer.close();
  }
});

Deno.test("stream: three PUTs per post with StreamName, Data, PartitionKey and the api key", async () => {
  const peer = await startPeer();
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      mode: "stream",
      count: 2,
      concurrency: 1,
      prefix: "0a1b",
      apiKey: "secret-1",
      random: cycle(0.9),
    });
    assert.deepEqual(
      peer.requests.map((r) =>
        `${r.method} ${r.path} ${r.contentType} ${r.apiKey}`
      ),
      Array(2).fill([
        "PUT /streams/streaming-0a1b-pin/record application/json secret-1",
        "PUT /streams/streaming-0a1b-geo/record application/json secret-1",
        "PUT /streams/streaming-0a1b-user/record application/json secret-1",
      ]).flat(),
    );
    assert.deepEqual(peer.requests[1].body, {
      StreamName: "streaming-0a1b-geo",
      Data: {
        ind: 5730,
        timestamp: "2021-04-19 17:37:03",
        latitude: -77.015,
        longitude: -101.437,
        country: "Colombia",
      },
      PartitionKey: "partition-5730",
    });
    assert.deepEqual(summary.streams, {
      "streaming-0a1b-pin": 2,
      "streaming-0a1b-geo": 2,
      "streaming-0a1b-user": 2,
    });
    assert.deepEqual([summary.posts, summary.recordsAccepted, summary.topics], [
      2,
      6,
      {},
    ]);
  } finally {
    await peer.close();
  }
});

Deno.test("both: every post goes to the three topics and the three streams", async () => {
  const peer = await startPeer();
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      count: 4,
      concurrency: 2,
    });
    assert.equal(summary.mode, "both");
    assert.equal(peer.requests.length, 24);
    const perPath = new Map<string, number>();
    for (const r of peer.requests) {
      perPath.set(r.path, (perPath.get(r.path) ?? 0) + 1);
    }
    assert.deepEqual([...perPath.values()], [4, 4, 4, 4, 4, 4]);
    assert.deepEqual(summary.topics, {
      "pinterest.pin": 4,
      "pinterest.geo": 4,
      "pinterest.user": 4,
    });
    assert.deepEqual(summary.streams, {
      "streaming-pinterest-pin": 4,
      "streaming-pinterest-geo": 4,
      "streaming-pinterest-user": 4,
    });
    assert.deepEqual(
      [summary.posts, summary.postsOk, summary.recordsAccepted],
      [4, 4, 24],
    );
  } finally {
    await peer.close();
  }
});

Deno.test("with the real SQLite source: the same offset in each table, values as toCourseJson", async () => {
  const dir = await Deno.makeTempDir();
  await seedSqlite(`${dir}/source.db`, { rows: 50, seed: 7 });
  const source = await openSqliteSource(`${dir}/source.db`);
  const peer = await startPeer();
  try {
    const summary = await runEmulation({
      source,
      api: peer.url,
      mode: "both",
      count: 3,
      concurrency: 1,
      random: cycle(0.1, 0.5, 0.9),
    });
    assert.deepEqual([
      summary.posts,
      summary.recordsAccepted,
      summary.recordsFailed,
    ], [3, 18, 0]);
    const offsets = [5, 25, 45];
    for (const [i, offset] of offsets.entries()) {
      const post = await source.readPost(offset);
      const sent = peer.requests.slice(i * 6, i * 6 + 6).map((r) => r.body);
      assert.deepEqual(sent.slice(0, 3), [
        { records: [{ value: toCourseJson(post.pin) }] },
        { records: [{ value: toCourseJson(post.geo) }] },
        { records: [{ value: toCourseJson(post.user) }] },
      ]);
      assert.deepEqual(sent[4], {
        StreamName: "streaming-pinterest-geo",
        Data: toCourseJson(post.geo),
        PartitionKey: `partition-${post.pin.index}`,
      });
      const geo = (sent[1] as {
        records: { value: { timestamp: string; ind: number } }[];
      }).records[0].value;
      assert.match(
        geo.timestamp,
        /^20(1[5-9]|2[0-2])-\d\d-\d\d \d\d:\d\d:\d\d$/,
      );
      assert.equal(geo.ind, post.pin.index);
    }
  } finally {
    await peer.close();
    await source.close();
    await Deno.remove(dir, { recursive: true });
  }
});
