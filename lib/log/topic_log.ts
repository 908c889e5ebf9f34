/**
 * The topic half of the embedded log: Kafka-shaped topics with partitions and dense,
 * 0-based offsets per partition, stored in SQLite and appended by group commit.
 *
 * @module
 */

import type { StatementSync } from "node:sqlite";
import { AlreadyExistsError, TopicNotFoundError } from "../errors.ts";
import type {
  AppendResult,
  CreateTopicOptions,
  TopicConsumer,
  TopicInfo,
  TopicLog,
  TopicRecordInput,
} from "./types.ts";
import { InvalidArgumentError, InvalidPartitionError } from "./errors.ts";
import type { LogCore } from "./log_core.ts";
import { partitionForKey, RoundRobin } from "./partitioner.ts";
import { EmbeddedTopicConsumer } from "./topic_consumer.ts";
import { MAX_SLOTS, POSITION_BITS } from "./sqlite_db.ts";

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

interface TopicRow {
  id: number;
  partitions: number;
}

/**
 * `TopicLog` on the embedded SQLite file. Create it through `openEmbeddedLog`.
 *
 * @example
 * ```ts
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.topics.createTopic("demo.pin", { partitions: 2 });
 * const res = await log.topics.append("demo.pin", [{ value: new Uint8Array([123, 125]) }]);
 * console.log(res); // [ { partition: 0, offset: 0 } ]
 * await log.close();
 * ```
 */
export class EmbeddedTopicLog implements TopicLog {
  #core: LogCore;
  #onClose: () => Promise<void>;
  #rr = new RoundRobin();
  #sql: Record<
    | "list"
    | "get"
    | "insTopic"
    | "insPart"
    | "next"
    | "setNext"
    | "slots"
    | "insRec",
    StatementSync
  >;

  /** `onClose` runs on `close()`; the embedded log closes the file when both halves closed. */
  constructor(
    core: LogCore,
    onClose: () => Promise<void> = () => core.close(),
  ) {
    this.#core = core;
    this.#onClose = onClose;
    const db = core.db;
    this.#sql = {
      list: db.prepare("SELECT name, partitions FROM topics ORDER BY name"),
      get: db.prepare("SELECT id, partitions FROM topics WHERE name = ?"),
      insTopic: db.prepare(
        "INSERT INTO topics (name, partitions, created_at) VALUES (?, ?, ?)",
      ),
      insPart: db.prepare(
        "INSERT INTO topic_partitions (topic_id, partition, next_offset) VALUES (?, ?, 0)",
      ),
      next: db.prepare(
        "SELECT slot, next_offset FROM topic_partitions WHERE topic_id = ? AND partition = ?",
      ),
      setNext: db.prepare(
        "UPDATE topic_partitions SET next_offset = ? WHERE slot = ?",
      ),
      slots: db.prepare(
        "SELECT partition, slot FROM topic_partitions WHERE topic_id = ? ORDER BY partition",
      ),
      insRec: db.prepare(
        "INSERT INTO topic_records (pos, key, value, ts) VALUES (?, ?, ?, ?)",
      ),
    };
  }

  async listTopics(): Promise<TopicInfo[]> {
    this.#core.assertOpen();
    const rows = this.#sql.list.all() as unknown as TopicInfo[];
    return await Promise.resolve(
      rows.map((r) => ({ name: r.name, partitions: r.partitions })),
    );
  }

  async describeTopic(name: string): Promise<TopicInfo> {
    this.#core.assertOpen();
    const row = this.#topic(name);
    return await Promise.resolve({ name, partitions: row.partitions });
  }

  async createTopic(
    name: string,
    options: CreateTopicOptions = {},
  ): Promise<void> {
    this.#core.assertOpen();
    const partitions = options.partitions ?? 1;
    if (typeof name !== "string" || !TOPIC_NAME.test(name)) {
      throw new InvalidArgumentError(
        "topic name",
        "use 1 to 249 characters among a-z A-Z 0-9 . _ -",
        name,
      );
    }
    if (
      !Number.isInteger(partitions) || partitions < 1 || partitions > 10_000
    ) {
      throw new InvalidArgumentError(
        "partitions",
        "must be an integer from 1 to 10000",
        partitions,
      );
    }
    await this.#core.committer.submit(() => {
      if (this.#sql.get.get(name)) throw new AlreadyExistsError("topic", name);
      const res = this.#sql.insTopic.run(name, partitions, Date.now());
      for (let p = 0; p < partitions; p++) {
        const slot = Number(
          this.#sql.insPart.run(res.lastInsertRowid, p).lastInsertRowid,
        );
        if (slot >= MAX_SLOTS) {
          throw new InvalidArgumentError(
            "partitions",
            `the log holds at most ${MAX_SLOTS} partitions and shards in all; use another file`,
            partitions,
          );
        }
      }
    });
  }

  async append(
    topic: string,
    records: TopicRecordInput[],
  ): Promise<AppendResult[]> {
    this.#core.assertOpen();
    if (!Array.isArray(records)) {
      throw new InvalidArgumentError(
        "records",
        "must be an array",
        typeof records,
      );
    }
    records.forEach(checkRecord);
    return await this.#core.committer.submit(() =>
      this.#appendNow(topic, records)
    );
  }

  /** Runs inside the group transaction; throws before writing anything. */
  #appendNow(topic: string, records: TopicRecordInput[]): AppendResult[] {
    const { id, partitions } = this.#topic(topic);
    const targets = records.map((r) => {
      if (r.partition !== undefined && r.partition !== null) {
        if (
          !Number.isInteger(r.partition) || r.partition < 0 ||
          r.partition >= partitions
        ) throw new InvalidPartitionError(topic, r.partition, partitions);
        return r.partition;
      }
      if (r.key !== undefined && r.key !== null) {
        return partitionForKey(r.key, partitions);
      }
      return this.#rr.next(topic, partitions);
    });
    const next = new Map<number, { slot: number; offset: number }>();
    for (const p of targets) {
      if (next.has(p)) continue;
      const row = this.#sql.next.get(id, p) as {
        slot: number;
        next_offset: number;
      };
      next.set(p, { slot: row.slot, offset: row.next_offset });
    }
    const ts = Date.now();
    const results = records.map((r, i) => {
      const partition = targets[i];
      const at = next.get(partition)!;
      const offset = at.offset++;
      if (offset >= POSITION_BITS) {
        throw new InvalidPartitionError(topic, partition, partitions);
      }
      this.#sql.insRec.run(
        at.slot * POSITION_BITS + offset,
        r.key ?? null,
        r.value,
        ts,
      );
      return { partition, offset };
    });
    for (const at of next.values()) this.#sql.setNext.run(at.offset, at.slot);
    return results;
  }

  async consumer(group: string, topics: string[]): Promise<TopicConsumer> {
    this.#core.assertOpen();
    if (typeof group !== "string" || group.length === 0) {
      throw new InvalidArgumentError(
        "group",
        "must be a non-empty string",
        group,
      );
    }
    const assigned = topics.map((name) => {
      const { id, partitions } = this.#topic(name);
      const rows = this.#sql.slots.all(id) as { slot: number }[];
      return { name, id, partitions, slots: rows.map((r) => r.slot) };
    });
    return await Promise.resolve(
      new EmbeddedTopicConsumer(this.#core, group, assigned),
    );
  }

  close(): Promise<void> {
    return this.#onClose();
  }

  #topic(name: string): TopicRow {
    const row = this.#sql.get.get(name) as TopicRow | undefined;
    if (!row) throw new TopicNotFoundError(name);
    return row;
  }
}

function checkRecord(r: TopicRecordInput, i: number): void {
  if (!r || !(r.value instanceof Uint8Array)) {
    throw new InvalidArgumentError(
      `records[${i}].value`,
      "must be a Uint8Array (the JSON text of the value)",
    );
  }
  if (r.key !== undefined && r.key !== null && typeof r.key !== "string") {
    throw new InvalidArgumentError(
      `records[${i}].key`,
      "must be a string or null",
    );
  }
}
