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
   * Acknowledge a write only once it is on disk: an acknowledged record survives a crash
   * of the process or the machine. Commits do not fsync (`synchronous=NORMAL`); an
   * `fdatasync` of the `-wal` file after them (inline while the disk syncs fast, else on
   * a thread, see `sync_mode.ts`), shared by every commit made before it started, does. `false` (`synchronous=OFF`, no sync at all) survives only a
   * crash of the process. Every process sharing a file must use the same setting.
   * Default true.
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
 * const { commits, jobs, syncs } = log.stats();
 * console.log(commits ? jobs / commits : 0, syncs); // 0 0 on a fresh log: mean group size, WAL syncs
 * await log.close();
 * ```
 */
export interface EmbeddedLogStats {
  /** Transactions committed (none of them fsyncs itself). */
  commits: number;
  /** Appends, puts and other writes committed; `jobs / commits` is the mean group size. */
  jobs: number;
  /** WAL syncs finished (0 with `fsync: false`); each covers one or more commits. */
  syncs: number;
  /** Commits known durable: those made before the start of the last finished sync. */
  durableCommits: number;
  /** Checkpoints run by the worker thread (none until the WAL reaches 4 MiB). */
  checkpoints: number;
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
  /** Commits what is queued, closes both halves (and the consumers) and the file. */
  close(): Promise<void>;
}

/**
 * Opens (creating when absent) the embedded log at `path`.
 *
 * Writes from concurrent callers are group-committed: one transaction for all writes
 * queued while the previous commit ran. With fsync on, every promise resolves only after
 * an `fdatasync` of the `-wal` file that started after its commit has finished; commits
 * go on while a sync runs, and the next sync covers all of them. Several processes may open the same file (one writer, any number of readers:
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
      syncs: core.committer.pipeline?.syncs ?? 0,
      durableCommits: core.committer.pipeline?.durable ?? 0,
      checkpoints: core.checkpointer.checkpoints,
    }),
    close: async () => {
      await topics.close();
      await streams.close();
      await core.close();
    },
  });
}
