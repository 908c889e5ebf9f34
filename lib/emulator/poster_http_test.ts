/**
 * sendRequest against HTTP answers beyond a plain status: redirects, which fetch would
 * follow as a GET without the record, and a Retry-After given as an HTTP date.
 */
import assert from "node:assert/strict";
import { PostError } from "./errors.ts";
import { buildRequest, sendRequest } from "./poster.ts";
import { targetsFor } from "./targets.ts";
import { accept, closedPort, startPeer } from "./test_peer.ts";
import { samplePosts } from "./test_posts.ts";

const [pinTopic] = targetsFor("batch", "pinterest");
const post = samplePosts()[0];

async function failure(promise: Promise<unknown>): Promise<PostError> {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof PostError, `PostError expected, got ${e}`);
    return e;
  }
  throw new Error("the request was expected to fail");
}

Deno.test("a redirect is a failure naming where it points, and the --api that avoids it, not a GET counted as accepted", async () => {
  // An http-to-https redirect in front of a REST Proxy: fetch followed 301/302/303 with a
  // GET and no body, GET /topics/{t} answered 200 with the topic's metadata, and the
  // record counted accepted though nothing was produced.
  for (const status of [301, 302, 303, 307, 308]) {
    const peer = await startPeer((seen, n) =>
      seen.path.startsWith("/old/")
        ? new Response(null, {
          status,
          headers: { location: seen.path.replace("/old/", "/new/") },
        })
        : accept(seen, n)
    );
    try {
      const error = await failure(
        sendRequest(`${peer.url}/old`, buildRequest(pinTopic, post)),
      );
      assert.equal(
        error.message,
        `HTTP ${status} from POST /topics/pinterest.pin: the API redirects to ${peer.url}/new/topics/pinterest.pin; give --api ${peer.url}/new`,
      );
      assert.deepEqual([error.status, error.retryable], [status, false]);
      assert.deepEqual(
        peer.requests.map((r) => `${r.method} ${r.path}`),
        ["POST /old/topics/pinterest.pin"],
      );
    } finally {
      await peer.close();
    }
  }
});

Deno.test("a Retry-After given as an HTTP date is the wait until then", async () => {
  // A whole second (an HTTP date has no milliseconds) a minute from now.
  const at = Math.ceil(Date.now() / 1000) * 1000 + 60_000;
  const answers = [
    new Response("slow down", {
      status: 429,
      headers: { "retry-after": new Date(at).toUTCString() },
    }),
    new Response("busy", {
      status: 503,
      headers: { "retry-after": "Thu, 01 Jan 1970 00:00:00 GMT" },
    }),
    new Response("busy", {
      status: 503,
      headers: { "retry-after": "soon" },
    }),
  ];
  const peer = await startPeer((_seen, n) => answers[n]);
  try {
    const before = Date.now();
    const e429 = await failure(
      sendRequest(peer.url, buildRequest(pinTopic, post)),
    );
    const after = Date.now();
    // The wait until then from the moment the answer was read: between the clock before
    // and after the request, whatever the host's load.
    assert.ok(
      e429.retryAfterMs !== undefined && e429.retryAfterMs >= at - after &&
        e429.retryAfterMs <= at - before,
      `retryAfterMs ${e429.retryAfterMs}, expected ${at - after}..${
        at - before
      }`,
    );
    const past = await failure(
      sendRequest(peer.url, buildRequest(pinTopic, post)),
    );
    assert.equal(past.retryAfterMs, 0);
    const unreadable = await failure(
      sendRequest(peer.url, buildRequest(pinTopic, post)),
    );
    assert.equal(unreadable.retryAfterMs, undefined);
  } finally {
    await peer.close();
  }
});

Deno.test("a password in the API's URL is not shown in failures", async () => {
  // A REST Proxy behind basic auth: --api https://user:secret@host. The password went into
  // every failure's message, and so into the printed summary and logs.
  const port = closedPort();
  const network = await failure(
    sendRequest(
      `http://user:secret@127.0.0.1:${port}/prod`,
      buildRequest(pinTopic, post),
    ),
  );
  assert.ok(
    network.message.startsWith(
      `POST /topics/pinterest.pin to http://user@127.0.0.1:${port}/prod/topics/pinterest.pin failed: `,
    ),
    network.message,
  );
  const peer = await startPeer(() =>
    new Response(null, { status: 308, headers: { location: "/v2/" } })
  );
  try {
    const redirect = await failure(
      sendRequest(
        peer.url.replace("://", "://user:secret@"),
        buildRequest(pinTopic, post),
      ),
    );
    assert.equal(
      redirect.message,
      `HTTP 308 from POST /topics/pinterest.pin: the API redirects to ${
        peer.url.replace("://", "://user@")
      }/v2/; give --api the URL it redirects to`,
    );
  } finally {
    await peer.close();
  }
});

Deno.test("retryable answers: 408 (the server timed the request out), 429 and 5xx; other 4xx are not", async () => {
  const statuses = [408, 429, 500, 503, 400, 403, 404, 409, 413, 415, 422];
  const peer = await startPeer((_seen, n) =>
    new Response("no", { status: statuses[n] })
  );
  try {
    const seen: [number | undefined, boolean][] = [];
    for (const _ of statuses) {
      const e = await failure(
        sendRequest(peer.url, buildRequest(pinTopic, post)),
      );
      seen.push([e.status, e.retryable]);
    }
    assert.deepEqual(
      seen,
      statuses.map((s) => [s, s === 408 || s === 429 || s >= 500]),
    );
  } finally {
    await peer.close();
  }
});
