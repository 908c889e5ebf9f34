/**
 * Freeing the polars memory of cleaned groups: polars frames hold their data outside the JS
 * heap, freed only when a garbage collection finds their handles, which a small JS heap
 * rarely triggers. `deno task batch` on a lake of 3,372,300 pin records (2.1 GB) peaked at
 * 3.9 GB of RSS (it grew with the lake, not with the 64 MiB groups). `cleanTopic` calls a
 * `memoryReleaser` after each group (tested in `topic_test.ts`).
 */
import assert from "node:assert/strict";
import { collectGarbage, memoryReleaser } from "./native_memory.ts";

Deno.test("collectGarbage collects what nothing references any more", async () => {
  let target: object | undefined = { big: new Array(1000).fill(7) };
  const ref = new WeakRef(target);
  target = undefined;
  // A WeakRef's target is kept until the current job ends.
  await new Promise((resolve) => setTimeout(resolve, 0));
  collectGarbage();
  assert.equal(ref.deref(), undefined);
});

Deno.test("memoryReleaser collects only once RSS grew by the threshold since the last collection", () => {
  const rss = [100, 150, 1_099, 1_101, 300, 700, 1_299, 1_301];
  const seen: number[] = [];
  let i = 0;
  const release = memoryReleaser({
    thresholdBytes: 1_000,
    rss: () => rss[i],
    collect: () => void seen.push(rss[i]),
  });
  // The baseline is the RSS when it is made (100); a collection sets a new one (read after it).
  const collectedAt: number[] = [];
  for (i = 1; i < rss.length; i++) {
    const before = seen.length;
    release();
    if (seen.length > before) collectedAt.push(i);
  }
  // 1,101 - 100 > 1,000: collect (the RSS read after it, 1,101, is the new baseline here,
  // since the fake RSS does not drop); 1,301 is not over 1,101 + 1,000.
  assert.deepEqual(collectedAt, [3]);
  assert.deepEqual(seen, [1_101]);
});
