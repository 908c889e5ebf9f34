import assert from "node:assert/strict";
import {
  expectError,
  GOOD_STREAM_BODY,
  GOOD_TOPIC_BODY,
  post,
  put,
  stored,
  STREAM,
  TOPIC,
  withGateway,
} from "./test_support.ts";

Deno.test("unknown topic: 404 40401, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const res = await gw.handler(post("/topics/nope.pin", GOOD_TOPIC_BODY));
    assert.equal(
      res.headers.get("content-type"),
      "application/vnd.kafka.v2+json",
    );
    assert.equal(
      await expectError(res, { status: 404, errorCode: 40401 }),
      'Topic "nope.pin" does not exist. List topics with GET /topics, or create it first.',
    );
    await expectError(
      await gw.handler(new Request("http://gw/topics/nope.pin")),
      { status: 404, errorCode: 40401 },
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    assert.deepEqual((await log.topics.listTopics()).map((t) => t.name), [
      TOPIC,
    ]);
  });
});

Deno.test("unknown stream: 404 40401 on every stream route, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    await expectError(
      await gw.handler(put("/streams/nope/record", GOOD_STREAM_BODY)),
      { status: 404, errorCode: 40401 },
    );
    const batch = { Records: [{ Data: "x", PartitionKey: "p" }] };
    await expectError(await gw.handler(put("/streams/nope/records", batch)), {
      status: 404,
      errorCode: 40401,
    });
    await expectError(await gw.handler(new Request("http://gw/streams/nope")), {
      status: 404,
      errorCode: 40401,
    });
    const del = new Request("http://gw/streams/nope", { method: "DELETE" });
    await expectError(await gw.handler(del), { status: 404, errorCode: 40401 });
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    assert.deepEqual(await log.streams.listStreams(), [STREAM]);
  });
});

Deno.test("partition not found: 404 40402, the valid records are not appended either", async () => {
  await withGateway(async (gw, log) => {
    const body = {
      records: [{ value: 1, partition: 0 }, { value: 2, partition: 2 }],
    };
    const msg = await expectError(
      await gw.handler(post(`/topics/${TOPIC}`, body)),
      { status: 404, errorCode: 40402 },
    );
    assert.equal(
      msg,
      'Partition 2 not found in topic "pinterest.pin" (it has 2); use 0 to 1 or omit "partition".',
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("existing stream: 409 40901 and the stream is untouched", async () => {
  await withGateway(async (gw, log) => {
    await log.streams.putRecords(STREAM, [{
      data: new Uint8Array([49]),
      partitionKey: "p",
    }]);
    const res = await gw.handler(
      post(`/streams/${STREAM}`, { ShardCount: 3 }, {
        contentType: "application/json",
      }),
    );
    await expectError(res, { status: 409, errorCode: 40901 });
    assert.equal((await log.streams.describeStream(STREAM)).shards.length, 1);
    assert.deepEqual(await stored(log), { topic: 0, stream: 1 });
  });
});

Deno.test("body over the limit: 413 41301 one byte over, 200 at exactly the limit", async () => {
  await withGateway(async (gw, log) => {
    const sized = (n: number) => {
      const head = '{"records":[{"value":"';
      const tail = '"}]}';
      return head + "x".repeat(n - head.length - tail.length) + tail;
    };
    assert.equal(new TextEncoder().encode(sized(1025)).length, 1025);
    const message = await expectError(
      await gw.handler(post(`/topics/${TOPIC}`, sized(1025))),
      { status: 413, errorCode: 41301 },
    );
    assert.equal(
      message,
      "Request body is larger than 1024 bytes; send fewer records per request, or start the gateway with a larger --max-body-bytes.",
    );
    const streamBody = JSON.stringify({
      Data: "y".repeat(1100),
      PartitionKey: "p",
    });
    await expectError(
      await gw.handler(put(`/streams/${STREAM}/record`, streamBody)),
      { status: 413, errorCode: 41301 },
    );
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    const ok = await gw.handler(post(`/topics/${TOPIC}`, sized(1024)));
    assert.equal(ok.status, 200);
    assert.deepEqual(await stored(log), { topic: 1, stream: 0 });
  }, { maxBodyBytes: 1024 });
});

Deno.test("API keys: 403 40301 without or with a wrong x-api-key, 200 with a right one", async () => {
  await withGateway(async (gw, log) => {
    const withKey = (key?: string) => {
      const req = post(`/topics/${TOPIC}`, GOOD_TOPIC_BODY);
      if (key !== undefined) req.headers.set("x-api-key", key);
      return req;
    };
    await expectError(await gw.handler(withKey()), {
      status: 403,
      errorCode: 40301,
    });
    await expectError(await gw.handler(withKey("k3")), {
      status: 403,
      errorCode: 40301,
    });
    // Keys of other lengths than the right ones (compared as digests).
    for (const wrong of ["K1", "k", "k1k1", "k1\u00e9"]) {
      await expectError(await gw.handler(withKey(wrong)), {
        status: 403,
        errorCode: 40301,
      });
    }
    await expectError(await gw.handler(new Request("http://gw/streams")), {
      status: 403,
      errorCode: 40301,
    });
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
    assert.equal((await gw.handler(withKey("k2"))).status, 200);
    assert.equal(
      (await gw.handler(new Request("http://gw/healthz"))).status,
      200,
    );
    assert.deepEqual(await stored(log), { topic: 1, stream: 0 });
  }, { apiKeys: ["k1", "k2"] });
});

Deno.test("unknown route: 404 404; wrong method: 405 405 with Allow", async () => {
  await withGateway(async (gw, log) => {
    await expectError(await gw.handler(new Request("http://gw/nothing/here")), {
      status: 404,
      errorCode: 404,
    });
    await expectError(
      await gw.handler(post("/topics/a/b/c", GOOD_TOPIC_BODY)),
      { status: 404, errorCode: 404 },
    );
    const res = await gw.handler(put(`/topics/${TOPIC}`, GOOD_TOPIC_BODY));
    assert.equal(res.headers.get("allow"), "GET, HEAD, POST");
    await expectError(res, { status: 405, errorCode: 405 });
    const get = new Request(`http://gw/streams/${STREAM}/record`);
    await expectError(await gw.handler(get), { status: 405, errorCode: 405 });
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("a method named like an Object.prototype member: 405 405 with Allow, not a 500", async () => {
  const lines: string[] = [];
  const logger = {
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
  };
  await withGateway(async (gw, log) => {
    for (
      const method of ["constructor", "toString", "valueOf", "hasOwnProperty"]
    ) {
      const req = new Request(`http://gw/topics/${TOPIC}`, {
        method,
        headers: { "content-type": "application/vnd.kafka.json.v2+json" },
      });
      const res = await gw.handler(req);
      assert.equal(res.headers.get("allow"), "GET, HEAD, POST", method);
      assert.equal(
        await expectError(res, { status: 405, errorCode: 405 }),
        `Method ${method} is not allowed on /topics/{topic}; use GET, HEAD, POST.`,
      );
    }
    assert.deepEqual(lines, []);
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  }, { logger });
});
