/**
 * The pipeline's topics and streams for a prefix, and creating the missing ones.
 *
 * Prefix `pinterest` gives topics `pinterest.pin`, `pinterest.geo`, `pinterest.user` and
 * streams `streaming-pinterest-pin`, `streaming-pinterest-geo`, `streaming-pinterest-user`,
 * as in the course.
 *
 * @module
 */

import { AlreadyExistsError } from "../errors.ts";
import type { StreamLog, TopicLog } from "../log/types.ts";

/**
 * The three tables a post is made of, in posting order.
 *
 * @example
 * ```ts
 * import { POST_KINDS } from "./topology.ts";
 * console.log(POST_KINDS.join("|")); // pin|geo|user
 * ```
 */
export const POST_KINDS = ["pin", "geo", "user"] as const;

/**
 * Topic and stream names of one prefix.
 *
 * @example
 * ```ts
 * import { type PipelineNames, pipelineNames } from "./topology.ts";
 * const names: PipelineNames = pipelineNames("demo");
 * console.log(names.topics[2], names.streams[2]); // demo.user streaming-demo-user
 * ```
 */
export interface PipelineNames {
  topics: string[];
  streams: string[];
}

/**
 * The topic and stream names of `prefix`.
 *
 * @example
 * ```ts
 * import { pipelineNames } from "./topology.ts";
 * console.log(pipelineNames("pinterest").streams[0]); // streaming-pinterest-pin
 * ```
 */
export function pipelineNames(prefix: string): PipelineNames {
  return {
    topics: POST_KINDS.map((k) => `${prefix}.${k}`),
    streams: POST_KINDS.map((k) => `streaming-${prefix}-${k}`),
  };
}

/**
 * Options of {@linkcode ensureTopology}.
 *
 * @example
 * ```ts
 * import { ensureTopology, type EnsureTopologyOptions } from "./topology.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const options: EnsureTopologyOptions = { prefix: "demo", partitions: 3, shardCount: 2 };
 * await ensureTopology(log.topics, log.streams, options);
 * console.log((await log.topics.describeTopic("demo.pin")).partitions); // 3
 * await log.close();
 * ```
 */
export interface EnsureTopologyOptions {
  /** Name prefix (default `pinterest`). */
  prefix?: string;
  /** Partitions of each created topic (default 1). */
  partitions?: number;
  /** Shards of each created stream (default 1). */
  shardCount?: number;
}

/**
 * Creates the prefix's three topics and three streams where absent; existing ones are left
 * as they are. Resolves to the names.
 *
 * @example
 * ```ts
 * import { ensureTopology } from "./topology.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const names = await ensureTopology(log.topics, log.streams, { prefix: "demo" });
 * console.log(names.topics); // ["demo.pin", "demo.geo", "demo.user"]
 * await log.close();
 * ```
 */
export async function ensureTopology(
  topics: TopicLog,
  streams: StreamLog,
  options: EnsureTopologyOptions = {},
): Promise<PipelineNames> {
  const names = pipelineNames(options.prefix ?? "pinterest");
  await ensureTopics(topics, names.topics, options);
  const existingStreams = new Set(await streams.listStreams());
  for (const name of names.streams) {
    if (existingStreams.has(name)) continue;
    await streams.createStream(name, { shardCount: options.shardCount ?? 1 })
      .catch(ignoreExists);
  }
  return names;
}

/**
 * Creates whichever of `names` are not topics yet (`partitions` each, default 1); another
 * process creating one at the same moment is fine.
 *
 * @example
 * ```ts
 * import { ensureTopics, pipelineNames } from "./topology.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await ensureTopics(log.topics, pipelineNames("demo").topics);
 * console.log((await log.topics.listTopics()).length); // 3
 * await log.close();
 * ```
 */
export async function ensureTopics(
  topics: TopicLog,
  names: readonly string[],
  options: { partitions?: number } = {},
): Promise<void> {
  const existing = new Set((await topics.listTopics()).map((t) => t.name));
  for (const name of names) {
    if (existing.has(name)) continue;
    await topics.createTopic(name, { partitions: options.partitions ?? 1 })
      .catch(ignoreExists);
  }
}

function ignoreExists(err: unknown): void {
  if (!(err instanceof AlreadyExistsError)) throw err;
}
