import assert from "node:assert/strict";
import { parseRawNdjson } from "./parse.ts";
import { decodeUtf8, parseRawRecords } from "./parse_lines.ts";
import { cleanPin } from "./pin.ts";
import { cleanUser } from "./user.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("parse: every JSON value becomes text; missing fields null; extra keys ignored", async () => {
  const line = JSON.stringify({
    ind: 1,
    first_name: true,
    last_name: { a: 1 },
    age: 1.5,
    date_joined: [1, 2],
    extra: "ignored",
  });
  const parsed = await parseRawRecords("user", [line, '{"ind": "2"}']);
  assert.deepEqual(parsed.quarantine, []);
  assert.deepEqual(parsed.df.columns, [
    "_line",
    "ind",
    "first_name",
    "last_name",
    "age",
    "date_joined",
  ]);
  assert.deepEqual(parsed.df.toRecords(), [
    {
      _line: 0,
      ind: "1",
      first_name: "true",
      last_name: '{"a": 1}',
      age: "1.5",
      date_joined: "[1, 2]",
    },
    {
      _line: 1,
      ind: "2",
      first_name: null,
      last_name: null,
      age: null,
      date_joined: null,
    },
  ]);
});

Deno.test("parse: malformed and non-object lines are quarantined; others keep their line numbers", async () => {
  const lines = [
    '{"ind": 1}',
    "{oops",
    "",
    "5",
    "[1]",
    "null",
    '"text"',
    '{"ind": 2}',
  ];
  const parsed = await parseRawRecords("geo", lines);
  assert.deepEqual(parsed.df.getColumn("_line").toArray(), [0, 7]);
  assert.deepEqual(parsed.df.getColumn("ind").toArray(), ["1", "2"]);
  assert.deepEqual(parsed.quarantine, [
    { table: "geo", reason: "malformed JSON", raw: "{oops" },
    { table: "geo", reason: "malformed JSON: not an object", raw: "5" },
    { table: "geo", reason: "malformed JSON: not an object", raw: "[1]" },
    { table: "geo", reason: "malformed JSON: not an object", raw: "null" },
    { table: "geo", reason: "malformed JSON: not an object", raw: '"text"' },
  ]);
  assert.equal(parsed.raw(7), '{"ind": 2}');
});

Deno.test("parse: lines nested deeper than 1,000 levels are quarantined before polars, which would crash on them", async () => {
  const deep = (n: number) => `{"ind":${"[".repeat(n)}${"]".repeat(n)}}`;
  // 20,000 levels overflowed polars' stack: a segmentation fault of the whole process.
  const lines = ['{"ind": 1}', deep(20_000), deep(999), deep(1000)];
  const parsed = await parseRawRecords("geo", lines);
  assert.deepEqual(parsed.df.getColumn("_line").toArray(), [0, 2]);
  assert.deepEqual(parsed.quarantine.map((q) => [q.reason, q.raw]), [
    ["malformed JSON: nested deeper than 1000 levels", lines[1]],
    ["malformed JSON: nested deeper than 1000 levels", lines[3]],
  ]);
});

Deno.test("parse: a JSON string holding text nested deeper than 1,000 levels (how the sink stores such a value) gets the depth reason", async () => {
  const deep = "[".repeat(1001) + "]".repeat(1001);
  const lines = ['{"ind": 1}', JSON.stringify(deep), JSON.stringify("[[1]]")];
  // Line by line, and in bulk (polars rejects the string lines, then the lines are checked).
  const body = enc(lines.join("\n") + "\n");
  for (
    const parsed of [
      await parseRawRecords("geo", lines),
      await parseRawNdjson("geo", [body]),
    ]
  ) {
    assert.deepEqual(parsed.df.getColumn("_line").toArray(), [0]);
    assert.deepEqual(parsed.quarantine.map((q) => [q.reason, q.raw]), [
      ["malformed JSON: nested deeper than 1000 levels", lines[1]],
      ["malformed JSON: not an object", lines[2]],
    ]);
  }
});

Deno.test("parse: a line JSON.parse accepts but polars rejects (1e400) is isolated by bisection", async () => {
  const lines = ['{"ind": 1}', '{"ind": 2}', '{"ind": 1e400}', '{"ind": 4}'];
  const parsed = await parseRawRecords("user", lines);
  assert.deepEqual(parsed.df.getColumn("_line").toArray(), [0, 1, 3]);
  assert.equal(parsed.quarantine.length, 1);
  assert.equal(parsed.quarantine[0].raw, '{"ind": 1e400}');
  assert.match(parsed.quarantine[0].reason, /^malformed JSON: .*InvalidNumber/);
});

Deno.test("parse: no lines and only blank lines give an empty frame with the raw columns", async () => {
  for (const lines of [[], ["", "  "]]) {
    const parsed = await parseRawRecords("pin", lines);
    assert.equal(parsed.df.height, 0);
    assert.equal(parsed.df.columns.length, 13);
    assert.deepEqual(parsed.quarantine, []);
  }
});

Deno.test("decodeUtf8: strict per text, U+FFFD and the index where bytes are not UTF-8", () => {
  const { texts, invalidUtf8 } = decodeUtf8([
    enc("é"),
    new Uint8Array([0xc3]), // a truncated two-byte sequence
    new Uint8Array([]),
    new Uint8Array([0xed, 0xa0, 0x80]), // an encoded surrogate
  ]);
  assert.deepEqual(texts, ["é", "\ufffd", "", "\ufffd\ufffd\ufffd"]);
  assert.deepEqual([...invalidUtf8], [1, 3]);
});

Deno.test("parse then clean: quarantine rows carry the original line", async () => {
  const bad = '{"index": 9, "follower_count": "12x", "downloaded": 1}';
  const lines = ['{"index": 1, "follower_count": "1M", "downloaded": 0}', bad];
  const parsed = await parseRawRecords("pin", lines);
  const { clean, quarantine } = cleanPin(parsed.df, { raw: parsed.raw });
  assert.deepEqual(clean.getColumn("follower_count").toArray(), [1_000_000]);
  assert.deepEqual(quarantine, [
    { table: "pin", reason: "unparseable follower_count", raw: bad },
  ]);
});

Deno.test("parse then clean: JSON wrong types are quarantined with their reason", async () => {
  const lines = [
    '{"ind": true, "age": 20}',
    '{"ind": 2, "age": {"years": 20}}',
    '{"ind": 3, "age": "20", "date_joined": false}',
    '{"ind": 4, "age": 20, "first_name": 5, "last_name": "X"}',
  ];
  const parsed = await parseRawRecords("user", lines);
  const { clean, quarantine } = cleanUser(parsed.df, { raw: parsed.raw });
  assert.deepEqual(clean.toRecords(), [
    { ind: 4, user_name: "5 X", age: 20, date_joined: null },
  ]);
  assert.deepEqual(quarantine.map((q) => [q.reason, q.raw]), [
    ["wrong type: ind must be a whole number", lines[0]],
    ["wrong type: age must be a whole number", lines[1]],
    ["wrong type: date_joined must be a datetime", lines[2]],
  ]);
});
