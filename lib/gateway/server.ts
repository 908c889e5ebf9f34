/**
 * Serving the gateway over HTTP with `Deno.serve`, on 127.0.0.1 by default.
 *
 * `Deno.serve` stops listening for good when accepting a connection fails: with more
 * connections than the process may open files (`ulimit -n`; 256 by default on macOS), its
 * `finished` promise rejects with "Too many open files" and every later connection is
 * refused. The gateway then listens again on the same address after a pause, as hyper's
 * `sleep_on_errors` does, and logs why; it gives up (its `finished` rejects) only when the
 * address cannot be bound again for `relistenAttempts` pauses in a row.
 *
 * Its shutdown takes bounded time: the requests in flight get `shutdownGraceMs` (5 s) to
 * arrive and be answered, then the uploads still arriving are cut (see `drain.ts`).
 * While it runs, a body read has no timeout: Deno's server has none, and answering a
 * stalled client from the handler would not close its connection (Deno keeps it open
 * until the client goes), so a client that stops mid-body holds a connection (a file
 * descriptor) until it goes. Put a reverse proxy with a body timeout in front of a
 * gateway open to untrusted clients.
 *
 * @module
 */

import { PipelineError } from "../errors.ts";
import { consoleLogger, type Logger } from "../logger.ts";
import { sleep } from "../sleep.ts";
import {
  DEFAULT_SHUTDOWN_GRACE_MS,
  InFlightRequests,
  windDown,
} from "./drain.ts";
import { createGateway, type Gateway, type GatewayOptions } from "./gateway.ts";

/**
 * Options of {@linkcode serveGateway}: the gateway's options plus where to listen.
 *
 * @example
 * ```ts
 * import { serveGateway, type ServeGatewayOptions } from "./server.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const stop = new AbortController();
 * const options: ServeGatewayOptions = { topics: log.topics, streams: log.streams, hostname: "127.0.0.1", port: 0, signal: stop.signal };
 * const server = await serveGateway(options);
 * stop.abort();
 * await server.finished;
 * await log.close();
 * ```
 */
export interface ServeGatewayOptions extends GatewayOptions {
  /** TCP port; 0 (the default) picks a free ephemeral port. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  hostname?: string;
  /** Stops the server when aborted. */
  signal?: AbortSignal;
  /** Pause before listening again after the server stopped accepting, in ms (default 1000). */
  relistenDelayMs?: number;
  /** Pauses in a row the address may fail to bind again before giving up (default 30). */
  relistenAttempts?: number;
  /**
   * At shutdown, how long the requests in flight may take to arrive before their uploads
   * are cut, in ms (default 5000, {@linkcode DEFAULT_SHUTDOWN_GRACE_MS}).
   */
  shutdownGraceMs?: number;
}

/**
 * A running gateway server.
 *
 * @example
 * ```ts
 * import { type GatewayServer, serveGateway } from "./server.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const server: GatewayServer = await serveGateway({ topics: log.topics, streams: log.streams });
 * console.log(server.hostname, server.url === `http://127.0.0.1:${server.port}`); // 127.0.0.1 true
 * await server.shutdown();
 * await log.close();
 * ```
 */
export interface GatewayServer {
  /** Base URL, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  url: string;
  port: number;
  hostname: string;
  /** The gateway (handler and metrics) behind the server. */
  gateway: Gateway;
  /**
   * Stops accepting connections and waits for in-flight requests to finish; after the
   * grace period (`shutdownGraceMs`) it cuts the uploads still arriving.
   */
  shutdown(): Promise<void>;
  /**
   * Resolves when the server has stopped (shut down or aborted: once `shutdown()` has
   * resolved); rejects with a
   * `PipelineError` when it stopped accepting and could not listen again.
   */
  finished: Promise<void>;
}

function urlHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** `Deno.serve` on `hostname:port` with the gateway's handler; resolves once it listens. */
async function listen(
  handler: Deno.ServeHandler<Deno.NetAddr>,
  at: { hostname: string; port: number; logger: Logger },
): Promise<{ server: Deno.HttpServer; addr: Deno.NetAddr }> {
  const { hostname, port, logger } = at;
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port,
    hostname,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
    onError: (err) => {
      logger.error("gateway: unhandled error", {
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
  }, handler);
  // A server that fails before it listens rejects `finished` only.
  return await Promise.race([
    listening.then((addr) => ({ server, addr })),
    server.finished.then(() => {
      throw new Error("the server stopped before it listened");
    }),
  ]);
}

/**
 * Makes Deno set up its signal handling now, while file descriptors are free. Deno 2.9.6
 * sets it up on first use, and panics (`ext/signals`, "Too many open files") when that
 * first use comes while the process is out of descriptors: exactly when the server listens
 * again after running out. The CLIs listen for Ctrl-C from the start, which does the same;
 * this covers the gateway run from a library call.
 */
function warmSignalDriver(): void {
  if (Deno.build.os === "windows") return; // Deno has no SIGWINCH there
  const noop = () => {};
  Deno.addSignalListener("SIGWINCH", noop);
  Deno.removeSignalListener("SIGWINCH", noop);
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
  warmSignalDriver();
  const gateway = createGateway(options);
  const logger = options.logger ?? consoleLogger;
  const hostname = options.hostname ?? "127.0.0.1";
  const delayMs = options.relistenDelayMs ?? 1000;
  const attempts = options.relistenAttempts ?? 30;
  const requests = new InFlightRequests();
  const handler = requests.track(gateway.handler);
  let { server, addr } = await listen(handler, {
    hostname,
    port: options.port ?? 0,
    logger,
  });
  const stopped = new AbortController();
  const url = () => `http://${urlHost(addr.hostname)}:${addr.port}`;
  // Servers that stopped accepting still serve the connections they hold: a shutdown
  // must cut their stalled uploads too, or those hold it for good.
  const retired: Deno.HttpServer[] = [];
  const everyServer = {
    shutdown: async () => {
      // A retired server's failure was logged when it stopped accepting.
      const old = retired.map((s) => s.shutdown().catch(() => {}));
      await Promise.all([...old, server.shutdown()]);
    },
  };
  let stopping: Promise<void> | undefined;
  const woundDown = Promise.withResolvers<void>();
  const shutdown = () => {
    stopping ??= (async () => {
      stopped.abort();
      await windDown(everyServer, requests, {
        graceMs: options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
        logger,
      });
      woundDown.resolve();
      await finished.catch(() => {});
    })();
    return stopping;
  };

  async function serveUntilStopped(): Promise<void> {
    for (;;) {
      try {
        // A stalled client keeps `server.finished` pending after its wind-down.
        await Promise.race([server.finished, woundDown.promise]);
        return;
      } catch (cause) {
        if (stopped.signal.aborted) return;
        logger.error(
          "gateway: the server stopped accepting connections; listening again",
          {
            error: message(cause),
            inMs: delayMs,
            hint:
              "too many connections for the open-file limit? raise `ulimit -n`",
          },
        );
        const again = await relisten(cause);
        if (again === undefined) return; // shut down meanwhile
        retired.push(server);
        server = again;
      }
    }
  }

  /** A new server on the same address; undefined when shut down meanwhile. */
  async function relisten(
    cause: unknown,
  ): Promise<Deno.HttpServer | undefined> {
    let last = cause;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (!await sleep(delayMs, stopped.signal)) break;
      try {
        const again = await listen(handler, {
          hostname: addr.hostname,
          port: addr.port,
          logger,
        });
        if (stopped.signal.aborted) {
          await again.server.shutdown();
          return undefined;
        }
        logger.info("gateway: listening again", { url: url() });
        return again.server;
      } catch (e) {
        last = e;
      }
    }
    if (stopped.signal.aborted) return undefined;
    throw new PipelineError(
      `The gateway stopped accepting connections on ${url()} (${
        message(cause)
      }) and could not listen there again (${
        message(last)
      }). Raise the open-file limit (ulimit -n) if it ran out, then restart it.`,
      { cause: last, context: { url: url(), attempts } },
    );
  }

  const finished = serveUntilStopped().finally(() =>
    options.signal?.removeEventListener("abort", shutdown)
  );
  finished.catch(() => {}); // reported to whoever awaits it, never unhandled
  if (options.signal?.aborted) shutdown();
  else options.signal?.addEventListener("abort", shutdown, { once: true });
  return {
    url: url(),
    port: addr.port,
    hostname: addr.hostname,
    gateway,
    shutdown,
    finished,
  };
}
