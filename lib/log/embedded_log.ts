/**
 * Opens the embedded log: topics and streams in one SQLite file, no server needed.
 *
 * @module
 */

import { createLogCore, type LogCoreOptions } from "./log_core.ts";
import { EmbeddedStreamLog } from "./stream_log.ts";
import { EmbeddedTopicLog } from "./topic_log.ts";

/**
 * Options of {@linkcode openEmbeddedLog}.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile(), { fsync: false, pollIntervalMs: 10 });
 * await log.close();
 * ```
 */
export interface EmbeddedLogOptions extends LogCoreOptions {
  /**
   * fsync every commit (SQLite `synchronous=FULL`): an acknowledged record survives a
   * crash or power loss. `false` (`synchronous=OFF`) is faster but only survives a crash
   * of the process, not of the machine. Default true.
   */
  fsync?: boolean;
}

/**
 * Counters of the group committer, for metrics and benchmarks.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile());
 * const { commits, jobs } = log.stats();
 * console.log(commits ? jobs / commits : 0); // mean group size
 * await log.close();
 * ```
 */
export interface EmbeddedLogStats {
  /** Transactions committed (each one fsync when `fsync` is on). */
  commits: number;
  /** Appends, puts and other writes committed; `jobs / commits` is the mean group size. */
  jobs: number;
}

/**
 * An open embedded log: its topic and stream halves share one file and one committer.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile());
 * await log.topics.createTopic("t");
 * await log.streams.createStream("s");
 * await log.close();
 * ```
 */
export interface EmbeddedLog {
  /** Kafka-shaped topics. `topics.close()` releases this half only. */
  topics: EmbeddedTopicLog;
  /** Kinesis-shaped streams (with `splitShard` and `mergeShards`). */
  streams: EmbeddedStreamLog;
  /** The file path. */
  path: string;
  /** Group-commit counters. */
  stats(): EmbeddedLogStats;
  /** Commits what is queued and closes the file (both halves). */
  close(): Promise<void>;
}

/**
 * Opens (creating when absent) the embedded log at `path`.
 *
 * Writes from concurrent callers are group-committed: one transaction and one fsync for
 * all writes queued while the previous commit ran; every promise resolves after that
 * commit. Several processes may open the same file (one writer, any number of readers:
 * WAL mode, busy timeout). The file is closed when `close()` is called or when both
 * `topics.close()` and `streams.close()` were called.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openEmbeddedLog(`${dir}/log.db`);
 * await log.topics.createTopic("pinterest.pin");
 * await log.streams.createStream("streaming-pinterest-pin");
 * const value = new TextEncoder().encode('{"index":1}');
 * console.log(await log.topics.append("pinterest.pin", [{ value }])); // [ { partition: 0, offset: 0 } ]
 * await log.close();
 * ```
 */
export async function openEmbeddedLog(
  path: string,
  options: EmbeddedLogOptions = {},
): Promise<EmbeddedLog> {
  const core = createLogCore(path, options);
  let open = 2;
  const release = (): Promise<void> => {
    open = Math.max(0, open - 1);
    return open === 0 ? core.close() : Promise.resolve();
  };
  let topicsOpen = true;
  let streamsOpen = true;
  const topics = new EmbeddedTopicLog(core, () => {
    if (!topicsOpen) return Promise.resolve();
    topicsOpen = false;
    return release();
  });
  const streams = new EmbeddedStreamLog(core, () => {
    if (!streamsOpen) return Promise.resolve();
    streamsOpen = false;
    return release();
  });
  return await Promise.resolve({
    topics,
    streams,
    path,
    stats: () => ({
      commits: core.committer.commits,
      jobs: core.committer.jobs,
    }),
    close: () => core.close(),
  });
}
