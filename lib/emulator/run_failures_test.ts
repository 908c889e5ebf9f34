import assert from "node:assert/strict";
import { SourceAccessError } from "../source/errors.ts";
import { ApiUnreachableError } from "./errors.ts";
import { runEmulation } from "./run.ts";
import { type EmulationSummary, formatSummary } from "./summary.ts";
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

Deno.test("an API nothing answers at: the run stops at its first failed record, not after every post failed", async () => {
  // Before, each of the 50 posts failed record by record after its retries: with the default
  // policy, a mistyped --api took about 7 s a post (15 min for 500 posts) before the run ended.
  const port = closedPort();
  const api = `http://127.0.0.1:${port}`;
  const snapshots: EmulationSummary[] = [];
  await assert.rejects(
    runEmulation({
      source: arraySource(samplePosts()),
      api,
      count: 50,
      concurrency: 1,
      retry: fast,
      onProgress: (s) => snapshots.push(s),
    }),
    (err) => {
      assert.ok(err instanceof ApiUnreachableError, String(err));
      assert.match(
        err.message,
        new RegExp(
          `^No API answered at ${api}: POST /topics/pinterest\\.pin to ${api}/topics/pinterest\\.pin failed: .+ \\(3 attempts\\)\\. Start it \\(\`deno task gateway\`\\) or give --api the URL of one that runs; nothing was accepted, so the run stopped\\.$`,
        ),
      );
      return true;
    },
  );
  const last = snapshots.at(-1)!;
  assert.equal(last.stopped, "failed");
  // The post's other five records were not sent; they count as failed too.
  assert.deepEqual(
    [
      last.posts,
      last.postsFailed,
      last.recordsAccepted,
      last.recordsFailed,
      last.retries,
    ],
    [1, 1, 0, 6, 2],
  );
  assert.equal(
    last.failures["streaming-pinterest-user"].samples[0],
    `not sent: no API answered at ${api}`,
  );
});

Deno.test("an API that answered once and then lost every connection: its failures are counted and the run goes on", async () => {
  // After the first record, the peer cuts each answer off: no HTTP answer reaches the client.
  const peer = await startPeer((seen, n) =>
    n === 0 ? accept(seen, n) : new Response(
      new ReadableStream({ start: (c) => c.error(new Error("cut")) }),
    )
  );
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      count: 3,
      concurrency: 1,
      retry: fast,
    });
    assert.deepEqual(
      [
        summary.stopped,
        summary.posts,
        summary.postsFailed,
        summary.recordsAccepted,
        summary.recordsFailed,
        summary.retries,
      ],
      ["count", 3, 3, 1, 17, 34],
    );
  } finally {
    await peer.close();
  }
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

/** A source over `samplePosts()` whose reads of `offset` fail with `error` `times` times. */
function flakySource(offset: number, fault: { error: Error; times: number }) {
  const inner = arraySource(samplePosts());
  let left = fault.times;
  return {
    ...inner,
    readPost: (o: number) =>
      o === offset && left-- > 0
        ? (inner.offsets.push(o), Promise.reject(fault.error))
        : inner.readPost(o),
  };
}

const lost = () =>
  new SourceAccessError(
    "mysql://u@127.0.0.1:3306/db",
    "reading row 1 failed: Connection lost: The server closed the connection.",
    { retryable: true },
  );

Deno.test("a source read failing with a transient error is retried: the post is made, the retry counted", async () => {
  const peer = await startPeer();
  try {
    const source = flakySource(1, { error: lost(), times: 2 });
    const summary = await runEmulation({
      source,
      api: peer.url,
      mode: "batch",
      count: 3,
      concurrency: 1,
      random: cycle(0.1, 0.5, 0.9),
      retry: fast,
    });
    assert.deepEqual(source.offsets, [0, 1, 1, 1, 2]);
    assert.equal(peer.requests.length, 9);
    assert.deepEqual(
      [
        summary.posts,
        summary.postsOk,
        summary.recordsAccepted,
        summary.retries,
        summary.reads,
        summary.stopped,
      ],
      [3, 3, 9, 0, { retries: 2, failed: 0 }, "count"],
    );
  } finally {
    await peer.close();
  }
});

Deno.test("a source read that still fails after its retries is counted and reported, and the run goes on", async () => {
  const peer = await startPeer();
  try {
    const error = lost();
    const source = flakySource(1, { error, times: 3 });
    const summary = await runEmulation({
      source,
      api: peer.url,
      mode: "batch",
      count: 3,
      concurrency: 1,
      random: cycle(0.1, 0.5, 0.9),
      retry: fast,
    });
    assert.deepEqual(source.offsets, [0, 1, 1, 1, 2]);
    assert.equal(peer.requests.length, 6);
    assert.deepEqual(withoutTiming(summary), {
      mode: "batch",
      posts: 3,
      postsOk: 2,
      postsFailed: 1,
      count: 3,
      concurrency: 1,
      topics: { "pinterest.pin": 2, "pinterest.geo": 2, "pinterest.user": 2 },
      streams: {},
      recordsAccepted: 6,
      recordsFailed: 3,
      failures: Object.fromEntries(
        ["pin", "geo", "user"].map((t) => [
          `pinterest.${t}`,
          { count: 1, samples: [error.message] },
        ]),
      ),
      retries: 0,
      reads: { retries: 2, failed: 1 },
      stopped: "count",
    });
    assert.deepEqual(
      formatSummary(summary).split("\n").filter((l) =>
        l.startsWith("  source reads")
      ),
      [
        "  source reads: 2 retries, 1 failed (the post's records were not sent)",
      ],
    );
  } finally {
    await peer.close();
  }
});

Deno.test("a source read failing with a permanent error is not retried: the run stops on it", async () => {
  const peer = await startPeer();
  try {
    const error = new SourceAccessError(
      "mysql://u@127.0.0.1:3306/db",
      "reading row 1 failed: Table 'db.pinterest_data' doesn't exist",
    );
    const source = flakySource(1, { error, times: 1 });
    await assert.rejects(
      runEmulation({
        source,
        api: peer.url,
        mode: "batch",
        count: 3,
        concurrency: 1,
        random: cycle(0.1, 0.5, 0.9),
        retry: fast,
      }),
      (e) => e === error,
    );
    assert.deepEqual(source.offsets, [0, 1]);
    assert.equal(peer.requests.length, 3);
  } finally {
    await peer.close();
  }
});
