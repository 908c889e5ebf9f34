/**
 * Helpers shared by the sink's tests: a temp dir with an embedded log and a lake, a
 * reader that returns the lake as `{ key: text }`, and the keys of a partition's objects.
 *
 * @module
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { type EmbeddedLog, openEmbeddedLog } from "../log/mod.ts";
import { openDirStore } from "../lake/dir_store.ts";
import type { ObjectStore } from "../lake/types.ts";
import { objectKey } from "./layout.ts";

/**
 * A temp dir holding `log.db` and `lake/`.
 *
 * @example
 * ```ts
 * import { type SinkFixture, sinkFixture } from "./test_util.ts";
 * const fx: SinkFixture = await sinkFixture({ "t.pin": 2 });
 * console.log(await fx.append("t.pin", ['{"n":1}', '{"n":2}'], 1)); // [ 0, 1 ]
 * console.log(await fx.committed("t.pin", 1), await fx.lake()); // null {}
 * await fx.cleanup();
 * ```
 */
export interface SinkFixture {
  dir: string;
  log: EmbeddedLog;
  store: ObjectStore;
  /** Appends JSON texts to a topic (to `partition` when given); returns their offsets. */
  append(
    topic: string,
    values: string[],
    partition?: number,
  ): Promise<number[]>;
  /** Every object of the lake as text, by key. */
  lake(): Promise<Record<string, string>>;
  /**
   * The committed offset of a group (default `s3-sink`) for one partition, read from the
   * log's file without joining the group.
   */
  committed(
    topic: string,
    partition: number,
    group?: string,
  ): Promise<number | null>;
  /** Closes the log and removes the dir. */
  cleanup(): Promise<void>;
}

/**
 * Makes a fixture with the given topics (name -> partition count), fsync off for speed.
 *
 * @example
 * ```ts
 * import { sinkFixture } from "./test_util.ts";
 * const fx = await sinkFixture({ "t.pin": 1 });
 * await fx.append("t.pin", ['{"n":1}']);
 * await fx.cleanup();
 * ```
 */
export async function sinkFixture(
  topics: Record<string, number>,
): Promise<SinkFixture> {
  const dir = await Deno.makeTempDir({ prefix: "sink_test_" });
  const log = await openEmbeddedLog(join(dir, "log.db"), { fsync: false });
  for (const [name, partitions] of Object.entries(topics)) {
    await log.topics.createTopic(name, { partitions });
  }
  const store = openDirStore(join(dir, "lake"));
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  return {
    dir,
    log,
    store,
    async append(topic, values, partition) {
      const res = await log.topics.append(
        topic,
        values.map((v) => ({ value: enc.encode(v), partition })),
      );
      return res.map((r) => r.offset);
    },
    async lake() {
      const out: Record<string, string> = {};
      for (const { key } of await store.list("")) {
        out[key] = dec.decode(await store.get(key));
      }
      return out;
    },
    async committed(topic, partition, group = "s3-sink") {
      // Read beside the group's member (a group has one member at a time), as Kafka's
      // admin reads a group's offsets.
      const db = new DatabaseSync(join(dir, "log.db"), { readOnly: true });
      try {
        const row = db.prepare(
          "SELECT offset FROM group_offsets WHERE group_name = ? AND topic = ? AND partition = ?",
        ).get(group, topic, partition);
        return await Promise.resolve(row ? Number(row.offset) : null);
      } finally {
        db.close();
      }
    },
    async cleanup() {
      await log.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * `count` JSON values `{"n":from}`, `{"n":from+1}`, ...
 *
 * @example
 * ```ts
 * import { values } from "./test_util.ts";
 * console.log(values(2, 5)); // ['{"n":5}', '{"n":6}']
 * ```
 */
export function values(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, i) => `{"n":${from + i}}`);
}

/**
 * The NDJSON body holding `{"n":from}` .. `{"n":from+count-1}`.
 *
 * @example
 * ```ts
 * import { ndjson } from "./test_util.ts";
 * console.log(ndjson(2)); // '{"n":0}\n{"n":1}\n'
 * ```
 */
export function ndjson(count: number, from = 0): string {
  return values(count, from).map((v) => v + "\n").join("");
}

/**
 * The lake keys of the objects of one partition of `topic`, by their first offset: the
 * sink's own {@linkcode objectKey} (whose spelling `layout_test.ts` asserts), bound to the
 * partition so that an expected lake reads `{ [key(3)]: ndjson(3, 3) }`.
 *
 * @example
 * ```ts
 * import { partitionKeys } from "./test_util.ts";
 * const key = partitionKeys("t.pin");
 * console.log(key(3)); // topics/t.pin/partition=0/t.pin+0+0000000003.json
 * console.log(partitionKeys("m.pin", 2)(0)); // topics/m.pin/partition=2/m.pin+2+0000000000.json
 * ```
 */
export function partitionKeys(
  topic: string,
  partition = 0,
): (startOffset: number) => string {
  return (startOffset) => objectKey({ topic, partition, startOffset });
}
