/**
 * `TopicConsumer` over a kafkajs consumer-group member. kafkajs pushes batches
 * (`eachBatch`); this turns them into `poll()`: batches go into a bounded queue, the
 * partitions are paused while the queue is full and resumed once polls drain it.
 * Offsets are never auto-committed: `commit()` sends exactly the positions it is given.
 *
 * @module
 */
import {
  InvalidArgumentError,
  InvalidPartitionError,
  TopicNotReadError,
} from "../../log/errors.ts";
import { pollLimits, recordBytes } from "../../log/poll_limits.ts";
import { BackendError } from "../../errors.ts";
import { sleep } from "../../sleep.ts";
import type {
  Membership,
  PartitionOffsets,
  PollOptions,
  TopicConsumer,
  TopicPosition,
  TopicRecord,
} from "../../log/types.ts";
import {
  type KafkaErrorContext,
  kafkaErrorTypes,
  mapKafkaErrors,
  toKafkaError,
} from "./errors.ts";
import type { Admin, Consumer } from "./kafkajs.ts";

/** Commit errors that mean this member's assignment is (being) replaced. */
const LOST_GENERATION = new Set([
  "REBALANCE_IN_PROGRESS",
  "ILLEGAL_GENERATION",
  "UNKNOWN_MEMBER_ID",
]);

/**
 * What a {@linkcode KafkaTopicConsumer} works with, and its tuning.
 *
 * @example
 * ```ts
 * import { createKafkaClient } from "./kafkajs.ts";
 * import { type KafkaConsumerOptions, KafkaTopicConsumer } from "./consumer.ts";
 * const brokers = ["127.0.0.1:9092"];
 * const kafka = createKafkaClient({ brokers });
 * const options: KafkaConsumerOptions = {
 *   admin: kafka.admin(),
 *   group: "demo-sink",
 *   partitions: new Map([["demo.pin", 3]]),
 *   maxQueuedRecords: 5000,
 *   maxQueuedBytes: 16 * 1024 * 1024,
 *   brokers,
 *   closeTimeoutMs: 10_000,
 * };
 * // As joinGroup makes it: over the group's kafkajs consumer, told each assignment.
 * const consumer = new KafkaTopicConsumer(kafka.consumer({ groupId: options.group }), options);
 * consumer.assigned({ "demo.pin": [0, 2] });
 * const m = consumer.membership();
 * console.log(m.generation, m.owns("demo.pin", 1), m.owns("demo.pin", 2)); // 1 false true
 * const refused = await consumer.commit([{ topic: "demo.user", partition: 0, offset: 1 }]).catch((e) => e.code);
 * console.log(refused); // TOPIC_NOT_READ (demo.user is not in options.partitions)
 * await consumer.close();
 * ```
 */
export interface KafkaConsumerOptions {
  /** The admin client (committed offsets, commits, seeks). */
  admin: Admin;
  /** The consumer group. */
  group: string;
  /** The topics read, with their partition counts. */
  partitions: Map<string, number>;
  /** Records buffered before the partitions are paused (default 10000). */
  maxQueuedRecords?: number;
  /**
   * Bytes buffered (values plus keys' characters) before the partitions are paused
   * (default 64 MiB).
   */
  maxQueuedBytes?: number;
  /** Bootstrap brokers, for error messages. */
  brokers: string[];
  /**
   * Longest `close()` waits for kafkajs to leave the group, ms (default 10000, the
   * group's default session timeout, after which the broker drops the member anyway).
   */
  closeTimeoutMs?: number;
}

/**
 * A consumer-group member implementing `TopicConsumer`; made by `KafkaTopicLog.consumer`.
 *
 * @example
 * ```ts
 * import { openKafkaLog } from "./mod.ts";
 * const log = await openKafkaLog({ brokers: ["127.0.0.1:9092"] });
 * const consumer = await log.consumer("demo-sink", ["demo.pin"]);
 * const records = await consumer.poll({ maxRecords: 100, timeoutMs: 500 });
 * if (records.length > 0) {
 *   const last = records[records.length - 1];
 *   await consumer.commit([{ topic: last.topic, partition: last.partition, offset: last.offset + 1 }]);
 * }
 * await consumer.close();
 * await log.close();
 * ```
 */
export class KafkaTopicConsumer implements TopicConsumer {
  #consumer: Consumer;
  #admin: Admin;
  #group: string;
  #partitions: Map<string, number>;
  #queue: TopicRecord[] = [];
  /** The sizes of the queued records, summed ({@linkcode recordBytes}). */
  #queuedBytes = 0;
  #wake: (() => void) | null = null;
  #paused = false;
  #closed = false;
  #failure: unknown = null;
  #max: number;
  #maxBytes: number;
  #brokers: string[];
  #closeTimeoutMs: number;
  #owned = new Set<string>();
  #generation = 0;
  #rebalancing = false;

  constructor(consumer: Consumer, options: KafkaConsumerOptions) {
    this.#consumer = consumer;
    this.#admin = options.admin;
    this.#group = options.group;
    this.#partitions = new Map(options.partitions);
    this.#max = options.maxQueuedRecords ?? 10_000;
    this.#maxBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
    this.#brokers = options.brokers;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  }

  /**
   * Called from kafkajs' `eachBatch`: queues the batch unless a seek made it stale or its
   * partition is no longer this member's.
   */
  push(records: TopicRecord[], stale: boolean): void {
    if (this.#closed || stale || records.length === 0) return;
    if (!this.#owned.has(`${records[0].topic}\0${records[0].partition}`)) {
      return;
    }
    for (const r of records) {
      this.#queue.push(r);
      this.#queuedBytes += recordBytes(r);
    }
    const full = this.#queue.length >= this.#max ||
      this.#queuedBytes >= this.#maxBytes;
    if (full && !this.#paused) {
      this.#paused = true;
      this.#consumer.pause(
        [...this.#partitions.keys()].map((topic) => ({ topic })),
      );
    }
    this.#signal();
  }

  /** Called when the kafkajs consumer crashed: the next poll throws the mapped error. */
  fail(err: unknown): void {
    this.#failure = err;
    this.#signal();
  }

  /**
   * Called when kafkajs learns that the group is rebalancing, before it rejoins: from now
   * until the next assignment, `membership().rebalancing` is true.
   */
  rebalanceStarted(): void {
    this.#rebalancing = true;
  }

  /**
   * Called on every group join with this member's assignment. kafkajs restarts each
   * assigned partition from the group's committed offset after a (re)join, so records
   * queued before it are dropped to keep offset order (they will be fetched again, by
   * whichever member owns their partition now).
   */
  assigned(assignment: Record<string, number[]>): void {
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#resumeIfLow();
    this.#owned = new Set(
      Object.entries(assignment).flatMap(([topic, partitions]) =>
        partitions.map((p) => `${topic}\0${p}`)
      ),
    );
    // A partition added to the topic since this consumer was made (the group assigns it
    // once the clients' metadata has it): commits, seeks and offsets take it from now.
    for (const [topic, partitions] of Object.entries(assignment)) {
      const count = this.#partitions.get(topic);
      if (count !== undefined && partitions.length > 0) {
        this.#partitions.set(
          topic,
          Math.max(count, ...partitions.map((p) => p + 1)),
        );
      }
    }
    this.#generation++;
    this.#rebalancing = false;
  }

  membership(): Membership {
    const owned = this.#owned;
    return {
      generation: this.#generation,
      rebalancing: this.#rebalancing,
      owns: (topic, partition) => owned.has(`${topic}\0${partition}`),
    };
  }

  async poll(options: PollOptions = {}): Promise<TopicRecord[]> {
    const { maxRecords, maxBytes, timeoutMs } = pollLimits(options);
    const deadline = Date.now() + Math.max(0, timeoutMs);
    while (this.#queue.length === 0 && !this.#closed) {
      if (this.#failure) throw toKafkaError(this.#failure, this.#ctx("poll"));
      const left = deadline - Date.now();
      if (left <= 0) return [];
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#wake = null;
          resolve();
        }, left);
        this.#wake = () => {
          clearTimeout(timer);
          this.#wake = null;
          resolve();
        };
      });
    }
    // Up to the record that would pass `maxBytes`, one at least.
    const most = Math.min(maxRecords, this.#queue.length);
    let n = 0;
    let bytes = 0;
    for (; n < most; n++) {
      const size = recordBytes(this.#queue[n]);
      if (n > 0 && bytes + size > maxBytes) break;
      bytes += size;
    }
    const out = this.#queue.splice(0, n);
    this.#queuedBytes -= bytes;
    this.#resumeIfLow();
    return out;
  }

  /**
   * Moves the read position of a partition this member owns. The seek of a partition it
   * does not own (another member reads it) is dropped: kafkajs keeps such a seek and
   * applies it whenever the partition comes to this member, over the offset the other
   * member committed by then (records read twice, or skipped).
   */
  async seek(position: TopicPosition): Promise<void> {
    this.#check(position);
    const { topic, partition, offset } = position;
    if (!this.#owned.has(`${topic}\0${partition}`)) return;
    this.#queue = this.#queue.filter((r) => {
      const kept = r.topic !== topic || r.partition !== partition;
      if (!kept) this.#queuedBytes -= recordBytes(r);
      return kept;
    });
    this.#resumeIfLow();
    await mapKafkaErrors(this.#ctx("seek", topic), () => {
      this.#consumer.seek({ topic, partition, offset: String(offset) });
      return Promise.resolve();
    });
  }

  async commit(positions: TopicPosition[]): Promise<void> {
    positions.forEach((p) => this.#check(p));
    if (positions.length === 0) return;
    const offsets = positions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: String(p.offset),
    }));
    try {
      await this.#consumer.commitOffsets(offsets);
    } catch (e) {
      // The coordinator refused the commit because the group moved on: kafkajs rejoins.
      if (kafkaErrorTypes(e).some((t) => LOST_GENERATION.has(t))) {
        this.#rebalancing = true;
      }
      throw toKafkaError(e, this.#ctx("commit", positions[0].topic));
    }
  }

  async committed(topic: string, partition: number): Promise<number | null> {
    this.#check({ topic, partition, offset: 0 });
    const answer = await mapKafkaErrors(
      this.#ctx("committed", topic),
      () => this.#admin.fetchOffsets({ groupId: this.#group, topics: [topic] }),
    );
    const found = answer.find((t) => t.topic === topic)?.partitions.find((p) =>
      p.partition === partition
    );
    const offset = found ? Number(found.offset) : -1;
    return offset >= 0 ? offset : null;
  }

  async offsets(topic: string, partition: number): Promise<PartitionOffsets> {
    this.#check({ topic, partition, offset: 0 });
    const answer = await mapKafkaErrors(
      this.#ctx("offsets", topic),
      () => this.#admin.fetchTopicOffsets(topic),
    );
    const found = answer.find((p) => p.partition === partition);
    if (found === undefined) {
      throw new BackendError(
        "kafka",
        `offsets failed: the broker at ${
          this.#brokers.join(",")
        } did not answer for partition ${partition} of topic "${topic}"`,
        { context: { ...this.#ctx("offsets", topic) } },
      );
    }
    return { start: Number(found.low), end: Number(found.high) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#signal();
    // kafkajs waits for the fetch in flight and the LeaveGroup answer, a request timeout
    // each: a broker that does not answer held close() for a minute.
    const stop = new AbortController();
    try {
      await Promise.race([
        mapKafkaErrors(this.#ctx("close"), () => this.#consumer.disconnect()),
        sleep(this.#closeTimeoutMs, stop.signal),
      ]);
    } finally {
      stop.abort();
    }
  }

  #check(p: TopicPosition): void {
    const partitions = this.#partitions.get(p.topic);
    if (partitions === undefined) {
      throw new TopicNotReadError(p.topic, {
        group: this.#group,
        topics: [...this.#partitions.keys()],
      });
    }
    if (
      !Number.isInteger(p.partition) || p.partition < 0 ||
      p.partition >= partitions
    ) {
      throw new InvalidPartitionError(p.topic, p.partition, {
        partitions,
        advice: "name one of those",
      });
    }
    if (!Number.isInteger(p.offset) || p.offset < 0) {
      throw new InvalidArgumentError("offset", "must be an integer >= 0", {
        value: p.offset,
      });
    }
  }

  /**
   * Resumes fetching once the queue is down to half its limits. Whatever empties it must
   * call this (a poll, a seek, a new assignment): fetching paused with nothing queued
   * stays paused, and every poll then returns nothing.
   */
  #resumeIfLow(): void {
    const low = this.#queue.length < this.#max / 2 &&
      this.#queuedBytes < this.#maxBytes / 2;
    if (this.#paused && low && !this.#closed) {
      this.#paused = false;
      this.#consumer.resume(
        [...this.#partitions.keys()].map((topic) => ({ topic })),
      );
    }
  }

  #signal(): void {
    this.#wake?.();
  }

  #ctx(op: string, topic?: string): KafkaErrorContext {
    return { op, brokers: this.#brokers, group: this.#group, topic };
  }
}
