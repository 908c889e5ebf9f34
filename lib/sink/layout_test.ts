import assert from "node:assert/strict";
import {
  countLines,
  encodeLine,
  joinLines,
  objectKey,
  parseObjectKey,
  partitionPrefix,
} from "./layout.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("layout: Confluent object keys, padded to 10 digits", () => {
  assert.equal(
    partitionPrefix("pinterest.pin", 0),
    "topics/pinterest.pin/partition=0/",
  );
  assert.equal(
    objectKey({ topic: "pinterest.pin", partition: 0, startOffset: 0 }),
    "topics/pinterest.pin/partition=0/pinterest.pin+0+0000000000.json",
  );
  assert.equal(
    objectKey({ topic: "pinterest.geo", partition: 12, startOffset: 1234567 }),
    "topics/pinterest.geo/partition=12/pinterest.geo+12+0001234567.json",
  );
  assert.equal(
    objectKey({ topic: "t", partition: 1, startOffset: 12345678901 }),
    "topics/t/partition=1/t+1+12345678901.json",
  );
});

Deno.test("layout: parseObjectKey inverts objectKey and rejects other keys", () => {
  for (
    const [t, p, o] of [["a.pin", 0, 0], ["x-y_z", 3, 500], [
      "t",
      1,
      12345678901,
    ]] as const
  ) {
    assert.deepEqual(
      parseObjectKey(objectKey({ topic: t, partition: p, startOffset: o })),
      {
        topic: t,
        partition: p,
        startOffset: o,
      },
    );
  }
  for (
    const key of [
      "topics/a/partition=0/a+0+000000000.json", // 9 digits
      "topics/a/partition=0/a+0+00000000001.json", // 11 digits with a leading zero
      "topics/a/partition=0/b+0+0000000000.json", // other topic
      "topics/a/partition=0/a+1+0000000000.json", // other partition
      "topics/a/partition=01/a+01+0000000000.json", // non-canonical partition
      "topics/a/partition=0/a+0+0000000000.json.tmp",
      "topics/a/partition=0/sub/a+0+0000000000.json",
      "other/a/partition=0/a+0+0000000000.json",
    ]
  ) {
    assert.equal(parseObjectKey(key), null, key);
  }
});

Deno.test("layout: encodeLine keeps one-line values and puts every value on one line", () => {
  assert.equal(dec(encodeLine(enc('{"a":1,"b":"x y"}'))), '{"a":1,"b":"x y"}');
  assert.equal(dec(encodeLine(enc(""))), "null");
  assert.equal(dec(encodeLine(enc('{\n  "a": [1,\r\n 2]\n}'))), '{"a":[1,2]}');
  assert.equal(dec(encodeLine(enc("not\njson"))), '"not\\njson"');
  const same = enc('{"s":"tab\\tand\\nescaped"}');
  assert.equal(encodeLine(same), same);
});

Deno.test("layout: encodeLine puts a JSON value spanning lines on one line with its tokens as produced", () => {
  // Pretty-printed JSON (Python's json.dumps(indent=2)) from a client producing to Kafka
  // directly: only the whitespace outside strings goes; numbers past 2^53, 1.0, member
  // order and repeated members stay as on one line.
  const pretty = '{\n  "id": 12345678901234567890,\n  "x": 1.0,\n  "b": 1,\n' +
    '  "1": 2,\n  "a": 1,\r\n  "a": 2,\n\t"s": "a  b\\n\\"}"\n}\n';
  assert.equal(
    dec(encodeLine(enc(pretty))),
    '{"id":12345678901234567890,"x":1.0,"b":1,"1":2,"a":1,"a":2,"s":"a  b\\n\\"}"}',
  );
  assert.equal(dec(encodeLine(enc("[\n1e400,\n-0\n]"))), "[1e400,-0]");
});

Deno.test("layout: encodeLine keeps a value that is not UTF-8 byte for byte, its line breaks as spaces", () => {
  const bad = new Uint8Array([...enc('{"a":\n"x'), 0xff, ...enc('"}')]);
  assert.deepEqual(
    encodeLine(bad),
    new Uint8Array([...enc('{"a": "x'), 0xff, ...enc('"}')]),
  );
  for (const size of [1, 2000]) {
    const oneLine = new Uint8Array([
      ...enc(`{"a":"${"x".repeat(size)}`),
      0xc3,
      ...enc('"}'),
    ]);
    assert.equal(encodeLine(oneLine), oneLine);
  }
});

Deno.test("layout: encodeLine stores a value nested deeper than 1,000 levels as a JSON string of its text", () => {
  const nest = (n: number) => `{"ind":${"[".repeat(n)}${"]".repeat(n)}}`;
  // 1,000 levels in all (the object and 999 arrays): kept as it is.
  const atLimit = enc(nest(999));
  assert.equal(encodeLine(atLimit), atLimit);
  assert.equal(dec(encodeLine(enc(nest(1000)))), JSON.stringify(nest(1000)));
  // On several lines too: the string keeps the text, line breaks included.
  const spread = `${nest(1000)}\n`;
  assert.equal(dec(encodeLine(enc(spread))), JSON.stringify(spread));
  // Brackets inside strings do not nest.
  const text = enc(JSON.stringify({ s: "[".repeat(5000) }));
  assert.equal(encodeLine(text), text);
});

Deno.test("layout: joinLines and countLines", () => {
  const body = joinLines([enc("1"), enc('{"a":2}'), enc("null")]);
  assert.equal(dec(body), '1\n{"a":2}\nnull\n');
  assert.equal(countLines(body), 3);
  assert.equal(dec(joinLines([])), "");
  assert.equal(countLines(enc("")), null);
  assert.equal(countLines(enc("1\n2")), null);
  assert.equal(countLines(enc("\n")), 1);
});
