import assert from "node:assert/strict";
import type { StreamRecordInput } from "../log/types.ts";
import { scanStreamRecord, scanStreamRecords } from "./stream_bytes.ts";
import { parseStreamRecord, parseStreamRecords } from "./validate.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const show = (r: StreamRecordInput) => ({
  data: dec.decode(r.data),
  partitionKey: r.partitionKey,
});

const PIN = { index: 1, title: 'Crafts — "easy" 😀', tags: ["a"], n: null };

Deno.test("stream bytes: PutRecord and PutRecords bodies give exactly the general path's records", () => {
  const singles = [
    { StreamName: "s", Data: PIN, PartitionKey: "partition-1" },
    { Data: "plain text é", PartitionKey: "k" },
    { Data: [1, 2], PartitionKey: "ü".repeat(256), Extra: { x: 1 } },
    { Data: 42, PartitionKey: "k" },
  ];
  for (const body of singles) {
    const text = JSON.stringify(body);
    const fast = scanStreamRecord(enc.encode(text));
    assert.ok(fast, text);
    assert.deepEqual(show(fast), show(parseStreamRecord(JSON.parse(text))));
  }
  const batch = {
    StreamName: "s",
    Records: Array.from({ length: 500 }, (_, i) => ({
      Data: i % 2 ? PIN : `t${i}`,
      PartitionKey: `k${i}`,
    })),
  };
  const text = JSON.stringify(batch);
  const fast = scanStreamRecords(enc.encode(text));
  assert.equal(fast?.length, 500);
  assert.deepEqual(
    fast.map(show),
    parseStreamRecords(JSON.parse(text)).map(show),
  );
  // A string Data is stored as the string itself, from the body's bytes.
  const bytes = enc.encode('{"Data":"abc","PartitionKey":"p"}');
  const rec = scanStreamRecord(bytes)!;
  assert.equal(dec.decode(rec.data), "abc");
  assert.equal(rec.data.buffer, bytes.buffer);
});

Deno.test("stream bytes: every other shape is left to the general path", () => {
  const singles = [
    "",
    "[]",
    '{"Data":1}',
    '{"PartitionKey":"k"}',
    '{"Data":null,"PartitionKey":"k"}',
    '{"Data":"a\\nb","PartitionKey":"k"}',
    '{"Data":1,"PartitionKey":""}',
    '{"Data":1,"PartitionKey":1}',
    '{"Data":1,"PartitionKey":"k\\u0031"}',
    '{"D\\u0061ta":1,"PartitionKey":"k"}',
    `{"Data":1,"PartitionKey":"${"k".repeat(257)}"}`,
    `{"Data":"${"x".repeat(1_048_576)}","PartitionKey":"k"}`,
    '{"Data":1,"PartitionKey":"k"} {}',
  ];
  for (const text of singles) {
    assert.equal(
      scanStreamRecord(enc.encode(text)),
      undefined,
      text.slice(0, 80),
    );
  }
  const batches = [
    '{"Records":[]}',
    '{"Records":{}}',
    '{"Records":[1]}',
    '{"Records":[{"Data":1,"PartitionKey":"k"},{"Data":1}]}',
    JSON.stringify({
      Records: Array.from(
        { length: 501 },
        () => ({ Data: 1, PartitionKey: "k" }),
      ),
    }),
  ];
  for (const text of batches) {
    assert.equal(
      scanStreamRecords(enc.encode(text)),
      undefined,
      text.slice(0, 80),
    );
  }
});

Deno.test("stream bytes: Data with whitespace (Python's json.dumps) is kept compacted, numbers as written", () => {
  const single = scanStreamRecord(enc.encode(
    '{"StreamName": "s", "Data": {"id": 12345678901234567890, "x": [1.0, "a b"]}, "PartitionKey": "k"}',
  ));
  assert.deepEqual(single && show(single), {
    data: '{"id":12345678901234567890,"x":[1.0,"a b"]}',
    partitionKey: "k",
  });
  const body = JSON.stringify(
    { Records: [{ Data: PIN, PartitionKey: "p" }] },
    null,
    2,
  );
  const batch = scanStreamRecords(enc.encode(body));
  assert.deepEqual(
    batch?.map(show),
    parseStreamRecords(JSON.parse(body)).map(show),
  );
  assert.equal(batch?.[0] && dec.decode(batch[0].data), JSON.stringify(PIN));
});
