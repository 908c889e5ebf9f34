import assert from "node:assert/strict";
import type { TopicRecordInput } from "../log/types.ts";
import { scanTopicRecords } from "./produce_bytes.ts";
import { parseTopicRecords } from "./validate.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A record as text, to compare the fast and the general path. */
function show(r: TopicRecordInput) {
  return { value: dec.decode(r.value), key: r.key, partition: r.partition };
}

const PIN = {
  index: 7528,
  title: 'Crafts for Kids — "easy" \\ fun 😀',
  follower_count: "124k",
  downloaded: 1,
  tags: ["a", "b"],
  nested: { empty: {}, list: [], n: -1.5e-7, t: true, f: false, z: null },
};

Deno.test("produce bytes: the fast path gives exactly the general path's records", () => {
  const bodies = [
    { records: [{ value: PIN }] },
    { records: [{ value: PIN, key: "k-1" }, { value: 3, partition: 0 }] },
    { records: [{ value: "text", key: 'ké\u00e9"q' }, { value: [1, 2] }] },
    {
      records: [{ value: true, key: 12 }, { value: { a: 1 }, key: { b: [2] } }],
    },
    { records: [{ value: PIN, key: null, partition: null }] },
    {
      records: Array.from(
        { length: 100 },
        (_, i) => ({ value: { ...PIN, index: i } }),
      ),
    },
    {
      value_schema: "ignored",
      records: [{ partition: 7, value: 0, extra: [1] }],
    },
  ];
  for (const body of bodies) {
    const text = JSON.stringify(body);
    const fast = scanTopicRecords(enc.encode(text));
    assert.ok(fast, text);
    assert.deepEqual(
      fast.map(show),
      parseTopicRecords(JSON.parse(text)).map(show),
    );
  }
  // The stored value is the client's bytes: no copy.
  const bytes = enc.encode(JSON.stringify({ records: [{ value: PIN }] }));
  const [rec] = scanTopicRecords(bytes)!;
  assert.equal(rec.value.buffer, bytes.buffer);
  assert.equal(dec.decode(rec.value), JSON.stringify(PIN));
});

Deno.test("produce bytes: whitespace around members is fine, duplicates keep the last", () => {
  const text =
    ' {\n "records" : [ { "value" : {"a":"b c"} , "key" : "x" , "key" : "y" } ] ,\n"records":[{"value":1},{"value":{"z":[]}}] }\n';
  const fast = scanTopicRecords(enc.encode(text));
  assert.deepEqual(fast?.map(show), [
    { value: "1", key: undefined, partition: undefined },
    { value: '{"z":[]}', key: undefined, partition: undefined },
  ]);
  assert.deepEqual(
    fast?.map(show),
    parseTopicRecords(JSON.parse(text)).map(show),
  );
  const keys = scanTopicRecords(
    enc.encode('{"records":[{"value":1,"key":"x","key":"y"}]}'),
  );
  assert.equal(keys?.[0].key, "y");
});

Deno.test("produce bytes: every other shape is left to the general path", () => {
  const others = [
    "",
    "[]",
    '{"records":[]}',
    '{"records":{}}',
    '{"records":[1]}',
    '{"other":1}',
    '{"records":[{"value":null}]}',
    '{"records":[{"key":"k"}]}',
    '{"records":[{"\\u0076alue":1}]}', // escaped member name
    '{"rec\\u006frds":[{"value":1}]}',
    '{"records":[{"value":1,"partition":1.0}]}',
    '{"records":[{"value":1,"partition":-1}]}',
    '{"records":[{"value":1,"partition":"0"}]}',
    '{"records":[{"value":1,"partition":12345678901}]}',
    '{"records":[{"value":1}]} x',
    '{"records":[{"value":1}]',
    '{"records":[{"value":01}]}',
    '\ufeff{"records":[{"value":1}]}',
  ];
  for (const text of others) {
    assert.equal(scanTopicRecords(enc.encode(text)), undefined, text);
  }
});

Deno.test("produce bytes: a value with whitespace (Python's json.dumps) is kept compacted, numbers as written", () => {
  // The body the course's posting script sends: json.dumps separators, ", " and ": ".
  const pretty = JSON.stringify({ records: [{ value: PIN }] }, null, 1)
    .replaceAll("\n", "").replace(/([,:]) ?/g, "$1 ");
  const fast = scanTopicRecords(enc.encode(pretty));
  assert.ok(fast, pretty);
  assert.deepEqual(
    fast.map(show),
    parseTopicRecords(JSON.parse(pretty)).map(show),
  );
  assert.equal(dec.decode(fast[0].value), JSON.stringify(PIN));
  const [rec] = scanTopicRecords(enc.encode(
    '{"records": [{"value": {"id": 12345678901234567890, "x": 1.0, "t": "a b"}}]}',
  ))!;
  assert.equal(
    dec.decode(rec.value),
    '{"id":12345678901234567890,"x":1.0,"t":"a b"}',
  );
});
