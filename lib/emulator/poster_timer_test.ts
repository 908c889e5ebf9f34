/**
 * sendRequest's per-attempt timeout is a timer of its own, cleared once the attempt ends:
 * `AbortSignal.timeout` kept every request's timer (and what it held) for the whole
 * `timeoutMs`, 30 s by default, so a run posting 650 posts/s held some 117,000 of them,
 * about 40 MB of heap, which a run of 15,000 posts still held 30 s after it ended.
 */
import assert from "node:assert/strict";
import { PostError } from "./errors.ts";
import { buildRequest, type RequestTimers, sendRequest } from "./poster.ts";
import { targetsFor } from "./targets.ts";
import { accept, closedPort, startPeer } from "./test_peer.ts";
import { samplePosts } from "./test_posts.ts";

const [pinTopic] = targetsFor("batch", "pinterest");
const post = samplePosts()[0];

/** Real timers that count those still pending (set, neither fired nor cleared). */
function countingTimers(): RequestTimers & {
  pending: () => number;
  started: () => number;
} {
  const live = new Set<ReturnType<typeof setTimeout>>();
  let started = 0;
  return {
    set(fire, ms) {
      started++;
      const id = setTimeout(() => {
        live.delete(id);
        fire();
      }, ms);
      live.add(id);
      return id;
    },
    clear(id) {
      live.delete(id);
      clearTimeout(id);
    },
    pending: () => live.size,
    started: () => started,
  };
}

Deno.test("no timeout timer is left pending once a request is answered, refused or fails", async () => {
  const timers = countingTimers();
  const peer = await startPeer((seen, n) =>
    n === 1 ? new Response("down", { status: 503 }) : accept(seen, n)
  );
  try {
    const request = buildRequest(pinTopic, post);
    await sendRequest(peer.url, request, { timers }); // accepted
    assert.equal(timers.pending(), 0);
    await assert.rejects(sendRequest(peer.url, request, { timers }), PostError); // 503
    assert.equal(timers.pending(), 0);
    await assert.rejects(
      sendRequest(`http://127.0.0.1:${closedPort()}`, request, { timers }),
      PostError,
    );
    assert.deepEqual([timers.started(), timers.pending()], [3, 0]);
  } finally {
    await peer.close();
  }
});

Deno.test("the timeout still fails a request the API does not answer in time, retryable", async () => {
  const timers = countingTimers();
  const peer = await startPeer(accept, { delayMs: 400 });
  try {
    const e = await sendRequest(peer.url, buildRequest(pinTopic, post), {
      timeoutMs: 50,
      timers,
    }).then(() => undefined, (e) => e);
    assert.ok(e instanceof PostError);
    assert.equal(
      e.message,
      `POST /topics/pinterest.pin to ${peer.url}/topics/pinterest.pin failed: no answer within 50 ms`,
    );
    assert.equal(e.retryable, true);
    assert.deepEqual([timers.started(), timers.pending()], [1, 0]);
  } finally {
    await peer.close();
  }
});
