import assert from "node:assert/strict";
import { runEmulation } from "./run.ts";
import {
  accept,
  arraySource,
  closedPort,
  cycle,
  startPeer,
  withoutTiming,
} from "./test_peer.ts";
import { samplePosts } from "./test_posts.ts";

const fast = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

Deno.test("503 twice then 200: one post accepted, two retries counted", async () => {
  const peer = await startPeer((seen, n) =>
    n < 2 ? new Response("try later", { status: 503 }) : accept(seen, n)
  );
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      mode: "batch",
      count: 1,
      retry: fast,
    });
    assert.equal(peer.requests.length, 5);
    assert.deepEqual(
      peer.requests.slice(0, 3).map((r) => r.path),
      Array(3).fill("/topics/pinterest.pin"),
    );
    assert.deepEqual(
      [
        summary.posts,
        summary.postsOk,
        summary.recordsAccepted,
        summary.retries,
        summary.failures,
      ],
      [1, 1, 3, 2, {}],
    );
  } finally {
    await peer.close();
  }
});

Deno.test("a 422 is not retried: counted per topic with its error body", async () => {
  const body = { error_code: 42201, message: "Unrecognized field: value" };
  const peer = await startPeer((seen, n) =>
    seen.path.endsWith(".geo")
      ? Response.json(body, { status: 422 })
      : accept(seen, n)
  );
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      mode: "batch",
      count: 2,
      retry: fast,
    });
    assert.equal(
      peer.requests.filter((r) => r.path === "/topics/pinterest.geo").length,
      2,
    );
    assert.deepEqual(withoutTiming(summary), {
      mode: "batch",
      posts: 2,
      postsOk: 0,
      postsFailed: 2,
      count: 2,
      concurrency: 4,
      topics: { "pinterest.pin": 2, "pinterest.geo": 0, "pinterest.user": 2 },
      streams: {},
      recordsAccepted: 4,
      recordsFailed: 2,
      failures: {
        "pinterest.geo": {
          count: 2,
          samples: [
            `HTTP 422 from POST /topics/pinterest.geo: ${JSON.stringify(body)}`,
          ],
        },
      },
      retries: 0,
      stopped: "count",
    });
  } finally {
    await peer.close();
  }
});

Deno.test("a server that is down: every record fails after bounded retries", async () => {
  const port = closedPort();
  const summary = await runEmulation({
    source: arraySource(samplePosts()),
    api: `http://127.0.0.1:${port}`,
    count: 2,
    retry: fast,
  });
  assert.deepEqual(
    [
      summary.posts,
      summary.postsFailed,
      summary.recordsAccepted,
      summary.recordsFailed,
      summary.retries,
    ],
    [2, 2, 0, 12, 24],
  );
  assert.deepEqual(Object.values(summary.failures).map((f) => f.count), [
    2,
    2,
    2,
    2,
    2,
    2,
  ]);
  const sample = summary.failures["pinterest.pin"].samples[0];
  assert.ok(
    sample.startsWith(
      `POST /topics/pinterest.pin to http://127.0.0.1:${port}/topics/pinterest.pin failed: `,
    ),
    sample,
  );
});

Deno.test("retries draw no number from `random`: a seeded run picks the same rows with or without them", async () => {
  const picks = async (failFirst: boolean) => {
    const peer = await startPeer((seen, n) =>
      failFirst && n === 0
        ? new Response("try later", { status: 503 })
        : accept(seen, n)
    );
    try {
      const source = arraySource(samplePosts());
      await runEmulation({
        source,
        api: peer.url,
        mode: "batch",
        count: 3,
        concurrency: 1,
        random: cycle(0.1, 0.5, 0.9),
        retry: fast,
      });
      return source.offsets;
    } finally {
      await peer.close();
    }
  };
  assert.deepEqual(await picks(false), [0, 1, 2]);
  assert.deepEqual(await picks(true), [0, 1, 2]);
});
