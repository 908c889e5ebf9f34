import assert from "node:assert/strict";
import { silentLogger } from "../logger.ts";
import { expectError, stored, STREAM, withGateway } from "./test_support.ts";

const REFUSED =
  "Requests from web pages are refused: the gateway offers no CORS, so a page another site serves could otherwise write to it; call it from a program (the emulator, curl, an SDK), which sends no Origin or Sec-Fetch-Site header.";

Deno.test("gateway: a web page's cross-site request (no preflight: POST without a content type) creates no stream", async () => {
  await withGateway(async (gw, log) => {
    // What fetch(url, { method: "POST", mode: "no-cors", body: new Blob([...]) }) sends.
    const res = await gw.handler(
      new Request("http://127.0.0.1:8080/streams/from-a-page", {
        method: "POST",
        headers: {
          origin: "https://evil.example",
          "sec-fetch-site": "cross-site",
          "sec-fetch-mode": "no-cors",
        },
        body: new Blob(['{"ShardCount":3}']),
      }),
    );
    assert.equal(
      await expectError(res, { status: 403, errorCode: 40302 }),
      REFUSED,
    );
    assert.deepEqual(await log.streams.listStreams(), [STREAM]);
  }, { logger: silentLogger });
});

Deno.test("gateway: any Origin, or a Sec-Fetch-Site other than none, is refused; programs and the address bar are served", async () => {
  await withGateway(async (gw, log) => {
    const cases: [Record<string, string>, number][] = [
      [{ origin: "null" }, 403],
      [{ origin: "http://127.0.0.1:8080" }, 403], // a DNS-rebound page is same-origin
      [{ "sec-fetch-site": "same-origin" }, 403],
      [{ "sec-fetch-site": "same-site" }, 403],
      [{ "sec-fetch-site": "none" }, 200], // the user typed the URL
      [{}, 200],
    ];
    const got = [];
    for (const [headers] of cases) {
      const res = await gw.handler(
        new Request("http://127.0.0.1:8080/streams", { headers }),
      );
      await res.body?.cancel();
      got.push(res.status);
    }
    assert.deepEqual(got, cases.map(([, status]) => status));
    const put = await gw.handler(
      new Request(`http://127.0.0.1:8080/streams/${STREAM}/record`, {
        method: "PUT",
        headers: {
          "content-type": "application/json",
          origin: "http://127.0.0.1:8080",
        },
        body: JSON.stringify({ Data: { a: 1 }, PartitionKey: "p" }),
      }),
    );
    await expectError(put, { status: 403, errorCode: 40302 });
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  }, { logger: silentLogger });
});
