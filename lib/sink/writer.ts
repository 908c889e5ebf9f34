/**
 * The per-partition buffers of the sink: de-duplication of re-delivered records, and
 * flushing (put the object, then commit the offset). Where a partition resumes is in
 * `resume.ts`, the fence against group rebalances in `group_fence.ts`.
 *
 * @module
 */
import type { TopicRecord } from "../log/types.ts";
import { encodeLine, joinLines, objectKey } from "./layout.ts";
import { LakeWriteError, OffsetGapError } from "./errors.ts";
import { retryableLake, withLakeRetry, WriteAbandoned } from "./lake_retry.ts";
import { checkSought, findResumePoint, type ResumeOptions } from "./resume.ts";
import { GroupFence } from "./group_fence.ts";

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
export interface PartitionWriterOptions extends ResumeOptions {
  flushSize: number;
  /**
   * A buffer is written once its lines hold this many bytes, even short of `flushSize`
   * (default {@linkcode DEFAULT_MAX_OBJECT_BYTES}).
   */
  maxObjectBytes?: number;
  rotateIntervalMs: number;
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
 * Least time, in ms, between two checks that the log still holds the offset a partition
 * was sought to, while records beyond it come instead (the first such record is checked at
 * once): one offsets request per partition at most this often, not one per record.
 *
 * @example
 * ```ts
 * import { SOUGHT_CHECK_INTERVAL_MS } from "./writer.ts";
 * console.log(SOUGHT_CHECK_INTERVAL_MS); // 5000
 * ```
 */
export const SOUGHT_CHECK_INTERVAL_MS = 5_000;

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
  /** When the log was last checked to hold `expected` since the seek (`null`: not yet). */
  checkedAt: number | null;
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
  #fence: GroupFence;

  constructor(options: PartitionWriterOptions) {
    this.#o = options;
    this.#fence = new GroupFence(options.consumer, options.logger);
  }

  /**
   * Reads the lake for a partition and seeks the consumer there; true when it sought. False
   * also when a group rebalance refused its commit: then it keeps no state of the partition.
   */
  async recover(topic: string, partition: number): Promise<boolean> {
    const { target, committed, lakeNext, rewound, context } =
      await findResumePoint({ topic, partition }, this.#o);
    if (rewound) this.counters.rewinds++;
    if (target !== null) {
      await this.#o.consumer.seek({ topic, partition, offset: target });
      if (
        committed !== target &&
        !await this.#fence.commit({ topic, partition, offset: target })
      ) return false;
    }
    this.#states.set(`${topic}\0${partition}`, {
      topic,
      partition,
      written: lakeNext,
      expected: target,
      start: 0,
      lines: [],
      bytes: 0,
      firstAt: 0,
      sought: target !== null,
      checkedAt: null,
    });
    this.#o.logger.info("sink partition recovered from the lake", context);
    return target !== null;
  }

  /**
   * Takes polled records: drops re-deliveries below the expected offset, and records
   * beyond it that were fetched before a seek took effect; buffers the rest; flushes full
   * buffers. Throws `OffsetGapError` when a partition skips offsets otherwise, or when
   * records beyond the offset sought come while the log no longer holds it (checked at the
   * first and then every {@linkcode SOUGHT_CHECK_INTERVAL_MS}).
   */
  async accept(records: TopicRecord[], now: number): Promise<void> {
    // During a rebalance nothing is taken: the records are not committed, so their
    // partitions' owners fetch them again once it is over.
    if (!this.#settled()) {
      this.counters.staleDropped += records.length;
      return;
    }
    const generation = this.#fence.generation;
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
        if (!this.#fence.unchanged(generation)) return;
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
        if (
          s.checkedAt === null || now - s.checkedAt >= SOUGHT_CHECK_INTERVAL_MS
        ) {
          s.checkedAt = now;
          const { topic, partition } = s;
          await checkSought({ topic, partition, offset: s.expected }, this.#o);
          if (!this.#fence.unchanged(generation)) return;
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
        if (!this.#fence.unchanged(generation)) return;
      }
    }
  }

  /**
   * Flushes every buffer whose first record waited `rotateIntervalMs` or longer (none while
   * the group rebalances).
   */
  async flushDue(now: number): Promise<void> {
    if (!this.#settled()) return;
    const generation = this.#fence.generation;
    for (const s of [...this.#states.values()]) {
      if (!this.#fence.unchanged(generation)) return;
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
    const generation = this.#fence.generation;
    for (const s of [...this.#states.values()]) {
      if (!this.#fence.unchanged(generation)) return;
      await this.#flush(s);
    }
  }

  /**
   * Whether this member may write now: false while its group rebalances. After a
   * rebalance every partition's state is dropped (see {@linkcode GroupFence.settled}).
   */
  #settled(): boolean {
    return this.#fence.settled(() => {
      let dropped = 0;
      for (const s of this.#states.values()) dropped += s.lines.length;
      this.#states.clear();
      return dropped;
    });
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
      !await this.#fence.commit({
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
    const generation = this.#fence.generation;
    const { logger, lakeRetry, signal } = this.#o;
    const result = await withLakeRetry(
      () => {
        if (!this.#fence.unchanged(generation)) throw new WriteAbandoned();
        return this.#o.store.put(key, body);
      },
      {
        logger,
        warning: "sink: lake write failed; trying again",
        context: { key },
        retry: lakeRetry,
        signal,
      },
    );
    if (result.ok) return true;
    if (result.error instanceof WriteAbandoned) return false;
    if (!retryableLake(result.error)) throw result.error;
    throw new LakeWriteError(key, result.retries + 1, { cause: result.error });
  }
}
