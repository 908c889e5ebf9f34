/**
 * `runOnce` (`deno task stream --once`) while the streams are still being written: it
 * catches up with what was there when it started and returns, rather than chase the
 * writers for as long as they write.
 */
import assert from "node:assert/strict";
import { putPosts } from "./exactly_once_check.ts";
import { createStreamProcessor } from "./processor.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { posts, PREFIX, setupStreams } from "./test_util.ts";
import { sleep } from "../sleep.ts";

Deno.test("processor: runOnce returns once caught up while a writer keeps posting", async () => {
  await using tmp = await makeTestDir();
  const { log, outDir, posted } = await setupStreams(tmp);
  await putPosts(log.streams, posts(0, 20), { prefix: PREFIX, into: posted });
  const writing = new AbortController();
  let n = 20;
  const writer = (async () => {
    while (!writing.signal.aborted) {
      await putPosts(log.streams, posts(n++ % 500, 1), {
        prefix: PREFIX,
        into: posted,
      });
      await sleep(2);
    }
  })();
  try {
    const processor = createStreamProcessor({
      streams: log.streams,
      prefix: PREFIX,
      outDir,
    });
    const outcome = await Promise.race([
      processor.runOnce().then(() => "returned"),
      sleep(15_000).then(() => "still running after 15 s"),
    ]);
    assert.equal(outcome, "returned");
    // Everything posted before it started was taken.
    assert.ok(processor.stats.records >= 60, String(processor.stats.records));
    assert.equal(processor.stats.failures, 0);
  } finally {
    writing.abort();
    await writer;
    await log.close();
  }
});
