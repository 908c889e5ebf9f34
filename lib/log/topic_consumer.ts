/**
 * A consumer-group member of the embedded log.
 *
 * The embedded log has no rebalancing: a group has one member at a time, which reads
 * every partition of its topics (a second member is refused with `GroupBusyError` until
 * the first closes; see `group_lock.ts`). Positions start at the group's committed
 * offsets, or at offset 0 when the group has none, and advance as records are polled.
 *
 * @module
 */

import type { StatementSync } from "node:sqlite";
import type {
  Membership,
  PartitionOffsets,
  PollOptions,
  TopicConsumer,
  TopicPosition,
  TopicRecord,
} from "./types.ts";
import {
  InvalidArgumentError,
  InvalidPartitionError,
  TopicNotReadError,
} from "./errors.ts";
import type { LogCore } from "./log_core.ts";
import { pollLimits, recordBytes } from "./poll_limits.ts";
import { logReadError, POSITION_BITS } from "./sqlite_db.ts";

/**
 * A topic the consumer reads, as resolved when it joined.
 *
 * @example
 * ```ts
 * import type { AssignedTopic } from "./topic_consumer.ts";
 * const t: AssignedTopic = { name: "pinterest.pin", id: 1, partitions: 2, slots: [1, 2] };
 * console.log(t.slots[1]); // storage slot of partition 1
 * ```
 */
export interface AssignedTopic {
  name: string;
  id: number;
  partitions: number;
  /** The storage slot of each partition, by partition number. */
  slots: number[];
}

/**
 * Options of {@linkcode EmbeddedTopicConsumer}.
 *
 * @example
 * ```ts
 * import { createLogCore } from "./log_core.ts";
 * import { EmbeddedTopicLog } from "./topic_log.ts";
 * import { TopicWriter } from "./topic_writes.ts";
 * import { lockGroup } from "./group_lock.ts";
 * import { EmbeddedTopicConsumer, type EmbeddedTopicConsumerOptions } from "./topic_consumer.ts";
 * const core = createLogCore(await Deno.makeTempFile({ suffix: ".db" }));
 * await new EmbeddedTopicLog(core).createTopic("t", { partitions: 2 });
 * const options: EmbeddedTopicConsumerOptions = {
 *   group: "g",
 *   topics: [{ name: "t", ...new TopicWriter(core.db).topic("t") }],
 *   lock: await lockGroup(core.filePath, "g"), // as log.topics.consumer("g", ["t"]) takes it
 *   onClose: () => console.log("closed"),
 * };
 * console.log(options.topics[0]); // { name: "t", id: 1, partitions: 2, slots: [ 1, 2 ] }
 * const consumer = new EmbeddedTopicConsumer(core, options);
 * await consumer.close(); // closed
 * await core.close();
 * ```
 */
export interface EmbeddedTopicConsumerOptions {
  /** The consumer group. */
  group: string;
  /** The topics it reads. */
  topics: AssignedTopic[];
  /** The group's membership lock, released by `close()`. */
  lock?: Deno.FsFile;
  /** Called once, by the first `close()`. */
  onClose?: () => void;
}

interface Slot {
  topic: AssignedTopic;
  partition: number;
  position: number;
}

/** A row of `#read`: pos, key, value, ts (arrays read about 30% quicker than objects). */
type RecordRow = [number, string | null, Uint8Array, number];

/**
 * `TopicConsumer` on the embedded log. Get one from `log.topics.consumer(group, topics)`.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("t");
 * await log.topics.append("t", [{ value: new Uint8Array([1]) }]);
 * const c = await log.topics.consumer("g", ["t"]);
 * const recs = await c.poll({ maxRecords: 10, timeoutMs: 100 });
 * await c.commit([{ topic: "t", partition: 0, offset: recs[0].offset + 1 }]);
 * console.log(await c.committed("t", 0)); // 1
 * await c.close();
 * await log.close();
 * ```
 */
export class EmbeddedTopicConsumer implements TopicConsumer {
  #core: LogCore;
  #group: string;
  #slots: Slot[] = [];
  #next = 0;
  #closed = false;
  /** The next wait for commits of other processes: grows while nothing arrives. */
  #idleWaitMs: number;
  #lock: Deno.FsFile | undefined;
  #onClose: (() => void) | undefined;
  #read: StatementSync;
  #size: StatementSync;
  #committed: StatementSync;
  #range: StatementSync;
  #upsert: StatementSync;

  constructor(core: LogCore, options: EmbeddedTopicConsumerOptions) {
    const { group, topics } = options;
    this.#core = core;
    this.#idleWaitMs = core.pollIntervalMs;
    this.#group = group;
    this.#lock = options.lock;
    this.#onClose = options.onClose;
    const db = core.db;
    this.#read = db.prepare(
      "SELECT pos, key, value, ts FROM topic_records WHERE pos >= ? AND pos < ? ORDER BY pos LIMIT ?",
    );
    this.#read.setReturnArrays(true);
    this.#size = db.prepare(
      "SELECT SUM(n) AS size FROM (SELECT length(value) + ifnull(length(key), 0) AS n FROM topic_records WHERE pos >= ? AND pos < ? ORDER BY pos LIMIT ?)",
    );
    this.#range = db.prepare(
      "SELECT MAX(pos) AS hi FROM topic_records WHERE pos >= ? AND pos < ?",
    );
    this.#committed = db.prepare(
      "SELECT offset FROM group_offsets WHERE group_name = ? AND topic = ? AND partition = ?",
    );
    this.#upsert = db.prepare(
      "INSERT INTO group_offsets (group_name, topic, partition, offset) VALUES (?, ?, ?, ?) ON CONFLICT (group_name, topic, partition) DO UPDATE SET offset = excluded.offset",
    );
    const seen = new Set<string>();
    for (const topic of topics) {
      if (seen.has(topic.name)) continue;
      seen.add(topic.name);
      for (let p = 0; p < topic.partitions; p++) {
        const position = this.#committedNow(topic.name, p) ?? 0;
        this.#slots.push({ topic, partition: p, position });
      }
    }
  }

  async poll(options: PollOptions = {}): Promise<TopicRecord[]> {
    const { maxRecords, maxBytes, timeoutMs } = pollLimits(options);
    const deadline = Date.now() + Math.max(0, timeoutMs);
    // An idle consumer neither queries every partition at every poll interval (it reads
    // again only once a commit reached the file) nor wakes that often: the wait doubles,
    // up to 8 poll intervals, while nothing arrives. An idle `deno task sink` took 2% of a
    // core at a 25 ms interval; commits of this process still wake it at once.
    let emptyAt: string | undefined;
    while (true) {
      if (this.#closed || this.#core.closed) return [];
      const stamp = this.#core.changeStamp();
      if (stamp !== emptyAt) {
        const records = this.#readAvailableOrThrow(maxRecords, maxBytes);
        if (records.length > 0) {
          this.#idleWaitMs = this.#core.pollIntervalMs;
          return records;
        }
        emptyAt = stamp;
      }
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await this.#core.waitForChange(Math.min(left, this.#idleWaitMs));
      this.#idleWaitMs = Math.min(
        this.#idleWaitMs * 2,
        this.#core.pollIntervalMs * 8,
      );
    }
  }

  async seek(position: TopicPosition): Promise<void> {
    const slot = this.#slot(position.topic, position.partition);
    checkOffset(position.offset);
    slot.position = position.offset;
    await Promise.resolve();
  }

  async commit(positions: TopicPosition[]): Promise<void> {
    this.#core.assertOpen();
    for (const p of positions) {
      this.#slot(p.topic, p.partition);
      checkOffset(p.offset);
    }
    await this.#core.committer.submit(() => {
      for (const p of positions) {
        this.#upsert.run(this.#group, p.topic, p.partition, p.offset);
      }
    });
  }

  async committed(topic: string, partition: number): Promise<number | null> {
    this.#core.assertOpen();
    this.#slot(topic, partition);
    return await Promise.resolve(this.#committedNow(topic, partition));
  }

  async offsets(topic: string, partition: number): Promise<PartitionOffsets> {
    this.#core.assertOpen();
    const slot = this.#slot(topic, partition);
    const base = slot.topic.slots[slot.partition] * POSITION_BITS;
    let row: { hi: number | null };
    try {
      row = this.#range.get(base, base + POSITION_BITS) as typeof row;
    } catch (cause) {
      const { path } = this.#core;
      throw logReadError(path, cause);
    }
    // Records are never deleted here: a partition starts at 0.
    return await Promise.resolve({
      start: 0,
      end: row.hi === null ? 0 : row.hi - base + 1,
    });
  }

  /** A group here has one member, which owns every partition of its topics, for good. */
  membership(): Membership {
    return {
      generation: 0,
      rebalancing: false,
      owns: (topic, partition) =>
        this.#slots.some((s) =>
          s.topic.name === topic && s.partition === partition
        ),
    };
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#lock?.close();
      this.#onClose?.();
    }
    this.#closed = true;
    await Promise.resolve();
  }

  /** {@linkcode EmbeddedTopicConsumer.#readAvailable}, its SQLite errors as `BackendError`. */
  #readAvailableOrThrow(maxRecords: number, maxBytes: number): TopicRecord[] {
    try {
      return this.#readAvailable(maxRecords, maxBytes);
    } catch (cause) {
      const { path } = this.#core;
      throw logReadError(path, cause);
    }
  }

  /**
   * Up to `maxRecords` records, from one partition after another (starting one further at
   * each call), stopping before the one that would take them past `maxBytes`.
   */
  #readAvailable(maxRecords: number, maxBytes: number): TopicRecord[] {
    const out: TopicRecord[] = [];
    let bytes = 0;
    const n = this.#slots.length;
    reading: for (let i = 0; i < n && out.length < maxRecords; i++) {
      const slot = this.#slots[(this.#next + i) % n];
      const base = slot.topic.slots[slot.partition] * POSITION_BITS;
      const range = [
        base + slot.position,
        base + POSITION_BITS,
        maxRecords - out.length,
      ] as const;
      // The sum of the sizes first (length() reads no value, so it is cheap): when the rows
      // fit, they are read at once (records of ~1 KB); else row by row, up to the first that
      // does not fit, so the records past `maxBytes` are never all in memory.
      const { size: total } = this.#size.get(...range) as {
        size: number | null;
      };
      if (total === null) continue;
      const rows = bytes + total <= maxBytes
        ? this.#read.all(...range)
        : this.#read.iterate(...range);
      for (const [pos, key, value, ts] of rows as Iterable<RecordRow>) {
        const record = {
          topic: slot.topic.name,
          partition: slot.partition,
          offset: pos - base,
          key,
          value,
          timestamp: ts,
        };
        const size = recordBytes(record);
        if (out.length > 0 && bytes + size > maxBytes) break reading;
        bytes += size;
        out.push(record);
        slot.position = record.offset + 1;
      }
    }
    this.#next = n === 0 ? 0 : (this.#next + 1) % n;
    return out;
  }

  #committedNow(topic: string, partition: number): number | null {
    const row = this.#committed.get(this.#group, topic, partition) as
      | { offset: number }
      | undefined;
    return row ? row.offset : null;
  }

  #slot(topic: string, partition: number): Slot {
    const slots = this.#slots.filter((s) => s.topic.name === topic);
    if (slots.length === 0) {
      throw new TopicNotReadError(topic, {
        group: this.#group,
        topics: [...new Set(this.#slots.map((s) => s.topic.name))],
      });
    }
    const slot = slots.find((s) => s.partition === partition);
    if (!slot) {
      throw new InvalidPartitionError(topic, partition, {
        partitions: slots.length,
        advice: "name one of those",
      });
    }
    return slot;
  }
}

/**
 * Throws `InvalidArgumentError` unless `offset` is one a partition can hold (below 2^37): a
 * larger one committed could not be read back as a number, or would skip every record.
 */
function checkOffset(offset: number): void {
  if (!Number.isInteger(offset) || offset < 0 || offset >= POSITION_BITS) {
    throw new InvalidArgumentError(
      "offset",
      `must be an integer from 0 to ${POSITION_BITS - 1}`,
      { value: offset },
    );
  }
}
