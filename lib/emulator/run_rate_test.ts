/**
 * How a run's summary says it went: whether it reached its `rate` (by how fast posts
 * started, not by finished posts over the whole run, which counts the wait for the last
 * answers), and what ended it.
 */
import assert from "node:assert/strict";
import { runEmulation } from "./run.ts";
import { formatSummary } from "./summary.ts";
import { accept, arraySource, startPeer } from "./test_peer.ts";
import { samplePosts } from "./test_posts.ts";

const rateLine = (text: string) =>
  text.split("\n").find((l) => l.startsWith("  rate: "));

Deno.test("a slow API with posts in flight to spare: the rate was reached, no advice to raise --concurrency", async () => {
  // 20 posts started in 2 s (10/s) with at most 19 of 50 in flight; the run ended 1.8 s
  // later when the last answers came, and the summary said "10 posts/s requested, 5.4
  // reached: the API answered too slowly for 50 posts in flight; raise --concurrency".
  const peer = await startPeer(accept, { delayMs: 300 });
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      mode: "both",
      duration: 2000,
      rate: 10,
      concurrency: 50,
    });
    assert.ok(peer.maxInFlight() < 50, `in flight ${peer.maxInFlight()}`);
    assert.ok(summary.postsPerSecond < 9, `${summary.postsPerSecond}`);
    assert.ok(
      summary.startsPerSecond !== undefined &&
        summary.startsPerSecond > 9 && summary.startsPerSecond < 11,
      `${summary.startsPerSecond}`,
    );
    assert.equal(rateLine(formatSummary(summary)), undefined);
  } finally {
    await peer.close();
  }
});

Deno.test("posts in flight all taken: the rate falls short, and the summary says so", async () => {
  // One post in flight, three requests of 100 ms each: about 3 posts/s of the 20 asked.
  const peer = await startPeer(accept, { delayMs: 100 });
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      mode: "batch",
      duration: 1500,
      rate: 20,
      concurrency: 1,
    });
    const reached = summary.startsPerSecond!;
    assert.ok(reached > 1 && reached < 4, `${reached}`);
    assert.match(
      rateLine(formatSummary(summary)) ?? "",
      /^ {2}rate: 20 posts\/s requested, [\d.]+ reached: the API answered too slowly for 1 post in flight /,
    );
  } finally {
    await peer.close();
  }
});

Deno.test("--duration passing while the last of --count posts are in flight: the run reached its count", async () => {
  // Every requested post had started when the duration ended; the summary said
  // "reached its duration" with "posts: 3 of 3 requested".
  const peer = await startPeer(accept, { delayMs: 300 });
  try {
    const summary = await runEmulation({
      source: arraySource(samplePosts()),
      api: peer.url,
      mode: "batch",
      count: 3,
      duration: 100,
      concurrency: 3,
    });
    assert.deepEqual(
      [summary.stopped, summary.posts, summary.recordsAccepted],
      ["count", 3, 9],
    );
  } finally {
    await peer.close();
  }
});
