/**
 * The per-partition buffers of the sink: recovery from the lake, de-duplication of
 * re-delivered records, and flushing (put the object, then commit the offset).
 *
 * @module
 */
import type {
  TopicConsumer,
  TopicPosition,
  TopicRecord,
} from "../log/types.ts";
import type { ObjectStore } from "../lake/types.ts";
import type { LogContext, Logger } from "../logger.ts";
import { encodeLine, joinLines, objectKey } from "./layout.ts";
import { checkAgainstLog, recoverPartition } from "./recover.ts";
import { LakeWriteError, OffsetGapError } from "./errors.ts";
import type { RetryOptions, RetryResult } from "../retry.ts";
import { retryableLake, withLakeRetry, WriteAbandoned } from "./lake_retry.ts";

/**
 * Options of {@linkcode PartitionWriter}.
 *
 * @example
 * ```ts
 * import type { PartitionWriterOptions } from "./writer.ts";
 * const tuning: Partial<PartitionWriterOptions> = { flushSize: 500, maxObjectBytes: 8 * 1024 * 1024, verify: "all" };
 * console.log(tuning.maxObjectBytes); // 8388608
 * ```
 */
export interface PartitionWriterOptions {
  store: ObjectStore;
  consumer: TopicConsumer;
  flushSize: number;
  /**
   * A buffer is written once its lines hold this many bytes, even short of `flushSize`
   * (default {@linkcode DEFAULT_MAX_OBJECT_BYTES}).
   */
  maxObjectBytes?: number;
  rotateIntervalMs: number;
  verify: "all" | "last";
  logger: Logger;
  /**
   * Retries of a lake write (the put is idempotent: same key, same bytes) or of the lake
   * reads of a recovery that failed; default `SINK_LAKE_RETRY`.
   */
  lakeRetry?: RetryOptions;
  /** Aborting it ends the waits between lake retries (the sink is stopping). */
  signal?: AbortSignal;
}

/**
 * The default most bytes of an object, 64 MiB: 500 records of 1 MB would otherwise be held
 * (and copied into one body) per partition.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_OBJECT_BYTES } from "./writer.ts";
 * console.log(DEFAULT_MAX_OBJECT_BYTES); // 67108864
 * ```
 */
export const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;

/**
 * Progress of one partition.
 *
 * @example
 * ```ts
 * import type { PartitionStats } from "./writer.ts";
 * const stats: PartitionStats = { topic: "demo.pin", partition: 0, nextOffset: 500, buffered: 12 };
 * console.log(`${stats.topic}/${stats.partition}: ${stats.nextOffset} in the lake, ${stats.buffered} waiting`);
 * // demo.pin/0: 500 in the lake, 12 waiting
 * ```
 */
export interface PartitionStats {
  topic: string;
  partition: number;
  /** Offset after the last record in the lake (`null`: nothing written yet). */
  nextOffset: number | null;
  /** Records waiting in the buffer. */
  buffered: number;
}

interface State {
  topic: string;
  partition: number;
  written: number | null;
  expected: number | null;
  start: number;
  lines: Uint8Array[];
  /** Bytes of `lines` with their newlines. */
  bytes: number;
  firstAt: number;
  /** Sought to `expected` and not yet handed it: later offsets are stale fetches. */
  sought: boolean;
}

/**
 * Buffers records per partition and writes them as objects of at most `flushSize` records
 * (fewer once they reach `maxObjectBytes`).
 *
 * @example
 * ```ts
 * import { PartitionWriter } from "./writer.ts";
 * import type { TopicConsumer } from "../log/types.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * import { silentLogger } from "../logger.ts";
 * async function recoverPin(consumer: TopicConsumer): Promise<boolean> {
 *   const store = openDirStore(await Deno.makeTempDir());
 *   const w = new PartitionWriter({
 *     store, consumer, flushSize: 3, rotateIntervalMs: 1000, verify: "all", logger: silentLogger,
 *   });
 *   return await w.recover("demo.pin", 0);
 * }
 * ```
 */
export class PartitionWriter {
  /** Totals since the writer was made. */
  readonly counters = {
    recordsWritten: 0,
    objectsWritten: 0,
    duplicatesDropped: 0,
    staleDropped: 0,
    rewinds: 0,
  };
  #states = new Map<string, State>();
  #o: PartitionWriterOptions;
  #generation: number;

  constructor(options: PartitionWriterOptions) {
    this.#o = options;
    this.#generation = options.consumer.membership().generation;
  }

  /**
   * Reads the lake for a partition and seeks the consumer there; true when it sought. False
   * also when a group rebalance refused its commit: then it keeps no state of the partition.
   */
  async recover(topic: string, partition: number): Promise<boolean> {
    const { store, consumer, logger, verify } = this.#o;
    const read = await this.#withLakeRetry(
      () => recoverPartition(store, { topic, partition }, { verify }),
      {
        warning: "sink: reading the lake failed; trying again",
        context: { topic, partition },
      },
    );
    if (!read.ok) throw read.error;
    const lake = read.value;
    const committed = await consumer.committed(topic, partition);
    const log = await consumer.offsets(topic, partition);
    checkAgainstLog(lake, log);
    const lakeNext = lake.nextOffset;
    const ctx = {
      topic,
      partition,
      committed,
      lakeNext,
      objects: lake.objects,
    };
    let target: number | null = lakeNext;
    if (committed !== null && committed > (lakeNext ?? log.start)) {
      logger.error(
        "the group's committed offset is ahead of the lake (objects were removed or the " +
          "lake was replaced); rewinding to the lake so no record is skipped",
        ctx,
      );
      this.counters.rewinds++;
      target ??= log.start;
    }
    if (target !== null) {
      await consumer.seek({ topic, partition, offset: target });
      if (
        committed !== target &&
        !await this.#commit({ topic, partition, offset: target })
      ) return false;
    }
    this.#states.set(`${topic}\0${partition}`, {
      topic,
      partition,
      written: lake.nextOffset,
      expected: target,
      start: 0,
      lines: [],
      bytes: 0,
      firstAt: 0,
      sought: target !== null,
    });
    logger.info("sink partition recovered from the lake", ctx);
    return target !== null;
  }

  /**
   * Takes polled records: drops re-deliveries below the expected offset, and records
   * beyond it that were fetched before a seek took effect; buffers the rest; flushes full
   * buffers. Throws `OffsetGapError` when a partition skips offsets otherwise.
   */
  async accept(records: TopicRecord[], now: number): Promise<void> {
    // During a rebalance nothing is taken: the records are not committed, so their
    // partitions' owners fetch them again once it is over.
    if (!this.#settled()) {
      this.counters.staleDropped += records.length;
      return;
    }
    const generation = this.#generation;
    const membership = this.#o.consumer.membership();
    for (const r of records) {
      if (!membership.owns(r.topic, r.partition)) {
        this.counters.staleDropped++;
        continue;
      }
      let s = this.#states.get(`${r.topic}\0${r.partition}`);
      if (!s) {
        await this.recover(r.topic, r.partition);
        // A rebalance meanwhile: the rest of the batch may be another member's.
        if (!this.#unchanged(generation)) return;
        s = this.#states.get(`${r.topic}\0${r.partition}`)!;
      }
      if (s.expected !== null && r.offset < s.expected) {
        this.counters.duplicatesDropped++;
        continue;
      }
      if (s.expected !== null && r.offset > s.expected) {
        if (!s.sought) {
          throw new OffsetGapError(r.topic, r.partition, {
            expected: s.expected,
            actual: r.offset,
          });
        }
        if (this.counters.staleDropped++ % 1000 === 0) {
          this.#o.logger.warn(
            "sink waits for the offset it sought; dropping a later one",
            {
              topic: r.topic,
              partition: r.partition,
              expected: s.expected,
              offset: r.offset,
            },
          );
        }
        continue;
      }
      s.sought = false;
      if (s.lines.length === 0) {
        s.start = r.offset;
        s.firstAt = now;
      }
      const line = encodeLine(r.value);
      s.lines.push(line);
      s.bytes += line.length + 1;
      s.expected = r.offset + 1;
      if (
        s.lines.length >= this.#o.flushSize ||
        s.bytes >= (this.#o.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES)
      ) {
        await this.#flush(s);
        if (!this.#unchanged(generation)) return;
      }
    }
  }

  /**
   * Flushes every buffer whose first record waited `rotateIntervalMs` or longer (none while
   * the group rebalances).
   */
  async flushDue(now: number): Promise<void> {
    if (!this.#settled()) return;
    const generation = this.#generation;
    for (const s of [...this.#states.values()]) {
      if (!this.#unchanged(generation)) return;
      if (s.lines.length > 0 && now - s.firstAt >= this.#o.rotateIntervalMs) {
        await this.#flush(s);
      }
    }
  }

  /**
   * Flushes every non-empty buffer; none while the group rebalances (they are not
   * committed, so the partitions' owners read them again).
   */
  async flushAll(): Promise<void> {
    if (!this.#settled()) return;
    const generation = this.#generation;
    for (const s of [...this.#states.values()]) {
      if (!this.#unchanged(generation)) return;
      await this.#flush(s);
    }
  }

  /**
   * Whether this member may go on writing what it took in `generation`: no rebalance began
   * or ended since, and no commit was refused. (Checked after every await: the group's
   * events arrive only then.)
   */
  #unchanged(generation: number): boolean {
    const m = this.#o.consumer.membership();
    return this.#generation === generation && m.generation === generation &&
      !m.rebalancing;
  }

  /**
   * Commits one position; false (instead of the error) when the coordinator refused it
   * because the group is rebalancing. Then every partition's state is dropped: whatever
   * this member is assigned next is recovered from the lake again.
   */
  async #commit(position: TopicPosition): Promise<boolean> {
    try {
      await this.#o.consumer.commit([position]);
      return true;
    } catch (e) {
      if (!this.#o.consumer.membership().rebalancing) throw e;
      this.#o.logger.warn(
        "sink: offset commit refused during a group rebalance",
        { ...position, error: e instanceof Error ? e.message : String(e) },
      );
      this.#generation = -1;
      return false;
    }
  }

  /**
   * Whether this member may write now: false while its group rebalances. After a
   * rebalance every partition's state is dropped, buffers included (nothing of them was
   * committed): a partition is recovered from the lake again when its next record comes,
   * since another member may have written it meanwhile.
   */
  #settled(): boolean {
    const m = this.#o.consumer.membership();
    if (m.generation !== this.#generation) {
      let dropped = 0;
      for (const s of this.#states.values()) dropped += s.lines.length;
      this.#states.clear();
      this.#generation = m.generation;
      this.#o.logger.info(
        "sink: the group rebalanced; partitions are recovered from the lake again",
        { generation: m.generation, bufferedRecordsDropped: dropped },
      );
    }
    return !m.rebalancing;
  }

  /** Milliseconds until the next buffer is due for rotation (`Infinity` when none). */
  msUntilDue(now: number): number {
    let ms = Infinity;
    for (const s of this.#states.values()) {
      if (s.lines.length > 0) {
        ms = Math.min(ms, s.firstAt + this.#o.rotateIntervalMs - now);
      }
    }
    return Math.max(0, ms);
  }

  /** Progress per partition, sorted by topic then partition. */
  partitions(): PartitionStats[] {
    return [...this.#states.values()]
      .map((s) => ({
        topic: s.topic,
        partition: s.partition,
        nextOffset: s.written,
        buffered: s.lines.length,
      }))
      .sort((a, b) =>
        a.topic < b.topic
          ? -1
          : a.topic > b.topic
          ? 1
          : a.partition - b.partition
      );
  }

  async #flush(s: State): Promise<void> {
    if (s.lines.length === 0) return;
    const n = s.lines.length;
    const key = objectKey({
      topic: s.topic,
      partition: s.partition,
      startOffset: s.start,
    });
    if (!await this.#put(key, joinLines(s.lines))) return;
    s.written = s.start + n;
    s.lines = [];
    s.bytes = 0;
    this.counters.objectsWritten++;
    this.counters.recordsWritten += n;
    // Refused during a rebalance: the object is in the lake, where the partition's next
    // owner recovers from.
    if (
      !await this.#commit({
        topic: s.topic,
        partition: s.partition,
        offset: s.written,
      })
    ) {
      return;
    }
    this.#o.logger.info("sink wrote object", {
      key,
      records: n,
      next: s.written,
    });
  }

  /**
   * Puts an object, trying again with backoff while the lake fails (Kafka Connect retries
   * a failed S3 upload too, rather than lose its task). False when given up because the
   * group rebalanced meanwhile: the partition's owner reads its records again.
   */
  async #put(key: string, body: Uint8Array): Promise<boolean> {
    const generation = this.#generation;
    const result = await this.#withLakeRetry(
      () => {
        if (!this.#unchanged(generation)) throw new WriteAbandoned();
        return this.#o.store.put(key, body);
      },
      { warning: "sink: lake write failed; trying again", context: { key } },
    );
    if (result.ok) return true;
    if (result.error instanceof WriteAbandoned) return false;
    if (!retryableLake(result.error)) throw result.error;
    throw new LakeWriteError(key, result.retries + 1, { cause: result.error });
  }

  /** Runs a lake call with the sink's lake retries, each retry logged as `log.warning`. */
  #withLakeRetry<T>(
    call: () => Promise<T>,
    log: { warning: string; context: LogContext },
  ): Promise<RetryResult<T>> {
    const { logger, lakeRetry, signal } = this.#o;
    return withLakeRetry(call, {
      logger,
      warning: log.warning,
      context: log.context,
      retry: lakeRetry,
      signal,
    });
  }
}
