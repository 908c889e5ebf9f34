/**
 * The S3-sink stage: consumes topics and writes their records to the lake as NDJSON
 * objects in the Confluent S3 sink layout, exactly once across crashes.
 *
 * How exactly-once holds: an object's name is fixed by its first offset, it is written
 * atomically, and the offset is committed only after the write. On start the sink reads
 * each partition's objects from the lake (the source of truth; rotation by time makes
 * boundaries non-deterministic, so committed offsets alone cannot be trusted) and seeks to
 * the offset after the last stored record; re-delivered records below it are dropped. The
 * same recovery runs for a partition a rebalance hands over, and nothing is written while a
 * rebalance is under way, so two members do not write one partition's objects. One window
 * remains: an object write already in flight when a rebalance begins could land after the
 * partition's next owner has read the lake. kafkajs has no hook to hold the rejoin until
 * that write ends (Kafka Connect closes its writers before it rejoins).
 *
 * @module
 */
import type { TopicLog } from "../log/types.ts";
import type { ObjectStore } from "../lake/types.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { ConfigError } from "../errors.ts";
import type { RetryOptions } from "../retry.ts";
import { SinkRunningError } from "./errors.ts";
import {
  DEFAULT_MAX_OBJECT_BYTES,
  type PartitionStats,
  type PartitionWriter,
} from "./writer.ts";
import { SINK_LAKE_RETRY } from "./lake_retry.ts";
import { consumeLoop, type LoopControl } from "./loop.ts";

/**
 * Options of {@linkcode createSink}.
 *
 * @example
 * ```ts
 * import type { SinkOptions } from "./sink.ts";
 * const options: Partial<SinkOptions> = { flushSize: 500, rotateIntervalMs: 10_000, verify: "last" };
 * console.log(options.flushSize); // 500
 * ```
 */
export interface SinkOptions {
  /** Where records are read. */
  log: TopicLog;
  /** Where objects are written. */
  store: ObjectStore;
  /** Topics to consume. */
  topics: readonly string[];
  /** Consumer group (default `"s3-sink"`). */
  group?: string;
  /**
   * The program this sink runs in (e.g. `deno task sink`, `deno task emulate`),
   * recorded in the lake's lock so that a sink it refuses can name it; default none.
   */
  program?: string;
  /** Most records per object, Confluent's `flush.size` (default 500). */
  flushSize?: number;
  /**
   * An object is written once it holds this many bytes, short of `flushSize` records
   * (default 64 MiB), so large records do not pile up in memory.
   */
  maxObjectBytes?: number;
  /**
   * A partition's buffer is written once its first record waited this long (wall clock,
   * checked on every poll even when nothing arrives; default 10000; `Infinity` disables).
   * Not quite Confluent's `rotate.interval.ms`, which rotates only when the next record
   * comes (an idle partition keeps its buffer), nor its `rotate.schedule.interval.ms`,
   * which rotates at fixed clock times: an idle partition's records land here after at
   * most this long.
   */
  rotateIntervalMs?: number;
  /** Longest wait of one poll, bounding how fast `stop()` returns (default 500). */
  pollTimeoutMs?: number;
  /** How much of the lake to verify on start: `"all"` objects (default) or the `"last"`. */
  verify?: "all" | "last";
  /**
   * Retries of a failed lake write, Kafka Connect style, and of the lake reads that
   * recover a partition: default 16 attempts, waits from 0.5 s doubling to 10 s (about
   * 1.5 min in all), then the sink fails (nothing of the object is committed, so the next
   * run writes it).
   */
  lakeRetry?: Partial<RetryOptions>;
  /** Progress and problems (default silent). */
  logger?: Logger;
}

/**
 * Options of {@linkcode Sink.drain}.
 *
 * @example
 * ```ts
 * import type { DrainOptions, Sink } from "./sink.ts";
 * const options: DrainOptions = { idleMs: 2_000 };
 * const once = (sink: Sink) => sink.drain(options); // ends after 2 s without a record
 * ```
 */
export interface DrainOptions {
  /** Stop after no record arrived for this long, in ms (default 1000). */
  idleMs?: number;
}

/**
 * Options of {@linkcode Sink.stop}.
 *
 * @example
 * ```ts
 * import type { Sink, StopOptions } from "./sink.ts";
 * const options: StopOptions = { drain: true, idleMs: 2_000 };
 * const shutdown = (sink: Sink) => sink.stop(options); // writes what the topics hold, then ends
 * ```
 */
export interface StopOptions {
  /**
   * First read what is in the topics: keep consuming until no record arrived for
   * `idleMs`, then flush and end (default false: end after the poll in flight).
   */
  drain?: boolean;
  /** With `drain`, how long without records means caught up, in ms (default 1000). */
  idleMs?: number;
}

/**
 * Totals and per-partition progress of a sink.
 *
 * @example
 * ```ts
 * import { createSink, type SinkStats } from "./sink.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openEmbeddedLog(`${dir}/log.db`);
 * await log.topics.createTopic("demo.pin");
 * await log.topics.append("demo.pin", [{ value: new TextEncoder().encode('{"n":1}') }]);
 * const sink = createSink({ log: log.topics, store: openDirStore(`${dir}/lake`), topics: ["demo.pin"] });
 * await sink.drain({ idleMs: 200 });
 * const stats: SinkStats = sink.stats;
 * console.log(stats.recordsWritten, stats.objectsWritten, stats.partitions[0].nextOffset); // 1 1 1
 * await log.close();
 * ```
 */
export interface SinkStats {
  recordsWritten: number;
  objectsWritten: number;
  /** Re-delivered records below the lake's position, dropped. */
  duplicatesDropped: number;
  /** Records beyond a sought offset, fetched before the seek took effect, dropped. */
  staleDropped: number;
  /** Partitions whose committed offset was ahead of the lake and was rewound. */
  rewinds: number;
  partitions: PartitionStats[];
}

/**
 * A running or runnable sink; see {@linkcode createSink}.
 *
 * @example
 * ```ts
 * import type { Sink } from "./sink.ts";
 * async function runFor(sink: Sink, ms: number): Promise<number> {
 *   const running = sink.run();
 *   await sink.ready();
 *   await new Promise((resolve) => setTimeout(resolve, ms));
 *   await sink.stop();
 *   await running;
 *   return sink.stats.recordsWritten;
 * }
 * ```
 */
export interface Sink {
  /** Consumes until `signal` aborts or `stop()` is called, then flushes and closes. */
  run(signal?: AbortSignal): Promise<void>;
  /** Consumes until idle for `idleMs`, flushes, closes: the `--once` mode. */
  drain(options?: DrainOptions): Promise<void>;
  /**
   * Resolves once the started `run` or `drain` has locked its lake and joined its consumer
   * group; rejects with the error that ended it before that (for example `LakeBusyError`:
   * another sink, of whatever group, writes this lake folder; `GroupBusyError`: another
   * consumer is the embedded group's member). Resolves at once when the sink was never
   * started.
   */
  ready(): Promise<void>;
  /** Writes every buffered record now (safe while `run` is going). */
  flushAll(): Promise<void>;
  /**
   * Ends `run` or `drain` (buffers are flushed) and resolves when it has. Records still in
   * the topics stay there for the next run unless `{ drain: true }` is given.
   */
  stop(options?: StopOptions): Promise<void>;
  /** A snapshot of the progress. */
  readonly stats: SinkStats;
}

/** `value`, which must be > 0 (and whole with `integer`), else a `ConfigError` naming option `name`. */
function positive(
  name: string,
  value: number,
  options: { integer?: boolean } = {},
): number {
  const integer = options.integer ?? false;
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new ConfigError(
      name,
      `must be a positive ${integer ? "integer" : "number"}`,
      { value },
    );
  }
  return value;
}

/**
 * Makes a sink. Sinks of one consumer group share its partitions where the log splits them
 * between members (Kafka): each recovers and writes only the partitions it owns, and reads
 * them from the lake again after every rebalance; such sinks share an S3 lake. A lake in a
 * local folder (the embedded profile's) takes one sink at a time, whatever its group: a
 * second sink's `run` (and `ready`) fails with `LakeBusyError` naming the first's process
 * (see `lake_lock.ts`). On S3, which cannot be locked, the rule is one sink group per
 * bucket prefix.
 *
 * @example
 * ```ts
 * import { createSink } from "./sink.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openEmbeddedLog(`${dir}/log.db`);
 * await log.topics.createTopic("demo.pin");
 * await log.topics.append("demo.pin", [{ value: new TextEncoder().encode('{"n":1}') }]);
 * const sink = createSink({ log: log.topics, store: openDirStore(`${dir}/lake`), topics: ["demo.pin"] });
 * await sink.drain({ idleMs: 200 });
 * console.log(sink.stats.recordsWritten); // 1
 * await log.close();
 * ```
 */
export function createSink(options: SinkOptions): Sink {
  const { log, store, topics } = options;
  if (topics.length === 0) {
    throw new ConfigError("topics", "name at least one topic", {
      value: topics,
    });
  }
  const group = options.group ?? "s3-sink";
  const flushSize = positive("flushSize", options.flushSize ?? 500, {
    integer: true,
  });
  const maxObjectBytes = positive(
    "maxObjectBytes",
    options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
    { integer: true },
  );
  const rotateIntervalMs = positive(
    "rotateIntervalMs",
    options.rotateIntervalMs ?? 10000,
  );
  const pollTimeoutMs = positive(
    "pollTimeoutMs",
    options.pollTimeoutMs ?? 500,
  );
  const logger = options.logger ?? silentLogger;
  const lakeRetry: RetryOptions = {
    ...SINK_LAKE_RETRY,
    ...options.lakeRetry,
  };
  const totals = {
    recordsWritten: 0,
    objectsWritten: 0,
    duplicatesDropped: 0,
    staleDropped: 0,
    rewinds: 0,
  };
  let writer: PartitionWriter | null = null;
  let lastPartitions: PartitionStats[] = [];
  let running: Promise<void> | null = null;
  let joined: Promise<void> = Promise.resolve();
  let hardStop = new AbortController();
  /** Set while draining: stop once no record arrived for `ms` since `since`. */
  let idle: { ms: number; since: number } | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  const locked = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = chain.then(fn);
    chain = p.catch(() => {});
    return p;
  };
  const control = (signal?: AbortSignal): LoopControl => ({
    keepGoing(got) {
      if (signal?.aborted || hardStop.signal.aborted) return false;
      if (!idle) return true;
      if (got) idle.since = Date.now();
      return Date.now() - idle.since < idle.ms;
    },
    waitCap: () =>
      idle ? Math.max(0, idle.ms - (Date.now() - idle.since)) : Infinity,
  });

  function start(
    signal: AbortSignal | undefined,
    idleMs: number | null,
  ): Promise<void> {
    if (running) return Promise.reject(new SinkRunningError());
    hardStop = new AbortController();
    idle = idleMs === null ? null : { ms: idleMs, since: Date.now() };
    const join = Promise.withResolvers<void>();
    const loop = consumeLoop({
      log,
      group,
      topics,
      program: options.program,
      pollTimeoutMs,
      store,
      flushSize,
      maxObjectBytes,
      rotateIntervalMs,
      verify: options.verify ?? "all",
      logger,
      lakeRetry,
      signal: signal
        ? AbortSignal.any([signal, hardStop.signal])
        : hardStop.signal,
      locked,
      onWriter: (w) => {
        writer = w;
        join.resolve();
      },
    }, control(signal));
    joined = Promise.race([join.promise, loop]);
    joined.catch(() => {}); // the run's own promise reports the failure too
    running = loop.finally(() => {
      const w = writer;
      if (w) {
        for (const k of Object.keys(totals) as (keyof typeof totals)[]) {
          totals[k] += w.counters[k];
        }
        lastPartitions = w.partitions();
      }
      writer = null;
      idle = null;
      running = null;
    });
    return running;
  }

  return {
    run: (signal) => start(signal, null),
    drain: (drainOptions = {}) => start(undefined, drainOptions.idleMs ?? 1000),
    ready: () => joined,
    flushAll: () => locked(() => writer?.flushAll() ?? Promise.resolve()),
    async stop(stopOptions = {}) {
      if (!stopOptions.drain) hardStop.abort();
      else idle ??= { ms: stopOptions.idleMs ?? 1000, since: Date.now() };
      await running?.catch(() => {});
    },
    get stats(): SinkStats {
      const live = writer?.counters;
      const sum = (k: keyof typeof totals) => totals[k] + (live?.[k] ?? 0);
      return {
        recordsWritten: sum("recordsWritten"),
        objectsWritten: sum("objectsWritten"),
        duplicatesDropped: sum("duplicatesDropped"),
        staleDropped: sum("staleDropped"),
        rewinds: sum("rewinds"),
        partitions: writer?.partitions() ?? lastPartitions,
      };
    },
  };
}
