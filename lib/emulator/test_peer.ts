/**
 * Test support for the emulator's tests: a real HTTP server on 127.0.0.1 that records
 * every request it receives (the emulator's peer, not a mock of a project module), and a
 * `SourceReader` over a fixed array of posts (test data).
 *
 * Not exported from `mod.ts`; only `*_test.ts` files import it.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Post, SourceReader } from "../source/types.ts";
import type { EmulationSummary } from "./summary.ts";

/**
 * One request as the peer saw it.
 *
 * @example
 * ```ts
 * import { type SeenRequest, startPeer } from "./test_peer.ts";
 * const peer = await startPeer();
 * await (await fetch(`${peer.url}/topics/t`, { method: "POST", headers: { "x-api-key": "k" }, body: "{}" })).text();
 * const seen: SeenRequest = peer.requests[0];
 * console.log(seen.method, seen.path, seen.apiKey, seen.body); // POST /topics/t k {}
 * await peer.close();
 * ```
 */
export interface SeenRequest {
  method: string;
  path: string;
  contentType: string | null;
  apiKey: string | null;
  /** The body parsed as JSON. */
  body: unknown;
}

/**
 * Decides the answer to the `n`-th request (0-based, in arrival order).
 *
 * @example
 * ```ts
 * import { type PeerAnswer, startPeer } from "./test_peer.ts";
 * const busy: PeerAnswer = () => new Response("busy", { status: 503, headers: { "retry-after": "1" } });
 * const peer = await startPeer(busy);
 * console.log((await fetch(`${peer.url}/streams/s/record`, { method: "PUT", body: "{}" })).status); // 503
 * await peer.close();
 * ```
 */
export type PeerAnswer = (
  seen: SeenRequest,
  n: number,
) => Response | Promise<Response>;

/**
 * A running peer.
 *
 * @example
 * ```ts
 * import { type Peer, startPeer } from "./test_peer.ts";
 * const peer: Peer = await startPeer(undefined, { delayMs: 50 });
 * const post = () => fetch(`${peer.url}/topics/t`, { method: "POST", body: "{}" }).then((r) => r.text());
 * await Promise.all([post(), post()]);
 * console.log(peer.requests.length, peer.maxInFlight()); // 2 2
 * await peer.close();
 * ```
 */
export interface Peer {
  url: string;
  requests: SeenRequest[];
  /** The highest number of requests being handled at the same time. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/**
 * The default answer: 200 in the REST Proxy v2 shape for topics, the Kinesis PutRecord
 * shape for streams.
 *
 * @example
 * ```ts
 * import { accept, startPeer } from "./test_peer.ts";
 * const peer = await startPeer((seen, n) => n === 0 ? new Response("busy", { status: 503 }) : accept(seen, n));
 * await peer.close();
 * ```
 */
export function accept(seen: SeenRequest, n: number): Response {
  if (seen.path.includes("/topics/")) {
    return Response.json({
      offsets: [{ partition: 0, offset: n, error_code: null, error: null }],
      key_schema_id: null,
      value_schema_id: null,
    });
  }
  return Response.json({
    ShardId: "shardId-000000000000",
    SequenceNumber: String(n),
  });
}

/**
 * Starts a peer on 127.0.0.1, port 0. `delayMs` holds every request before answering.
 *
 * @example
 * ```ts
 * import { startPeer } from "./test_peer.ts";
 * const peer = await startPeer();
 * await (await fetch(`${peer.url}/topics/t`, { method: "POST", body: "{}" })).text();
 * console.log(peer.requests.length); // 1
 * await peer.close();
 * ```
 */
export function startPeer(
  answer: PeerAnswer = accept,
  options: { delayMs?: number } = {},
): Promise<Peer> {
  const requests: SeenRequest[] = [];
  let inFlight = 0;
  let max = 0;
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
  }, async (req) => {
    inFlight++;
    max = Math.max(max, inFlight);
    try {
      const text = await req.text();
      const seen: SeenRequest = {
        method: req.method,
        path: new URL(req.url).pathname,
        contentType: req.headers.get("content-type"),
        apiKey: req.headers.get("x-api-key"),
        body: text === "" ? null : JSON.parse(text),
      };
      const n = requests.push(seen) - 1;
      if (options.delayMs) {
        await new Promise((r) => setTimeout(r, options.delayMs));
      }
      return await answer(seen, n);
    } finally {
      inFlight--;
    }
  });
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    maxInFlight: () => max,
    close: () => server.shutdown(),
  });
}

/**
 * A `SourceReader` over `posts`; `offsets` lists every offset read, in order.
 *
 * @example
 * ```ts
 * import { arraySource } from "./test_peer.ts";
 * const source = arraySource([]);
 * console.log(await source.rowCount()); // 0
 * ```
 */
export function arraySource(
  posts: Post[],
): SourceReader & { offsets: number[] } {
  const offsets: number[] = [];
  return {
    offsets,
    location: `memory:${posts.length} posts`,
    rowCount: () => Promise.resolve(posts.length),
    readPost(offset: number): Promise<Post> {
      offsets.push(offset);
      const post = posts[offset];
      if (!post) return Promise.reject(new RangeError(`no row at ${offset}`));
      return Promise.resolve(post);
    },
    close: () => Promise.resolve(),
  };
}

/**
 * A port nothing listens on (bound, then released).
 *
 * @example
 * ```ts
 * import { closedPort } from "./test_peer.ts";
 * const api = `http://127.0.0.1:${closedPort()}`;
 * console.log(api);
 * ```
 */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * A repeatable "random" function cycling through `values`.
 *
 * @example
 * ```ts
 * import { cycle } from "./test_peer.ts";
 * const random = cycle(0.5, 0.1);
 * console.log(random(), random(), random()); // 0.5 0.1 0.5
 * ```
 */
export function cycle(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length];
}

/**
 * The summary without its timing figures, after checking that throughput matches elapsed.
 *
 * @example
 * ```ts
 * import { withoutTiming } from "./test_peer.ts";
 * import type { EmulationSummary } from "./summary.ts";
 * function countsOnly(summary: EmulationSummary) {
 *   console.log(withoutTiming(summary).posts);
 * }
 * ```
 */
export function withoutTiming(
  s: EmulationSummary,
): Omit<
  EmulationSummary,
  | "elapsedMs"
  | "postsPerSecond"
  | "recordsPerSecond"
  | "msPerPost"
  | "startsPerSecond"
> {
  const {
    elapsedMs,
    postsPerSecond,
    recordsPerSecond,
    msPerPost,
    startsPerSecond,
    ...rest
  } = s;
  // Starts happen within the run.
  if (startsPerSecond !== undefined) {
    assert.ok(startsPerSecond >= (s.posts - 1) / (elapsedMs / 1000));
  }
  assert.ok(elapsedMs > 0);
  // Every finished post was timed: its source read and its requests, within the run.
  if (s.postsOk + s.postsFailed > 0) {
    assert.ok(msPerPost && msPerPost.source >= 0 && msPerPost.api > 0);
    assert.ok(msPerPost.source + msPerPost.api <= elapsedMs);
  } else assert.equal(msPerPost, undefined);
  assert.equal(
    postsPerSecond,
    (s.postsOk + s.postsFailed) / (elapsedMs / 1000),
  );
  assert.equal(recordsPerSecond, s.recordsAccepted / (elapsedMs / 1000));
  return rest;
}
