import assert from "node:assert/strict";
import {
  checkContentType,
  readBodyBytes,
  readJsonBody,
  TOPIC_CONTENT_TYPES,
} from "./body.ts";
import {
  BodyReadError,
  BodyTooLargeError,
  InvalidBodyError,
  UnsupportedMediaTypeError,
} from "./errors.ts";

/** A body of `chunks` chunks of `size` bytes that records how many chunks were pulled. */
function countingBody(chunks: number, size: number) {
  const state = { pulled: 0, cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks) return controller.close();
      state.pulled++;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
    cancel() {
      state.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { stream, state };
}

Deno.test("readBodyBytes stops reading once the limit is passed and cancels the body", async () => {
  const { stream, state } = countingBody(1000, 100);
  const req = new Request("http://x/", { method: "POST", body: stream });
  await assert.rejects(readBodyBytes(req, 250), (err) => {
    assert.ok(err instanceof BodyTooLargeError);
    assert.equal(err.status, 413);
    assert.equal(err.errorCode, 41301);
    return true;
  });
  // 3 chunks (300 bytes) pass the 250-byte limit; the other 997 are never pulled.
  assert.equal(state.pulled, 3);
  assert.equal(state.cancelled, true);
});

Deno.test("readBodyBytes rejects a declared Content-Length over the limit without reading", async () => {
  const { stream, state } = countingBody(10, 100);
  const req = new Request("http://x/", {
    method: "POST",
    body: stream,
    headers: { "content-length": "1000" },
  });
  await assert.rejects(readBodyBytes(req, 999), BodyTooLargeError);
  assert.equal(state.pulled, 0);
});

Deno.test("readBodyBytes reads a declared-length body and still checks its real size", async () => {
  const ok = new Request("http://x/", {
    method: "POST",
    body: "x".repeat(999),
  });
  assert.equal(ok.headers.get("content-length"), null);
  ok.headers.set("content-length", "999");
  assert.equal((await readBodyBytes(ok, 999)).length, 999);
  // An in-process Request may lie about its length; the real size is still refused.
  const lying = new Request("http://x/", {
    method: "POST",
    body: "x".repeat(2000),
    headers: { "content-length": "10" },
  });
  await assert.rejects(readBodyBytes(lying, 999), BodyTooLargeError);
});

Deno.test("readBodyBytes joins chunks up to exactly the limit", async () => {
  const { stream } = countingBody(5, 100);
  const bytes = await readBodyBytes(
    new Request("http://x/", { method: "POST", body: stream }),
    500,
  );
  assert.equal(bytes.length, 500);
  assert.ok(bytes.every((b) => b === 0x61));
  assert.equal((await readBodyBytes(new Request("http://x/"), 10)).length, 0);
});

Deno.test("readJsonBody parses JSON, maps bad JSON to 42201 and an empty body to undefined", async () => {
  const req = (body?: string) =>
    new Request("http://x/", { method: "POST", body });
  assert.deepEqual(await readJsonBody(req('{"a":[1,"é"]}'), 100), {
    a: [1, "é"],
  });
  assert.equal(await readJsonBody(req(), 100), undefined);
  await assert.rejects(readJsonBody(req("{"), 100), (err) => {
    assert.ok(err instanceof InvalidBodyError);
    assert.equal(err.status, 422);
    assert.equal(err.errorCode, 42201);
    return true;
  });
});

Deno.test("checkContentType ignores parameters and case, rejects others with 41501", () => {
  const req = (ct?: string) =>
    new Request("http://x/", {
      method: "POST",
      headers: ct ? { "content-type": ct } : {},
    });
  checkContentType(
    req("application/vnd.kafka.json.v2+json"),
    TOPIC_CONTENT_TYPES,
  );
  checkContentType(req("APPLICATION/JSON; charset=utf-8"), TOPIC_CONTENT_TYPES);
  for (const ct of ["text/plain", "application/jsonx", undefined]) {
    assert.throws(
      () => checkContentType(req(ct), TOPIC_CONTENT_TYPES),
      (err) => {
        assert.ok(err instanceof UnsupportedMediaTypeError);
        assert.equal(err.errorCode, 41501);
        return true;
      },
    );
  }
});

Deno.test("readBodyBytes: a body that fails mid-way (the client hung up) is a 400 400, with or without a Content-Length", async () => {
  const declared: Record<string, string>[] = [{}, { "content-length": "100" }];
  for (const headers of declared) {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"records"'));
        controller.error(new Deno.errors.BadResource("connection closed"));
      },
    });
    const req = new Request("http://x/", { method: "POST", body, headers });
    await assert.rejects(readBodyBytes(req, 1024), (err) => {
      assert.ok(err instanceof BodyReadError);
      assert.equal(err.status, 400);
      assert.equal(err.errorCode, 400);
      assert.equal(
        err.message,
        "The request body could not be read to its end (connection closed); the client closed the connection or sent less than its Content-Length. Nothing was stored: send the request again.",
      );
      return true;
    });
  }
});

Deno.test('checkContentType: a request without Content-Type is told the header is missing, not that "" is unsupported', () => {
  const message = (headers: Record<string, string>) => {
    try {
      checkContentType(
        new Request("http://x/", { method: "POST", headers }),
        TOPIC_CONTENT_TYPES,
      );
    } catch (err) {
      assert.ok(err instanceof UnsupportedMediaTypeError);
      return err.message;
    }
    assert.fail("accepted");
  };
  assert.equal(
    message({}),
    "No Content-Type header; send one of: application/vnd.kafka.json.v2+json, application/json.",
  );
  assert.equal(
    message({ "content-type": "text/plain" }),
    'Unsupported Content-Type "text/plain"; send one of: application/vnd.kafka.json.v2+json, application/json.',
  );
});
