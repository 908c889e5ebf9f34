/**
 * The topic half of the embedded log: Kafka-shaped topics with partitions and dense,
 * 0-based offsets per partition, stored in SQLite and appended by group commit.
 *
 * @module
 */

import type { StatementSync } from "node:sqlite";
import type {
  AppendResult,
  CreateTopicOptions,
  TopicConsumer,
  TopicInfo,
  TopicLog,
  TopicRecordInput,
} from "./types.ts";
import { InvalidArgumentError } from "./errors.ts";
import { lockGroup } from "./group_lock.ts";
import type { LogCore } from "./log_core.ts";
import { checkTopicRecords } from "./record_checks.ts";
import { EmbeddedTopicConsumer } from "./topic_consumer.ts";
import { TopicWriter } from "./topic_writes.ts";

const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

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
  #writer: TopicWriter;
  #list: StatementSync;
  /** Consumers not closed yet: closing this half closes them (and frees their groups). */
  #consumers = new Set<EmbeddedTopicConsumer>();

  /** `onClose` runs on `close()`; the embedded log closes the file when both halves closed. */
  constructor(
    core: LogCore,
    onClose: () => Promise<void> = () => core.close(),
  ) {
    this.#core = core;
    this.#onClose = onClose;
    this.#writer = new TopicWriter(core.db);
    core.committer.addHooks(this.#writer);
    this.#list = core.db.prepare(
      "SELECT name, partitions FROM topics ORDER BY name",
    );
  }

  async listTopics(): Promise<TopicInfo[]> {
    this.#core.assertOpen();
    const rows = this.#list.all() as unknown as TopicInfo[];
    return await Promise.resolve(
      rows.map((r) => ({ name: r.name, partitions: r.partitions })),
    );
  }

  async describeTopic(name: string): Promise<TopicInfo> {
    this.#core.assertOpen();
    const { partitions } = this.#writer.topic(name);
    return await Promise.resolve({ name, partitions });
  }

  async createTopic(
    name: string,
    options: CreateTopicOptions = {},
  ): Promise<void> {
    this.#core.assertOpen();
    const partitions = options.partitions ?? 1;
    // Kafka refuses "." and ".." too: the lake would take them for folders.
    if (
      typeof name !== "string" || !TOPIC_NAME.test(name) || name === "." ||
      name === ".."
    ) {
      throw new InvalidArgumentError(
        "topic name",
        'use 1 to 249 characters among a-z A-Z 0-9 . _ -, other than "." and ".."',
        { value: name },
      );
    }
    if (
      !Number.isInteger(partitions) || partitions < 1 || partitions > 10_000
    ) {
      throw new InvalidArgumentError(
        "partitions",
        "must be an integer from 1 to 10000",
        { value: partitions },
      );
    }
    await this.#core.committer.submit(() =>
      this.#writer.createTopic(name, partitions)
    );
  }

  async append(
    topic: string,
    records: TopicRecordInput[],
  ): Promise<AppendResult[]> {
    this.#core.assertOpen();
    checkTopicRecords(records);
    return await this.#core.committer.submit(
      () => this.#writer.append(topic, records),
      { validatesFirst: true },
    );
  }

  async consumer(group: string, topics: string[]): Promise<TopicConsumer> {
    this.#core.assertOpen();
    if (typeof group !== "string" || group.length === 0) {
      throw new InvalidArgumentError("group", "must be a non-empty string", {
        value: group,
      });
    }
    const assigned = topics.map((name) => ({
      name,
      ...this.#writer.topic(name),
    }));
    // One member per group (the consumer releases the lock when it closes).
    const lock = await lockGroup(this.#core.filePath, group);
    const consumer: EmbeddedTopicConsumer = new EmbeddedTopicConsumer(
      this.#core,
      {
        group,
        topics: assigned,
        lock,
        onClose: () => this.#consumers.delete(consumer),
      },
    );
    this.#consumers.add(consumer);
    return consumer;
  }

  /** The failed WAL sync that stops every later write, if one failed. */
  writeFailure(): Error | undefined {
    return this.#core.committer.pipeline?.failure;
  }

  /** Closes the consumers it made, then releases this half. */
  async close(): Promise<void> {
    for (const consumer of [...this.#consumers]) await consumer.close();
    await this.#onClose();
  }
}
