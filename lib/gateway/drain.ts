/**
 * Winding the gateway's server down in bounded time.
 *
 * `Deno.serve`'s `shutdown()` (Deno 2.9.6) cuts the body read of every request still
 * receiving one at once, and then waits for each connection to end: a client that sent its
 * headers and part of its body and then nothing keeps that connection, and so the
 * shutdown, open until the client goes, which may be never. Deno offers no way to close a
 * connection from the server, nor a timeout on reading a body.
 *
 * {@linkcode windDown} therefore first gives the requests in flight a grace period to
 * arrive and be answered (an upload in progress finishes and gets its 200), then shuts
 * the server down, which cuts the uploads still arriving (their clients are answered 400,
 * nothing of them is stored, and a line names them), waits until every request in flight
 * was answered (a record is acknowledged only once durable), and returns: the connections
 * of stalled clients are left open until the client goes or the process exits.
 *
 * @module
 */

import type { Logger } from "../logger.ts";
import { sleep } from "../sleep.ts";

/**
 * Default grace period of a shutdown for requests in flight, in ms (5 s).
 *
 * @example
 * ```ts
 * import { DEFAULT_SHUTDOWN_GRACE_MS } from "./drain.ts";
 * console.log(DEFAULT_SHUTDOWN_GRACE_MS); // 5000
 * ```
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;

/** A request in flight, as the line about cut uploads names it. */
interface Request {
  method: string;
  url: string;
  from: Deno.NetAddr;
  started: number;
  /** The status answered, once the handler returned. */
  status?: number;
}

/**
 * The requests a server has in flight: from their arrival until their response was sent
 * (or failed to be).
 *
 * @example
 * ```ts
 * import { InFlightRequests } from "./drain.ts";
 * const requests = new InFlightRequests();
 * const server = Deno.serve({ port: 0, onListen() {} }, requests.track(() => new Response("ok")));
 * await (await fetch(`http://127.0.0.1:${server.addr.port}/`)).text();
 * await requests.idle(1000);
 * console.log(requests.size); // 0
 * await server.shutdown();
 * ```
 */
export class InFlightRequests {
  #open = new Set<Request>();
  #idle = Promise.withResolvers<void>();

  /** How many requests are in flight. */
  get size(): number {
    return this.#open.size;
  }

  /** `handler`, counting its requests in flight. */
  track(
    handler: (req: globalThis.Request) => Response | Promise<Response>,
  ): Deno.ServeHandler<Deno.NetAddr> {
    return async (req, info) => {
      const entry: Request = {
        method: req.method,
        url: req.url,
        from: info.remoteAddr,
        started: performance.now(),
      };
      this.#open.add(entry);
      const done = () => {
        this.#open.delete(entry);
        if (this.#open.size === 0) {
          this.#idle.resolve();
          this.#idle = Promise.withResolvers<void>();
        }
      };
      info.completed.then(done, done);
      const response = await handler(req);
      entry.status = response.status;
      return response;
    };
  }

  /** Resolves `true` once no request is in flight, or `false` after `ms` (default never). */
  async idle(ms = Infinity): Promise<boolean> {
    if (this.#open.size === 0) return true;
    return await within(this.#idle.promise, ms);
  }

  /** The requests in flight now. */
  snapshot(): readonly Request[] {
    return [...this.#open];
  }
}

/** Resolves `true` when `promise` settles within `ms` (default never times out), else `false`. */
async function within(
  promise: Promise<unknown>,
  ms = Infinity,
): Promise<boolean> {
  const settled = promise.then(() => true, () => true);
  if (!Number.isFinite(ms)) return await settled;
  const stop = new AbortController();
  const result = await Promise.race([
    settled,
    sleep(ms, stop.signal).then(() => false),
  ]);
  stop.abort();
  return result;
}

/**
 * Shuts `server` down in bounded time (see the module text): the requests in flight get
 * `graceMs` to arrive, then the uploads still arriving are cut and logged, and it resolves
 * once every request was answered.
 *
 * @example
 * ```ts
 * import { InFlightRequests, windDown } from "./drain.ts";
 * import { silentLogger } from "../logger.ts";
 * const requests = new InFlightRequests();
 * const server = Deno.serve({ port: 0, onListen() {} }, requests.track(() => new Response("ok")));
 * await windDown(server, requests, { graceMs: 5000, logger: silentLogger });
 * ```
 */
export async function windDown(
  server: Pick<Deno.HttpServer, "shutdown">,
  requests: InFlightRequests,
  options: { graceMs: number; logger: Logger },
): Promise<void> {
  const { graceMs, logger } = options;
  const late = await requests.idle(graceMs) ? [] : requests.snapshot();
  // It cuts the body reads still waiting, then waits for every connection to end.
  const closed = server.shutdown();
  await requests.idle();
  // The gateway answers a body it could not read to its end with 400: those were cut.
  const cut = late.filter((r) => r.status === 400);
  if (cut.length > 0) {
    const now = performance.now();
    logger.warn(
      "gateway: shutting down: cut the uploads still arriving after the grace period; nothing of them was stored, their clients must send them again",
      {
        graceMs,
        cut: cut.map((r) =>
          `${r.method} ${
            new URL(r.url).pathname
          } from ${r.from.hostname}:${r.from.port}, started ${
            ((now - r.started) / 1000).toFixed(1)
          } s ago`
        ),
      },
    );
  }
  // Every response is sent: only the connections of stalled clients may be left.
  if (late.length > 0 && !await within(closed, 100)) {
    logger.warn(
      "gateway: stopped; the connections of clients that stopped sending stay open until they go or the process exits",
    );
  }
}
