/**
 * Helpers shared by the embedded topic consumer's tests: a log in a temp dir, and a filler
 * that appends text values to partition 0.
 *
 * @module
 */
import { type EmbeddedLog, openEmbeddedLog } from "./embedded_log.ts";

/**
 * Encodes the text values the tests append.
 *
 * @example
 * ```ts
 * import { enc } from "./test_util.ts";
 * console.log(enc.encode("a")); // Uint8Array(1) [ 97 ]
 * ```
 */
export const enc = new TextEncoder();

/**
 * Decodes the values the tests poll.
 *
 * @example
 * ```ts
 * import { dec } from "./test_util.ts";
 * console.log(dec.decode(new Uint8Array([97]))); // a
 * ```
 */
export const dec = new TextDecoder();

/**
 * An embedded log (fsync off) at `log.db` in a new temp dir; the caller closes it and
 * removes `dir`.
 *
 * @example
 * ```ts
 * import { tempLog } from "./test_util.ts";
 * const { log, dir } = await tempLog();
 * console.log(await log.topics.listTopics()); // []
 * await log.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function tempLog(): Promise<
  { log: EmbeddedLog; path: string; dir: string }
> {
  const dir = await Deno.makeTempDir({ prefix: "topic_consumer_test_" });
  const path = `${dir}/log.db`;
  return { log: await openEmbeddedLog(path, { fsync: false }), path, dir };
}

/**
 * Appends `values`, as UTF-8 text, to partition 0 of `topic`.
 *
 * @example
 * ```ts
 * import { fill, tempLog } from "./test_util.ts";
 * const { log, dir } = await tempLog();
 * await log.topics.createTopic("t");
 * await fill(log, "t", ["a", "b"]);
 * const consumer = await log.topics.consumer("g", ["t"]);
 * console.log(await consumer.offsets("t", 0)); // { start: 0, end: 2 }
 * await log.close();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function fill(
  log: EmbeddedLog,
  topic: string,
  values: string[],
): Promise<void> {
  await log.topics.append(
    topic,
    values.map((v) => ({ value: enc.encode(v), partition: 0 })),
  );
}
