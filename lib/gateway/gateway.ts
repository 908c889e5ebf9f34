/**
 * The gateway's request handler: routing, API keys, error mapping and metrics over a
 * {@linkcode TopicLog} and a {@linkcode StreamLog}.
 *
 * A 200 is answered only after the log's `append` / `putRecords` resolved, i.e. after the
 * records are durable. The gateway does no batching of its own: concurrent requests reach
 * the log concurrently, and the log's group commit lets them share one fsync.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import type { StreamLog, TopicLog } from "../log/types.ts";
import type { Logger } from "../logger.ts";
import {
  CrossSiteRequestError,
  ForbiddenError,
  GatewayError,
  toGatewayError,
} from "./errors.ts";
import { FailureLog } from "./failure_log.ts";
import { GatewayMetrics } from "./metrics.ts";
import {
  allowedMethods,
  defineRoute,
  jsonResponse,
  matchRoute,
  type Route,
  type RouteMatch,
  routeMethod,
} from "./router.ts";
import { streamRoutes } from "./streams_routes.ts";
import { topicRoutes } from "./topics_routes.ts";

/**
 * Options of {@linkcode createGateway}.
 *
 * @example
 * ```ts
 * import { createGateway, type GatewayOptions } from "./gateway.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * import { silentLogger } from "../logger.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const options: GatewayOptions = { topics: log.topics, streams: log.streams, apiKeys: ["k1"], maxBodyBytes: 1 << 20, logger: silentLogger };
 * const res = await createGateway(options).handler(new Request("http://localhost/topics"));
 * console.log(res.status, (await res.json()).error_code); // 403 40301: no x-api-key
 * await log.close();
 * ```
 */
export interface GatewayOptions {
  topics: TopicLog;
  streams: StreamLog;
  /** Accepted `x-api-key` values; when empty or absent no key is required. */
  apiKeys?: string[];
  /** Largest accepted request body in bytes (default 10 MiB = 10,485,760). */
  maxBodyBytes?: number;
  /**
   * Receives 5xx failures, a line per failing route at most every 10 s, and the
   * recoveries (default: stderr). See {@linkcode FailureLog}.
   */
  logger?: Logger;
}

/**
 * A gateway: a fetch-style handler plus its metrics.
 *
 * @example
 * ```ts
 * import { createGateway, type Gateway } from "./gateway.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const gw: Gateway = createGateway({ topics: log.topics, streams: log.streams });
 * await (await gw.handler(new Request("http://localhost/healthz"))).body?.cancel();
 * console.log(gw.metrics.render().includes('route="/healthz",method="GET",status="200"')); // true
 * await log.close();
 * ```
 */
export interface Gateway {
  handler(req: Request): Promise<Response>;
  metrics: GatewayMetrics;
}

const METHODS = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "DELETE",
  "PATCH",
  "OPTIONS",
]);

/**
 * Default body limit: 10 MiB.
 *
 * @example
 * ```ts
 * import { DEFAULT_MAX_BODY_BYTES } from "./gateway.ts";
 * console.log(DEFAULT_MAX_BODY_BYTES); // 10485760
 * ```
 */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Checks `x-api-key` against `keys` in time that tells nothing of them: the SHA-256 digests
 * are compared (all of one length, so no key's length shows), and every key is compared.
 */
function keyChecker(keys: string[]): (req: Request) => boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  const digests = keys.map(digest);
  return (req) => {
    const given = req.headers.get("x-api-key");
    if (given === null) return false;
    const d = digest(given);
    return digests.reduce((ok, k) => timingSafeEqual(k, d) || ok, false);
  };
}

/**
 * Whether a browser sent `req` for a web page: browsers add `Origin` to every cross-origin
 * request and to same-origin ones other than GET/HEAD, and `Sec-Fetch-Site` to all of them
 * (`none` when the user typed the URL). Programs send neither.
 */
function fromWebPage(req: Request): boolean {
  if (req.headers.has("origin")) return true;
  const site = req.headers.get("sec-fetch-site");
  return site !== null && site !== "none";
}

/** The path of an absolute URL, without query or fragment (cheaper than `new URL`). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  let end = url.length;
  for (const c of ["?", "#"]) {
    const at = url.indexOf(c, start);
    if (at >= 0 && at < end) end = at;
  }
  return url.slice(start, end);
}

/**
 * `/healthz`: 200 `{"status":"ok"}`, or 503 once the log takes no more writes until a
 * restart (the embedded log after a failed WAL fsync), so a supervisor restarts it.
 */
function health(logs: { topics: TopicLog; streams: StreamLog }): Response {
  const failure = logs.topics.writeFailure?.() ?? logs.streams.writeFailure?.();
  if (failure === undefined) return jsonResponse({ status: "ok" });
  return jsonResponse({
    status: "failing",
    message:
      `The log takes no more writes until the gateway restarts: ${failure.message}`,
  }, { status: 503 });
}

function operationalRoutes(
  metrics: GatewayMetrics,
  logs: { topics: TopicLog; streams: StreamLog },
): Route[] {
  return [
    defineRoute("/healthz", { GET: () => health(logs) }, { auth: false }),
    defineRoute("/metrics", {
      GET: () =>
        new Response(metrics.render(), {
          headers: {
            "content-type": "text/plain; version=0.0.4; charset=utf-8",
          },
        }),
    }, { auth: false }),
  ];
}

/**
 * Creates the gateway handler over a topic log and a stream log.
 *
 * @example
 * ```ts
 * import { createGateway } from "./gateway.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * const gw = createGateway({ topics: log.topics, streams: log.streams });
 * const res = await gw.handler(new Request("http://localhost/healthz"));
 * console.log(res.status, await res.json()); // 200 { status: "ok" }
 * await log.close();
 * ```
 */
export function createGateway(options: GatewayOptions): Gateway {
  const metrics = new GatewayMetrics();
  const failures = new FailureLog({ logger: options.logger });
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const keys = options.apiKeys?.filter((k) => k !== "") ?? [];
  const keyOk = keys.length > 0 ? keyChecker(keys) : () => true;
  const routes = [
    ...operationalRoutes(metrics, options),
    ...topicRoutes(),
    ...streamRoutes(),
  ];
  const { topics, streams } = options;
  // Requests hit a handful of paths: remember their matches (bounded; params frozen).
  const matches = new Map<string, RouteMatch | null>();
  const matchPath = (path: string): RouteMatch | null => {
    let match = matches.get(path);
    if (match === undefined) {
      match = matchRoute(routes, path);
      if (match) Object.freeze(match.params);
      if (matches.size >= 1024) matches.clear();
      matches.set(path, match);
    }
    return match;
  };

  async function handler(req: Request): Promise<Response> {
    const started = performance.now();
    const path = pathOf(req.url);
    const match = matchPath(path);
    let response: Response;
    try {
      if (match === null) {
        throw new GatewayError(
          `No route for ${req.method} ${path}; see GET /topics and GET /streams.`,
          {
            status: 404,
            errorCode: 404,
          },
        );
      }
      const run = routeMethod(match.route, req.method);
      if (run === undefined) {
        const allowed = allowedMethods(match.route).join(", ");
        throw new GatewayError(
          `Method ${req.method} is not allowed on ${match.route.template}; use ${allowed}.`,
          {
            status: 405,
            errorCode: 405,
            context: { allowed },
          },
        );
      }
      if (fromWebPage(req)) throw new CrossSiteRequestError();
      if (match.route.auth && !keyOk(req)) throw new ForbiddenError();
      response = await run({
        req,
        params: match.params,
        topics,
        streams,
        metrics,
        maxBodyBytes,
      });
    } catch (err) {
      const gwErr = toGatewayError(err);
      if (gwErr.status >= 500 && match !== null) {
        failures.failed(`${req.method} ${match.route.template}`, {
          error: err,
          answered: gwErr,
        });
      }
      metrics.addError(gwErr.errorCode);
      response = jsonResponse(gwErr.toBody(), {
        status: gwErr.status,
        contentType: match?.route.contentType,
      });
      if (gwErr.status === 405) {
        response.headers.set("allow", String(gwErr.context.allowed));
      }
      // Unread request bodies are dropped by the server; cancel to free them early.
      if (req.body !== null && !req.bodyUsed) {
        await req.body.cancel().catch(() => {});
      }
    }
    // Only a request served (2xx) shows the backend answers again: a refused one (a
    // malformed body, a client that hung up) may never have reached it.
    if (failures.open && response.status < 300 && match !== null) {
      failures.succeeded(`${req.method} ${match.route.template}`);
    }
    metrics.observeRequest({
      route: match?.route.template ?? "unmatched",
      method: METHODS.has(req.method) ? req.method : "OTHER",
      status: response.status,
      durationSeconds: (performance.now() - started) / 1000,
    });
    return response;
  }

  return { handler, metrics };
}
