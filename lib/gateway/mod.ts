/**
 * The API Gateway + Kafka REST Proxy v2 stand-in.
 *
 * @example
 * ```ts
 * import { serveGateway } from "./mod.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const server = await serveGateway({ topics: log.topics, streams: log.streams });
 * console.log(server.url);
 * await server.shutdown();
 * await log.close();
 * ```
 *
 * @module
 */

export { DEFAULT_SHUTDOWN_GRACE_MS } from "./drain.ts";
export * from "./errors.ts";
export * from "./gateway.ts";
export * from "./metrics.ts";
export * from "./server.ts";
export * from "./topology.ts";
export { STREAM_CONTENT_TYPES, TOPIC_CONTENT_TYPES } from "./body.ts";
export type { ProduceResponse } from "./topics_routes.ts";
export type { KinesisShard } from "./streams_routes.ts";
