/**
 * Serving the gateway over HTTP with `Deno.serve`, on 127.0.0.1 by default.
 *
 * @module
 */

import { consoleLogger } from "../logger.ts";
import { createGateway, type Gateway, type GatewayOptions } from "./gateway.ts";

/** Options of {@linkcode serveGateway}: the gateway's options plus where to listen. */
export interface ServeGatewayOptions extends GatewayOptions {
  /** TCP port; 0 (the default) picks a free ephemeral port. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  hostname?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
}

/** A running gateway server. */
export interface GatewayServer {
  /** Base URL, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  url: string;
  port: number;
  hostname: string;
  /** The gateway (handler and metrics) behind the server. */
  gateway: Gateway;
  /** Stops accepting connections and waits for in-flight requests to finish. */
  shutdown(): Promise<void>;
  /** Resolves when the server has stopped. */
  finished: Promise<void>;
}

function urlHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

/**
 * Starts the gateway on `hostname:port` and resolves once it listens.
 *
 * @example
 * ```ts
 * import { serveGateway } from "./server.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const server = await serveGateway({ topics: log.topics, streams: log.streams, port: 0 });
 * const res = await fetch(`${server.url}/topics`);
 * console.log(await res.json()); // []
 * await server.shutdown();
 * await log.close();
 * ```
 */
export async function serveGateway(
  options: ServeGatewayOptions,
): Promise<GatewayServer> {
  const gateway = createGateway(options);
  const hostname = options.hostname ?? "127.0.0.1";
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port ?? 0,
    hostname,
    signal: options.signal,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
    onError: (err) => {
      (options.logger ?? consoleLogger).error("gateway: unhandled error", {
        stack: err instanceof Error ? err.stack : String(err),
      });
      return Response.json(
        {
          error_code: 50002,
          message: "internal error; check the gateway's log",
        },
        { status: 500 },
      );
    },
  }, gateway.handler);
  const addr = await listening;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost(addr.hostname)}:${addr.port}`,
    port: addr.port,
    hostname: addr.hostname,
    gateway,
    shutdown() {
      stopping ??= server.shutdown();
      return stopping;
    },
    finished: server.finished,
  };
}
