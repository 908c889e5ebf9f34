/**
 * Helpers shared by the stream processor's tests: generated posts, an embedded log with the
 * three streams, and the exactly-once check of the tables.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type EmbeddedLog, openEmbeddedLog } from "../log/mod.ts";
import { createGenerator } from "../source/mod.ts";
import type { Post } from "../source/types.ts";
import {
  emptyPostedKeys,
  exactlyOnceProblems,
  type PostedKeys,
  storedKeys,
} from "./exactly_once_check.ts";
import { countStreamTables } from "./read_table.ts";
import {
  createStreamProcessor,
  type StreamProcessorStats,
} from "./processor.ts";
import type { TestDir } from "../test_temp_dir.ts";

/**
 * The prefix of the test streams: `streaming-t-pin|geo|user`.
 *
 * @example
 * ```ts
 * import { PREFIX } from "./test_util.ts";
 * console.log(`streaming-${PREFIX}-pin`); // streaming-t-pin
 * ```
 */
export const PREFIX = "t";

const gen = createGenerator({ rows: 500, seed: 11 });

/**
 * `n` generated posts from row `from` on (the same rows on every call).
 *
 * @example
 * ```ts
 * import { posts } from "./test_util.ts";
 * console.log(posts(0, 2).length); // 2
 * ```
 */
export function posts(from: number, n: number): Post[] {
  return Array.from({ length: n }, (_, i) => gen.post(from + i));
}

/**
 * What {@linkcode setupStreams} made.
 *
 * @example
 * ```ts
 * import { setupStreams, type StreamFixture } from "./test_util.ts";
 * import { makeTestDir } from "../test_temp_dir.ts";
 * await using tmp = await makeTestDir();
 * const fx: StreamFixture = await setupStreams(tmp);
 * console.log(fx.posted.pin.size, (await fx.log.streams.listStreams()).length); // 0 3
 * await fx.log.close();
 * ```
 */
export interface StreamFixture {
  log: EmbeddedLog;
  /** Where the tables go: `{tmp}/stream`. */
  outDir: string;
  /** The keys put so far (fill it with `putPosts(..., { into: posted })`). */
  posted: PostedKeys;
}

/**
 * An embedded log in `tmp` with the three streams (pin on two shards).
 *
 * @example
 * ```ts
 * import { setupStreams } from "./test_util.ts";
 * import { makeTestDir } from "../test_temp_dir.ts";
 * await using tmp = await makeTestDir();
 * const { log, outDir } = await setupStreams(tmp);
 * console.log(outDir.endsWith("/stream")); // true
 * await log.close();
 * ```
 */
export async function setupStreams(tmp: TestDir): Promise<StreamFixture> {
  const dir = tmp.path;
  const log = await openEmbeddedLog(`${dir}/log.db`);
  await log.streams.createStream(`streaming-${PREFIX}-pin`, { shardCount: 2 });
  await log.streams.createStream(`streaming-${PREFIX}-geo`);
  await log.streams.createStream(`streaming-${PREFIX}-user`);
  return { log, outDir: `${dir}/stream`, posted: emptyPostedKeys() };
}

/**
 * Asserts that the tables in `outDir` hold each of the `total` records put (`posted`)
 * exactly once, and nothing quarantined.
 *
 * @example
 * ```ts
 * import { assertExactlyOnce } from "./test_util.ts";
 * import type { PostedKeys } from "./exactly_once_check.ts";
 * async function check(outDir: string, posted: PostedKeys) {
 *   await assertExactlyOnce({ outDir, posted }, 20);
 * }
 * ```
 */
export async function assertExactlyOnce(
  written: { outDir: string; posted: PostedKeys },
  total: number,
): Promise<void> {
  const { outDir, posted } = written;
  assert.deepEqual(exactlyOnceProblems(posted, await storedKeys(outDir)), []);
  assert.equal(posted.pin.size, total);
  assert.deepEqual(await countStreamTables(outDir), {
    stream_pin: total,
    stream_geo: total,
    stream_user: total,
    stream_quarantine: 0,
  });
}

/**
 * One catch-up over the test streams by a fresh processor writing to `outDir`.
 *
 * @example
 * ```ts
 * import { catchUp } from "./test_util.ts";
 * import type { EmbeddedLog } from "../log/mod.ts";
 * async function again(log: EmbeddedLog, outDir: string) {
 *   console.log((await catchUp(log, outDir)).batches); // 0 when nothing new was put
 * }
 * ```
 */
export function catchUp(
  log: EmbeddedLog,
  outDir: string,
): Promise<StreamProcessorStats> {
  return createStreamProcessor({ streams: log.streams, prefix: PREFIX, outDir })
    .runOnce();
}
