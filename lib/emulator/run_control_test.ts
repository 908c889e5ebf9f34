import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import type { SourceReader } from "../source/types.ts";
import { SourceReadError } from "./errors.ts";
import { SourceAccessError } from "../source/errors.ts";
import { type EmulationOptions, runEmulation } from "./run.ts";
import { type EmulationSummary, formatSummary } from "./summary.ts";
import { accept, arraySource, startPeer } from "./test_peer.ts";
import { samplePosts } from "./test_posts.ts";

/**
 * An emulation of the sample posts against a fresh peer that accepts every request: its
 * summary and how many requests the peer got.
 */
async function emulateSamples(
  options: Omit<EmulationOptions, "source" | "api">,
): Promise<{ summary: EmulationSummary; requests: number }> {
  const peer = await startPeer();
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      ...options,
    });
    return { summary, requests: peer.requests.length };
  } finally {
    await peer.close();
  }
}

Deno.test("rate 50 with count 25 takes at least 480 ms", async () => {
  const { summary, requests } = await emulateSamples({
    mode: "batch",
    count: 25,
    rate: 50,
  });
  assert.ok(summary.elapsedMs >= 480, `elapsed ${summary.elapsedMs} ms`);
  assert.deepEqual(
    [summary.posts, summary.recordsAccepted, requests],
    [25, 75, 75],
  );
});

Deno.test("concurrency bounds the requests in flight at the server", async () => {
  for (const concurrency of [1, 3]) {
    const peer = await startPeer(accept, { delayMs: 10 });
    try {
      const summary = await runEmulation({
        source: arraySource(samplePosts()),
        api: peer.url,
        mode: "both",
        count: 6,
        concurrency,
      });
      assert.equal(peer.maxInFlight(), concurrency);
      assert.deepEqual([summary.posts, summary.recordsAccepted], [6, 36]);
    } finally {
      await peer.close();
    }
  }
});

Deno.test("an abort stops new posts; posts in flight finish; the summary adds up", async () => {
  const controller = new AbortController();
  const peer = await startPeer((seen, n) => {
    if (n === 10) controller.abort();
    return accept(seen, n);
  }, { delayMs: 5 });
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      mode: "batch",
      count: 1000,
      concurrency: 2,
      signal: controller.signal,
    });
    assert.equal(summary.stopped, "aborted");
    assert.ok(
      summary.posts >= 4 && summary.posts <= 6,
      `posts ${summary.posts}`,
    );
    assert.equal(summary.postsOk, summary.posts);
    assert.equal(summary.recordsAccepted, summary.posts * 3);
    assert.equal(peer.requests.length, summary.recordsAccepted);
  } finally {
    await peer.close();
  }
});

Deno.test("duration stops the run; the rate bounds how many posts started", async () => {
  const { summary, requests } = await emulateSamples({
    mode: "stream",
    duration: 150,
    rate: 100,
  });
  assert.equal(summary.stopped, "duration");
  assert.ok(summary.elapsedMs >= 149, `elapsed ${summary.elapsedMs}`);
  assert.ok(
    summary.posts >= 2 && summary.posts <= 15,
    `posts ${summary.posts}`,
  );
  assert.equal(summary.recordsAccepted, summary.posts * 3);
  assert.equal(requests, summary.posts * 3);
});

Deno.test("duration 0 starts no post: the clock stops the run, not only its timer", async () => {
  const { summary, requests } = await emulateSamples({
    mode: "batch",
    duration: 0,
    concurrency: 4,
  });
  assert.deepEqual(
    [summary.stopped, summary.posts, requests],
    ["duration", 0, 0],
  );
});

Deno.test("a duration past the 24.8 days a timer holds does not end the run at once", async () => {
  // 2^31 ms and more overflowed setTimeout, which then fired after 1 ms.
  const { summary, requests } = await emulateSamples({
    mode: "batch",
    count: 20,
    duration: 2 ** 31 + 1000,
    concurrency: 1,
  });
  assert.deepEqual(
    [summary.stopped, summary.posts, requests],
    ["count", 20, 60],
  );
});

Deno.test("progress snapshots come while running and the last one is the summary", async () => {
  const peer = await startPeer(accept, { delayMs: 5 });
  const snapshots: EmulationSummary[] = [];
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      mode: "batch",
      count: 6,
      concurrency: 1,
      progressIntervalMs: 10,
      onProgress: (s) => snapshots.push(s),
    });
    assert.deepEqual(snapshots.at(-1), summary);
    assert.ok(snapshots.length >= 3, `${snapshots.length} snapshots`);
    assert.equal(snapshots[0].stopped, "running");
    for (let i = 1; i < snapshots.length; i++) {
      assert.ok(
        snapshots[i].recordsAccepted >= snapshots[i - 1].recordsAccepted,
      );
    }
  } finally {
    await peer.close();
  }
});

Deno.test("count 0 or an already aborted signal posts nothing", async () => {
  const peer = await startPeer();
  try {
    const source = arraySource(samplePosts());
    const zero = await runEmulation({ source, api: peer.url, count: 0 });
    assert.deepEqual([zero.posts, zero.stopped], [0, "count"]);
    const aborted = await runEmulation({
      source,
      api: peer.url,
      count: 5,
      signal: AbortSignal.abort(),
    });
    assert.deepEqual([aborted.posts, aborted.stopped], [0, "aborted"]);
    assert.deepEqual([source.offsets.length, peer.requests.length], [0, 0]);
  } finally {
    await peer.close();
  }
});

Deno.test("invalid options are ConfigErrors naming the setting", async () => {
  const source = arraySource(samplePosts());
  const api = "http://127.0.0.1:9";
  const setting = (name: string) => (e: unknown) =>
    e instanceof ConfigError && e.context.setting === name;
  await assert.rejects(runEmulation({ source, api }), setting("count"));
  await assert.rejects(
    runEmulation({ source, api, count: 1.5 }),
    setting("count"),
  );
  await assert.rejects(
    runEmulation({ source, api, count: 1, concurrency: 0 }),
    setting("concurrency"),
  );
  // A worker per post in flight: a billion of them ran the process out of memory.
  await assert.rejects(
    runEmulation({ source, api, duration: 1000, concurrency: 1e9 }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        "Invalid setting concurrency=1000000000: must be a whole number from 1 to 1000",
  );
  await assert.rejects(
    runEmulation({ source, api, count: 1, rate: -2 }),
    setting("rate"),
  );
  await assert.rejects(
    runEmulation({ source, api: "localhost:8080", count: 1 }),
    setting("api"),
  );
  await assert.rejects(
    runEmulation({ source, api: "http://127.0.0.1:9/prod?x=1", count: 1 }),
    setting("api"),
  );
  await assert.rejects(
    runEmulation({ source, api: "http://127.0.0.1:9/prod#x", count: 1 }),
    setting("api"),
  );
  await assert.rejects(
    runEmulation({ source, api, apiKey: "ключ", count: 1 }),
    setting("apiKey"),
  );
  assert.deepEqual(source.offsets, []);
});

Deno.test("an empty source or a failing read is a SourceReadError", async () => {
  const peer = await startPeer();
  try {
    // The seed command names the source: a bare `deno task seed` fills .data/source.db.
    const empty = { ...arraySource([]), location: "data/empty.db" };
    await assert.rejects(
      runEmulation({ source: empty, api: peer.url, count: 1 }),
      (e: unknown) =>
        e instanceof SourceReadError &&
        e.message ===
          "Cannot read posts from data/empty.db: a table of it has no rows; seed it with `deno task seed --source data/empty.db`",
    );
    const inner = arraySource(samplePosts());
    const short: SourceReader = {
      ...inner,
      rowCount: () => Promise.resolve(5),
    };
    await assert.rejects(
      runEmulation({
        source: short,
        api: peer.url,
        mode: "batch",
        count: 3,
        concurrency: 1,
        random: () => 0.99,
      }),
      (e: unknown) =>
        e instanceof SourceReadError &&
        e.message ===
          "Cannot read posts from memory:3 posts: reading row 4 failed: no row at 4" &&
        e.context.offset === 4,
    );
    assert.equal(peer.requests.length, 0);
  } finally {
    await peer.close();
  }
});

Deno.test("a source's own error, which names it and what failed, stops the run as it is", async () => {
  const peer = await startPeer();
  try {
    const inner = arraySource(samplePosts());
    const refused = new SourceAccessError(
      "mysql://u@127.0.0.1:3306/db",
      "reading row 0 failed: connect ECONNREFUSED 127.0.0.1:3306",
    );
    const down: SourceReader = {
      ...inner,
      readPost: () => Promise.reject(refused),
    };
    await assert.rejects(
      runEmulation({
        source: down,
        api: peer.url,
        mode: "batch",
        count: 3,
        concurrency: 1,
        random: () => 0,
      }),
      (e: unknown) =>
        e === refused &&
        refused.message ===
          "Source mysql://u@127.0.0.1:3306/db: reading row 0 failed: connect ECONNREFUSED 127.0.0.1:3306",
    );
    assert.equal(peer.requests.length, 0);
  } finally {
    await peer.close();
  }
});

Deno.test("a source that fails mid-run: the last snapshot says what was posted before, stopped 'failed'", async () => {
  const peer = await startPeer();
  try {
    const inner = arraySource(samplePosts());
    let reads = 0;
    const breaks: SourceReader = {
      ...inner,
      readPost: (offset) =>
        ++reads <= 2
          ? inner.readPost(offset)
          : Promise.reject(new Error("disk I/O error")),
    };
    const snapshots: EmulationSummary[] = [];
    await assert.rejects(
      runEmulation({
        source: breaks,
        api: peer.url,
        mode: "batch",
        count: 5,
        concurrency: 1,
        random: () => 0,
        onProgress: (s) => snapshots.push(s),
      }),
      SourceReadError,
    );
    const last = snapshots.at(-1)!;
    assert.deepEqual(
      [last.stopped, last.posts, last.postsOk, last.recordsAccepted],
      ["failed", 2, 2, 6],
    );
    assert.equal(
      formatSummary(last).split("\n")[0].replace(/[\d.]+ s$/, "T s"),
      "Emulation (batch) stopped on an error after T s",
    );
  } finally {
    await peer.close();
  }
});
