/**
 * The consume loop of the sink: recover every partition from the lake, then poll, buffer,
 * rotate and flush until told to stop, then flush what is buffered and close the consumer.
 *
 * @module
 */
import type { TopicLog } from "../log/types.ts";
import { PartitionWriter, type PartitionWriterOptions } from "./writer.ts";
import { LakeAheadOfLogError } from "./errors.ts";
import { lockLake } from "./lake_lock.ts";

/** Shortest wait of one turn of the loop without records, in ms. */
const MIN_WAIT_MS = 10;

/**
 * Decides when the loop ends and how long one poll may wait.
 *
 * @example
 * ```ts
 * import { consumeLoop, type LoopControl } from "./loop.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { silentLogger } from "../logger.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openEmbeddedLog(`${dir}/log.db`);
 * await log.topics.createTopic("t");
 * await log.topics.append("t", [{ value: new TextEncoder().encode('{"a":1}') }]);
 * // Drains, as the sink's drain does: stops once no record came for 200 ms.
 * let since = Date.now();
 * const drain: LoopControl = {
 *   keepGoing(gotRecords) {
 *     if (gotRecords) since = Date.now();
 *     return Date.now() - since < 200;
 *   },
 *   waitCap: () => Math.max(0, 200 - (Date.now() - since)),
 * };
 * const store = openDirStore(`${dir}/lake`);
 * await consumeLoop({
 *   log: log.topics, group: "g", topics: ["t"], pollTimeoutMs: 1000, store,
 *   flushSize: 500, rotateIntervalMs: 60_000, verify: "all", logger: silentLogger,
 *   locked: (fn) => fn(), onWriter: () => {},
 * }, drain);
 * console.log((await store.list("topics/")).map((o) => o.key)); // [ "topics/t/partition=0/t+0+0000000000.json" ]
 * await log.close();
 * ```
 */
export interface LoopControl {
  /** Called before each poll with whether the last poll had records; false ends the loop. */
  keepGoing(gotRecords: boolean): boolean;
  /** Upper bound of the next poll's wait, in ms. */
  waitCap(): number;
}

/**
 * Options of {@linkcode consumeLoop}.
 *
 * @example
 * ```ts
 * import { consumeLoop, type ConsumeLoopOptions } from "./loop.ts";
 * import type { PartitionWriter } from "./writer.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { silentLogger } from "../logger.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openEmbeddedLog(`${dir}/log.db`);
 * await log.topics.createTopic("t");
 * await log.topics.append("t", [{ value: new TextEncoder().encode('{"a":1}') }]);
 * const writers: PartitionWriter[] = [];
 * let chain: Promise<unknown> = Promise.resolve();
 * const options: ConsumeLoopOptions = {
 *   log: log.topics, group: "s3-sink", topics: ["t"], pollTimeoutMs: 50,
 *   store: openDirStore(`${dir}/lake`), flushSize: 500, rotateIntervalMs: 60_000,
 *   verify: "all", logger: silentLogger,
 *   // One writer call at a time, those of the loop and those from outside (a flush on demand):
 *   locked: (fn) => {
 *     const p = chain.then(fn);
 *     chain = p.catch(() => {});
 *     return p;
 *   },
 *   onWriter: (w) => writers.push(w),
 * };
 * let polls = 0;
 * await consumeLoop(options, { keepGoing: () => polls++ < 2, waitCap: () => Infinity });
 * console.log(writers[0].partitions()); // [ { topic: "t", partition: 0, nextOffset: 1, buffered: 0 } ]
 * await log.close();
 * ```
 */
export interface ConsumeLoopOptions
  extends Omit<PartitionWriterOptions, "consumer"> {
  log: TopicLog;
  group: string;
  topics: readonly string[];
  /** The program the sink runs in, recorded in the lake's lock (see `SinkOptions`). */
  program?: string;
  /** Longest wait of one poll, in ms. */
  pollTimeoutMs: number;
  /** Runs writer calls one at a time with flushes requested from outside the loop. */
  locked<T>(fn: () => Promise<T>): Promise<T>;
  /** Receives the writer as soon as it exists (for progress and outside flushes). */
  onWriter(writer: PartitionWriter): void;
}

/**
 * Locks the lake (a lake in a local folder takes one sink at a time: `LakeBusyError`
 * otherwise, see `lake_lock.ts`), joins the group, recovers every partition of `topics`
 * from the lake, and consumes until `control.keepGoing` says stop; flushes every buffer
 * before it resolves.
 *
 * @example
 * ```ts
 * import { consumeLoop } from "./loop.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { silentLogger } from "../logger.ts";
 * const dir = await Deno.makeTempDir();
 * const log = await openEmbeddedLog(`${dir}/log.db`);
 * await log.topics.createTopic("t");
 * let polls = 0;
 * await consumeLoop({
 *   log: log.topics, group: "g", topics: ["t"], pollTimeoutMs: 50,
 *   store: openDirStore(`${dir}/lake`), flushSize: 10, rotateIntervalMs: 1000,
 *   verify: "all", logger: silentLogger,
 *   locked: (fn) => fn(), onWriter: () => {},
 * }, { keepGoing: () => polls++ < 3, waitCap: () => Infinity });
 * await log.close();
 * ```
 */
export async function consumeLoop(
  options: ConsumeLoopOptions,
  control: LoopControl,
): Promise<void> {
  // One sink per lake, whatever its group: taken before the group is joined, so that a
  // second sink of the group too is refused naming the first (`LakeBusyError`).
  const lake = await lockLake(options.store, {
    group: options.group,
    topics: options.topics,
    program: options.program,
  });
  try {
    await consumeLocked(options, control);
  } finally {
    lake.release();
  }
}

/** {@linkcode consumeLoop} once the lake is locked. */
async function consumeLocked(
  options: ConsumeLoopOptions,
  control: LoopControl,
): Promise<void> {
  const { log, locked, pollTimeoutMs } = options;
  const consumer = await log.consumer(options.group, [...options.topics]);
  const w = new PartitionWriter({ ...options, consumer });
  options.onWriter(w);
  let ok = false;
  try {
    // Every partition is checked before the sink stops on a lake ahead of the log, so that
    // the error names every folder to move (a removed log file puts all topics ahead).
    const ahead: LakeAheadOfLogError[] = [];
    for (const topic of options.topics) {
      const { partitions } = await log.describeTopic(topic);
      // Partitions of other members (a Kafka group of several sinks) are theirs to recover.
      const membership = consumer.membership();
      for (let p = 0; p < partitions; p++) {
        if (!membership.owns(topic, p)) continue;
        await w.recover(topic, p).catch((e: unknown) => {
          if (!(e instanceof LakeAheadOfLogError)) throw e;
          ahead.push(e);
        });
      }
    }
    if (ahead.length > 0) throw aheadOfLog(ahead);
    let got = true;
    while (control.keepGoing(got)) {
      await locked(() => w.flushDue(Date.now()));
      // At least MIN_WAIT_MS: a buffer due while the group rebalances cannot be flushed
      // and stays due, and Kafka's consumer answers a 0 ms poll at once, so the loop would
      // run on microtasks alone and starve the event loop, rebalance included.
      const timeoutMs = Math.max(
        MIN_WAIT_MS,
        Math.min(pollTimeoutMs, control.waitCap(), w.msUntilDue(Date.now())),
      );
      const polledAt = Date.now();
      const records = await consumer.poll({
        maxRecords: Math.max(options.flushSize, 500),
        timeoutMs,
      });
      got = records.length > 0;
      // An empty poll that came back early (e.g. a closed log) must not spin the loop.
      const early = timeoutMs - (Date.now() - polledAt);
      if (!got && early > 0) await new Promise((r) => setTimeout(r, early));
      await locked(() => w.accept(records, Date.now()));
    }
    await locked(() => w.flushAll());
    ok = true;
  } finally {
    await consumer.close().catch((e) => {
      if (ok) throw e;
    });
  }
}

/** One error for every partition found ahead of the log: the first, naming the other topics. */
function aheadOfLog(errors: LakeAheadOfLogError[]): LakeAheadOfLogError {
  const [first] = errors;
  const { topic, partition, lakeNext, logEnd } = first.context as {
    topic: string;
    partition: number;
    lakeNext: number;
    logEnd: number;
  };
  const others = new Set(errors.map((e) => e.context.topic as string));
  others.delete(topic);
  if (others.size === 0) return first;
  return new LakeAheadOfLogError(topic, partition, {
    lakeNext,
    logEnd,
    alsoAhead: [...others],
  });
}
