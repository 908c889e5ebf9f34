/**
 * A post that throws where nothing expects it (a record JSON cannot hold) stops the run as a
 * failing source does: the other posts in flight finish and are counted, no post starts
 * after, and the run then rejects with the error.
 */
import assert from "node:assert/strict";
import type { Post, SourceReader } from "../source/types.ts";
import { runEmulation } from "./run.ts";
import type { EmulationSummary } from "./summary.ts";
import { accept, arraySource, cycle, startPeer } from "./test_peer.ts";
import { samplePosts } from "./test_posts.ts";

Deno.test("a post that throws stops the run; the other workers do not post on, unseen, after it rejected", async () => {
  const peer = await startPeer(accept, { delayMs: 20 });
  try {
    const posts = samplePosts();
    // JSON.stringify throws on a BigInt: the request of row 1's geo cannot be built.
    const bad: Post = {
      ...posts[1],
      geo: { ...posts[1].geo, ind: 10n as unknown as number },
    };
    const inner = arraySource([posts[0], bad, posts[2]]);
    const source: SourceReader = inner;
    const snapshots: EmulationSummary[] = [];
    await assert.rejects(
      runEmulation({
        source,
        api: peer.url,
        mode: "batch",
        count: 40,
        concurrency: 2,
        // Worker 1 reads row 0, worker 2 row 1 (throws at its geo), then rows 0 and 2.
        random: cycle(0, 0.4, 0, 0.9),
        onProgress: (s) => snapshots.push(s),
      }),
      (e: unknown) => e instanceof TypeError && /BigInt/.test(e.message),
    );
    const afterReject = peer.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    // Nothing was posted once the run had returned.
    assert.equal(peer.requests.length, afterReject);
    const last = snapshots.at(-1)!;
    assert.equal(last.stopped, "failed");
    // Every request the peer got is counted: the bad post's pin, and worker 1's posts.
    assert.equal(last.recordsAccepted, peer.requests.length);
    assert.ok(last.posts <= 3, `posts ${last.posts}`);
  } finally {
    await peer.close();
  }
});
