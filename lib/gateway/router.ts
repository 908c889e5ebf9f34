/**
 * A small path router: route templates like `/streams/{stream}/record`, per-method
 * handlers, and JSON response helpers.
 *
 * @module
 */

import type { StreamLog, TopicLog } from "../log/types.ts";
import type { GatewayMetrics } from "./metrics.ts";

/**
 * Media type of REST Proxy v2 responses.
 *
 * @example
 * ```ts
 * import { KAFKA_V2_JSON } from "./router.ts";
 * console.log(KAFKA_V2_JSON); // application/vnd.kafka.v2+json
 * ```
 */
export const KAFKA_V2_JSON = "application/vnd.kafka.v2+json";

/**
 * What a route handler receives.
 *
 * @example
 * ```ts
 * import { defineRoute, jsonResponse, matchRoute, type RouteContext } from "./router.ts";
 * async function describeTopic(ctx: RouteContext): Promise<Response> {
 *   return jsonResponse(await ctx.topics.describeTopic(ctx.params.topic));
 * }
 * const routes = [defineRoute("/topics/{topic}", { GET: describeTopic })];
 * console.log(matchRoute(routes, "/topics/demo.pin")?.params); // { topic: "demo.pin" }: ctx.params of the call
 * ```
 */
export interface RouteContext {
  req: Request;
  /** Decoded path parameters, e.g. `{ topic: "pinterest.pin" }`. */
  params: Record<string, string>;
  topics: TopicLog;
  streams: StreamLog;
  metrics: GatewayMetrics;
  maxBodyBytes: number;
}

/**
 * Answers one request on a matched route.
 *
 * @example
 * ```ts
 * import { defineRoute, type RouteHandler } from "./router.ts";
 * const health: RouteHandler = () => Response.json({ status: "ok" });
 * const route = defineRoute("/healthz", { GET: health }, { auth: false });
 * console.log(Object.keys(route.methods)); // ["GET"]
 * ```
 */
export type RouteHandler = (ctx: RouteContext) => Promise<Response> | Response;

/**
 * A route: its template, per-method handlers and how it answers.
 *
 * @example
 * ```ts
 * import { defineRoute, type Route } from "./router.ts";
 * const route: Route = defineRoute("/streams/{stream}/record", { PUT: () => new Response() });
 * console.log(route.segments, route.auth, route.contentType); // ["streams", "{stream}", "record"] true application/json
 * ```
 */
export interface Route {
  /** The template, also the `route` label of the request metric. */
  template: string;
  segments: string[];
  methods: Record<string, RouteHandler>;
  /** Whether the API key is required (when keys are configured). */
  auth: boolean;
  /** Content type of this route's JSON answers, errors included. */
  contentType: string;
}

/**
 * Options of {@linkcode defineRoute}.
 *
 * @example
 * ```ts
 * import { defineRoute, type DefineRouteOptions, KAFKA_V2_JSON } from "./router.ts";
 * const options: DefineRouteOptions = { auth: false, contentType: KAFKA_V2_JSON };
 * const route = defineRoute("/topics", { GET: () => new Response("[]") }, options);
 * console.log(route.auth, route.contentType); // false application/vnd.kafka.v2+json
 * ```
 */
export interface DefineRouteOptions {
  /** Whether the API key is required (default true). */
  auth?: boolean;
  /** Content type of the route's JSON answers (default `application/json`). */
  contentType?: string;
}

/**
 * Defines a route from a template where `{name}` segments are parameters.
 *
 * @example
 * ```ts
 * import { defineRoute } from "./router.ts";
 * const route = defineRoute("/healthz", { GET: () => Response.json({ status: "ok" }) }, { auth: false });
 * console.log(route.segments); // ["healthz"]
 * ```
 */
export function defineRoute(
  template: string,
  methods: Record<string, RouteHandler>,
  options: DefineRouteOptions = {},
): Route {
  return {
    template,
    segments: template.split("/").filter((s) => s !== ""),
    methods,
    auth: options.auth ?? true,
    contentType: options.contentType ?? "application/json",
  };
}

/**
 * The handler of `method` on `route`, or `undefined` when the route does not take it. Only
 * the route's own methods count (a request whose method is `toString` or `constructor`
 * gets no `Object.prototype` member), and `HEAD` runs the `GET` handler: the HTTP server
 * sends the answer's status and headers without its body (`wget --spider`, `curl -I`).
 *
 * @example
 * ```ts
 * import { defineRoute, routeMethod } from "./router.ts";
 * const route = defineRoute("/healthz", { GET: () => new Response("ok") });
 * console.log(routeMethod(route, "HEAD") === route.methods.GET); // true
 * console.log(routeMethod(route, "toString")); // undefined
 * ```
 */
export function routeMethod(
  route: Route,
  method: string,
): RouteHandler | undefined {
  const methods = route.methods;
  if (Object.hasOwn(methods, method)) return methods[method];
  if (method === "HEAD" && Object.hasOwn(methods, "GET")) return methods.GET;
  return undefined;
}

/**
 * The methods `route` takes, as its `Allow` header lists them: its own, with `HEAD` after
 * `GET` (see {@linkcode routeMethod}).
 *
 * @example
 * ```ts
 * import { allowedMethods, defineRoute } from "./router.ts";
 * const ok = () => new Response();
 * console.log(allowedMethods(defineRoute("/topics/{topic}", { GET: ok, POST: ok })));
 * // ["GET", "HEAD", "POST"]
 * ```
 */
export function allowedMethods(route: Route): string[] {
  const own = Object.keys(route.methods);
  return own.flatMap((m) =>
    m === "GET" && !own.includes("HEAD") ? ["GET", "HEAD"] : [m]
  );
}

/**
 * A matched route and its decoded parameters.
 *
 * @example
 * ```ts
 * import { defineRoute, matchRoute, type RouteMatch } from "./router.ts";
 * const routes = [defineRoute("/streams/{stream}", { GET: () => new Response() })];
 * const match: RouteMatch | null = matchRoute(routes, "/streams/streaming%2Dpinterest%2Dpin/");
 * console.log(match?.route.template, match?.params.stream); // /streams/{stream} streaming-pinterest-pin
 * ```
 */
export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

/**
 * Finds the route matching `pathname` (a trailing slash is ignored), or `null`.
 *
 * @example
 * ```ts
 * import { defineRoute, matchRoute } from "./router.ts";
 * const routes = [defineRoute("/topics/{topic}", { POST: () => new Response() })];
 * console.log(matchRoute(routes, "/topics/pinterest.pin")?.params); // { topic: "pinterest.pin" }
 * ```
 */
export function matchRoute(
  routes: Route[],
  pathname: string,
): RouteMatch | null {
  const parts = pathname.split("/").filter((s) => s !== "");
  outer: for (const route of routes) {
    if (route.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < parts.length; i++) {
      const seg = route.segments[i];
      if (seg.startsWith("{") && seg.endsWith("}")) {
        let value: string;
        try {
          value = decodeURIComponent(parts[i]);
        } catch {
          continue outer;
        }
        params[seg.slice(1, -1)] = value;
      } else if (seg !== parts[i]) {
        continue outer;
      }
    }
    return { route, params };
  }
  return null;
}

/**
 * A JSON response with an explicit content type.
 *
 * @example
 * ```ts
 * import { jsonResponse, KAFKA_V2_JSON } from "./router.ts";
 * const res = jsonResponse(["pinterest.pin"], { contentType: KAFKA_V2_JSON });
 * console.log(res.headers.get("content-type")); // application/vnd.kafka.v2+json
 * ```
 */
export function jsonResponse(
  body: unknown,
  options: { status?: number; contentType?: string } = {},
): Response {
  return new Response(JSON.stringify(body), {
    status: options.status ?? 200,
    headers: { "content-type": options.contentType ?? "application/json" },
  });
}
