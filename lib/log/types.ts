/**
 * The log interfaces: topics (Kafka-shaped, {@link ./topic_types.ts}) and streams
 * (Kinesis-shaped, {@link ./stream_types.ts}), in one import.
 *
 * The embedded SQLite log, the Kafka adapter and the Kinesis adapter implement these,
 * so the gateway, the sink and the stream processor never know which tier they run on.
 *
 * @example
 * ```ts
 * import type { StreamLog, TopicLog } from "./types.ts";
 * import { openEmbeddedLog } from "./embedded_log.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const topics: TopicLog = log.topics;
 * const streams: StreamLog = log.streams;
 * console.log(await topics.listTopics(), await streams.listStreams()); // [] []
 * await log.close();
 * ```
 *
 * @module
 */
export type * from "./topic_types.ts";
export type * from "./stream_types.ts";
