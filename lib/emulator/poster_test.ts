import assert from "node:assert/strict";
import { PostError } from "./errors.ts";
import { buildRequest, sendRequest } from "./poster.ts";
import { targetsFor } from "./targets.ts";
import { accept, closedPort, startPeer } from "./test_peer.ts";
import { samplePosts } from "./test_posts.ts";

const [pinTopic, geoTopic] = targetsFor("batch", "pinterest");
const userStream = targetsFor("stream", "pinterest")[2];
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

Deno.test("a topic request: POST, REST Proxy content type, records/value body, course datetimes", () => {
  assert.deepEqual(buildRequest(geoTopic, post), {
    target: geoTopic,
    method: "POST",
    path: "/topics/pinterest.geo",
    contentType: "application/vnd.kafka.json.v2+json",
    body:
      '{"records":[{"value":{"ind":7528,"timestamp":"2020-08-28 03:52:47",' +
      '"latitude":-89.9787,"longitude":-173.293,"country":"Albania"}}]}',
  });
});

Deno.test("a stream request: PUT .../record, StreamName, Data, PartitionKey from the row index", () => {
  assert.deepEqual(buildRequest(userStream, post), {
    target: userStream,
    method: "PUT",
    path: "/streams/streaming-pinterest-user/record",
    contentType: "application/json",
    body:
      '{"StreamName":"streaming-pinterest-user","Data":{"ind":7528,"first_name":"Abigail",' +
      '"last_name":"Ali","age":20,"date_joined":"2015-10-24 11:23:51"},"PartitionKey":"partition-7528"}',
  });
});

Deno.test("sendRequest delivers headers and body; the API base may carry a stage path", async () => {
  const peer = await startPeer();
  try {
    await sendRequest(`${peer.url}/prod/`, buildRequest(pinTopic, post), {
      apiKey: "k-123",
    });
    assert.equal(peer.requests.length, 1);
    const seen = peer.requests[0];
    assert.equal(seen.method, "POST");
    assert.equal(seen.path, "/prod/topics/pinterest.pin");
    assert.equal(seen.contentType, "application/vnd.kafka.json.v2+json");
    assert.equal(seen.apiKey, "k-123");
    assert.deepEqual(seen.body, { records: [{ value: { ...post.pin } }] });
  } finally {
    await peer.close();
  }
});

Deno.test("5xx and 429 are retryable, with the body and Retry-After; 422 is not", async () => {
  const answers = [
    new Response("busy", { status: 503, headers: { "retry-after": "2" } }),
    new Response("slow down", { status: 429 }),
    Response.json({ error_code: 42201, message: "Unrecognized field: valu" }, {
      status: 422,
    }),
  ];
  const peer = await startPeer((_seen, n) => answers[n]);
  try {
    const e503 = await failure(
      sendRequest(peer.url, buildRequest(pinTopic, post)),
    );
    assert.equal(
      e503.message,
      "HTTP 503 from POST /topics/pinterest.pin: busy",
    );
    assert.deepEqual([e503.status, e503.retryable, e503.retryAfterMs], [
      503,
      true,
      2000,
    ]);
    const e429 = await failure(
      sendRequest(peer.url, buildRequest(pinTopic, post)),
    );
    assert.deepEqual([e429.status, e429.retryable, e429.retryAfterMs], [
      429,
      true,
      undefined,
    ]);
    const e422 = await failure(
      sendRequest(peer.url, buildRequest(geoTopic, post)),
    );
    assert.equal(
      e422.message,
      'HTTP 422 from POST /topics/pinterest.geo: {"error_code":42201,"message":"Unrecognized field: valu"}',
    );
    assert.deepEqual([e422.status, e422.retryable, e422.target], [
      422,
      false,
      "pinterest.geo",
    ]);
    assert.equal(e422.code, "POST_FAILED");
  } finally {
    await peer.close();
  }
});

Deno.test("a 200 whose REST Proxy offsets carry an error is a failure (code 2 retryable)", async () => {
  const offsets = (code: number) => ({
    offsets: [{
      partition: null,
      offset: null,
      error_code: code,
      error: `broker said ${code}`,
    }],
  });
  const peer = await startPeer((seen, n) =>
    n === 2 ? accept(seen, n) : Response.json(offsets(n + 1))
  );
  try {
    const e1 = await failure(
      sendRequest(peer.url, buildRequest(pinTopic, post)),
    );
    assert.equal(
      e1.message,
      "POST /topics/pinterest.pin was refused by the broker: error_code 1: broker said 1",
    );
    assert.equal(e1.retryable, false);
    const e2 = await failure(
      sendRequest(peer.url, buildRequest(pinTopic, post)),
    );
    assert.equal(e2.retryable, true);
    await sendRequest(peer.url, buildRequest(pinTopic, post));
    assert.equal(peer.requests.length, 3);
  } finally {
    await peer.close();
  }
});

Deno.test("a 200 carrying a Kinesis error (API Gateway's default integration response) is a failure; throttling is retryable", async () => {
  const errors = [
    {
      __type: "ResourceNotFoundException",
      message: "Stream streaming-pinterest-user under account 1 not found.",
    },
    {
      __type: "com.amazonaws.kinesis#ProvisionedThroughputExceededException",
      message: "Rate exceeded for shard shardId-000000000000",
    },
  ];
  const peer = await startPeer((seen, n) =>
    n < errors.length ? Response.json(errors[n]) : accept(seen, n)
  );
  try {
    const missing = await failure(
      sendRequest(peer.url, buildRequest(userStream, post)),
    );
    assert.deepEqual([missing.message, missing.retryable, missing.status], [
      "PUT /streams/streaming-pinterest-user/record was refused by Kinesis: ResourceNotFoundException: Stream streaming-pinterest-user under account 1 not found.",
      false,
      200,
    ]);
    const throttled = await failure(
      sendRequest(peer.url, buildRequest(userStream, post)),
    );
    assert.deepEqual([throttled.message, throttled.retryable], [
      "PUT /streams/streaming-pinterest-user/record was refused by Kinesis: ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000",
      true,
    ]);
    await sendRequest(peer.url, buildRequest(userStream, post));
    assert.equal(peer.requests.length, 3);
  } finally {
    await peer.close();
  }
});

Deno.test("a closed port is a retryable network error naming the URL", async () => {
  const port = closedPort();
  const e = await failure(
    sendRequest(`http://127.0.0.1:${port}`, buildRequest(userStream, post)),
  );
  assert.ok(
    e.message.startsWith(
      `PUT /streams/streaming-pinterest-user/record to http://127.0.0.1:${port}/streams/streaming-pinterest-user/record failed: `,
    ),
    e.message,
  );
  assert.deepEqual([e.status, e.retryable, e.target], [
    undefined,
    true,
    "streaming-pinterest-user",
  ]);
  // Deno's fetch says only "fetch failed"; why (refused, no such host) is in its cause.
  assert.equal(
    e.message.slice(e.message.indexOf(" failed: ")).replace(
      / \(os error \d+\)$/,
      "",
    ),
    " failed: fetch failed: tcp connect error: Connection refused",
  );
});

Deno.test("no answer within timeoutMs is a retryable error", async () => {
  const peer = await startPeer(accept, { delayMs: 400 });
  try {
    const e = await failure(
      sendRequest(peer.url, buildRequest(pinTopic, post), { timeoutMs: 50 }),
    );
    assert.equal(
      e.message,
      `POST /topics/pinterest.pin to ${peer.url}/topics/pinterest.pin failed: no answer within 50 ms`,
    );
    assert.equal(e.retryable, true);
  } finally {
    await peer.close();
  }
});
