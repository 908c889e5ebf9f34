/**
 * A JSON string escape of half a UTF-16 surrogate pair (`"\ud800"`) is no character. The
 * gateway stored it as sent, and the batch's JSON reader turned it into U+0000 in the clean
 * table, silently. Such values are refused; escaped pairs (Python's `json.dumps` writes an
 * emoji as `"\ud83d\ude00"`) are taken.
 */
import assert from "node:assert/strict";
import {
  expectError,
  post,
  put,
  stored,
  STREAM,
  TOPIC,
  withGateway,
} from "./test_support.ts";

const LONE =
  "holds a lone UTF-16 surrogate escape, which is no character (the cleaners " +
  "would read another one); send the text as valid Unicode.";

Deno.test("lone surrogate escapes: 422 42202 on every route, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    const cases: [Request, string][] = [
      [
        post(
          `/topics/${TOPIC}`,
          '{"records":[{"value":{"title":"a\\ud800"}}]}',
        ),
        `records[0].value ${LONE}`,
      ],
      [
        post(
          `/topics/${TOPIC}`,
          '{"records":[{"value":{"a":1}},{"value":{"t":"\\udc00b"}}]}',
        ),
        `records[1].value ${LONE}`,
      ],
      [
        put(
          `/streams/${STREAM}/record`,
          '{"Data":{"title":"\\ud83d"},"PartitionKey":"p"}',
        ),
        `Body.Data ${LONE}`,
      ],
      [
        put(
          `/streams/${STREAM}/record`,
          '{"Data":"x\\ud800","PartitionKey":"p"}',
        ),
        `Body.Data ${LONE}`,
      ],
      [
        put(
          `/streams/${STREAM}/records`,
          '{"Records":[{"Data":1,"PartitionKey":"p"},{"Data":{"t":"\\udfff"},"PartitionKey":"p"}]}',
        ),
        `Records[1].Data ${LONE}`,
      ],
    ];
    for (const [req, message] of cases) {
      assert.equal(
        await expectError(await gw.handler(req), {
          status: 422,
          errorCode: 42202,
        }),
        message,
      );
    }
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("escaped surrogate pairs and an escaped backslash before 'ud800' are taken as sent", async () => {
  await withGateway(async (gw, log) => {
    const values = ['{"t":"\\ud83d\\ude00"}', '{"t":"\\\\ud800"}'];
    for (const value of values) {
      const res = await gw.handler(
        post(`/topics/${TOPIC}`, `{"records":[{"value":${value}}]}`),
      );
      assert.equal(res.status, 200, await res.clone().text());
      await res.body?.cancel();
    }
    const c = await log.topics.consumer("check", [TOPIC]);
    const records = await c.poll({ timeoutMs: 100 });
    await c.close();
    assert.deepEqual(
      records.map((r) => new TextDecoder().decode(r.value)),
      values,
    );
  });
});
