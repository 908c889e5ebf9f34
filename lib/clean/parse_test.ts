import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { ScratchWriteError } from "./errors.ts";
import { parseNdjsonFiles, parseRawNdjson } from "./parse.ts";
import { scanNdjsonFilesAsText } from "./polars.ts";
import { decodeUtf8, parseRawRecords } from "./parse_lines.ts";
import { RAW_COLUMNS } from "./schema.ts";
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

Deno.test("parse: bytes in chunks (no trailing newline, blank lines) number non-blank lines", async () => {
  const chunks = [enc('{"ind":1}\n\n{"ind":2}'), enc('{"ind":3}\n'), enc("")];
  const parsed = await parseRawNdjson("geo", chunks);
  assert.deepEqual(parsed.df.getColumn("_line").toArray(), [0, 1, 2]);
  assert.deepEqual(parsed.df.getColumn("ind").toArray(), ["1", "2", "3"]);
  assert.equal(parsed.raw(1), '{"ind":2}');
  assert.equal(parsed.raw(2), '{"ind":3}');
});

Deno.test("parse: bytes with a malformed line fall back line by line with the same numbering", async () => {
  const chunks = [enc('{"ind":1}\n\n{bad\n'), enc('{"ind":3}\n')];
  const parsed = await parseRawNdjson("geo", chunks);
  assert.deepEqual(parsed.df.getColumn("_line").toArray(), [0, 2]);
  assert.deepEqual(parsed.quarantine, [
    { table: "geo", reason: "malformed JSON", raw: "{bad" },
  ]);
  assert.equal(parsed.raw(2), '{"ind":3}');
});

Deno.test("parse: a line that is not UTF-8 is quarantined, not cleaned with U+FFFD in its text", async () => {
  // Bytes 0xff 0xfe inside a string: polars refuses the whole input, then the lines are
  // checked one by one (and the other chunk, valid UTF-8, is decoded in one go).
  const bad = new Uint8Array([
    ...enc('{"ind":2,"country":"bad '),
    0xff,
    0xfe,
    ...enc('"}'),
  ]);
  const chunks = [
    new Uint8Array([...enc('{"ind":1,"country":"ok"}\n'), ...bad, 0x0a]),
    enc('\n{"ind":3,"country":"fine"}\n'),
  ];
  const dir = await Deno.makeTempDir();
  const paths = chunks.map((_, i) => join(dir, `${i}.json`));
  chunks.forEach((c, i) => Deno.writeFileSync(paths[i], c));
  for (
    const parsed of [
      await parseRawNdjson("geo", chunks),
      await parseNdjsonFiles("geo", paths),
    ]
  ) {
    assert.deepEqual(parsed.df.select("_line", "country").toRecords(), [
      { _line: 0, country: "ok" },
      { _line: 2, country: "fine" },
    ]);
    assert.deepEqual(parsed.quarantine, [{
      table: "geo",
      reason: "malformed UTF-8",
      raw: '{"ind":2,"country":"bad \ufffd\ufffd"}',
    }]);
  }
  await Deno.remove(dir, { recursive: true });
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

Deno.test("parse: the scratch file goes away; a given tempDir is kept", async () => {
  const dir = await Deno.makeTempDir();
  await parseRawRecords("geo", ['{"ind": 1}'], { tempDir: dir });
  await parseRawNdjson("geo", [enc('{"ind": 1}\n')], { tempDir: dir });
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir);
});

Deno.test("parse: scratch space that cannot be written (a file where its folder should be) is a ScratchWriteError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const notDir = `${dir}/not-a-folder`;
    await Deno.writeTextFile(notDir, "x");
    await assert.rejects(
      parseRawNdjson("geo", [enc('{"ind": 1}\n')], { tempDir: notDir }),
      (e: unknown) => {
        assert.ok(e instanceof ScratchWriteError);
        assert.match(
          String(e.context.path),
          new RegExp(`^${notDir}/raw-[0-9a-f-]{36}\\.ndjson\\.tmp$`),
        );
        assert.match(
          e.message,
          /^Could not write .*, scratch space for the raw records polars reads \(Not a directory \(os error 20\).*\)\. Free disk space there \(or check its permissions\), then run again\.$/,
        );
        return true;
      },
    );
    const lake = `${dir}/a.json`;
    await Deno.writeTextFile(lake, '{"ind": 1}\n');
    await assert.rejects(
      parseNdjsonFiles("geo", [lake], { tempDir: notDir }),
      (e: unknown) =>
        e instanceof ScratchWriteError && e.context.path === notDir,
    );
    assert.equal(await Deno.readTextFile(notDir), "x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parse files: read in place, numbered across files like their concatenation", async () => {
  const dir = await Deno.makeTempDir();
  const a = `${dir}/a.json`, b = `${dir}/b.json`;
  await Deno.writeTextFile(a, '{"ind":1}\n\n{"ind":2}');
  await Deno.writeTextFile(b, '{"ind":3,"country":"Chad"}\n');
  const parsed = await parseNdjsonFiles("geo", [a, b]);
  assert.deepEqual(parsed.quarantine, []);
  assert.deepEqual(parsed.df.columns[0], "_line");
  assert.deepEqual(parsed.df.getColumn("_line").toArray(), [0, 1, 2]);
  assert.deepEqual(parsed.df.getColumn("ind").toArray(), ["1", "2", "3"]);
  assert.deepEqual(parsed.df.getColumn("country").toArray(), [
    null,
    null,
    "Chad",
  ]);
  assert.equal(parsed.raw(2), '{"ind":3,"country":"Chad"}');
  const bytes = await parseRawNdjson("geo", [
    await Deno.readFile(a),
    await Deno.readFile(b),
  ]);
  assert.deepEqual(parsed.df.toRecords(), bytes.df.toRecords());
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parse files: a malformed line falls back line by line; no files give no rows", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/a.json`, '{"ind":1}\n{bad\n');
  await Deno.writeTextFile(`${dir}/b.json`, '{"ind":3}\n');
  const parsed = await parseNdjsonFiles("geo", [
    `${dir}/a.json`,
    `${dir}/b.json`,
  ], { tempDir: dir });
  assert.deepEqual(parsed.df.getColumn("_line").toArray(), [0, 2]);
  assert.deepEqual(parsed.df.getColumn("ind").toArray(), ["1", "3"]);
  assert.deepEqual(parsed.quarantine, [
    { table: "geo", reason: "malformed JSON", raw: "{bad" },
  ]);
  assert.equal(parsed.raw(2), '{"ind":3}');
  const none = await parseNdjsonFiles("user", []);
  assert.equal(none.df.height, 0);
  assert.deepEqual(none.df.columns, ["_line", ...RAW_COLUMNS.user]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("parse files: kept in the order given (not by name), also past 10 files and in a folder named with glob characters", async () => {
  const dir = join(await Deno.makeTempDir(), "a[b]*?c");
  await Deno.mkdir(dir);
  const paths: string[] = [];
  for (let i = 11; i >= 0; i--) {
    const path = join(dir, `f${i}.json`);
    await Deno.writeTextFile(path, `{"ind":${i}}\n{"ind":${i + 100}}`);
    paths.push(path);
  }
  // polars itself (no line-by-line fallback): it throws if it cannot read the files
  const df = await scanNdjsonFilesAsText(paths, ["ind"], { tempDir: dir });
  const expected = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0].flatMap((i) => [
    String(i),
    String(i + 100),
  ]);
  assert.deepEqual(df.getColumn("ind").toArray(), expected);
  assert.deepEqual(df.getColumn("_line").toArray(), expected.map((_, i) => i));
  // The scan's folder of links is gone.
  assert.deepEqual(
    [...Deno.readDirSync(dir)].filter((e) => !e.name.endsWith(".json")),
    [],
  );
  await Deno.remove(dirname(dir), { recursive: true });
});

Deno.test("parse: records in a scratch folder named with glob characters are all read (polars took the path as a pattern and read nothing)", async () => {
  const root = await Deno.makeTempDir();
  try {
    const tempDir = join(root, "my data [2024] *?");
    await Deno.mkdir(tempDir);
    const body = enc('{"ind": 1, "age": 20}\n{"ind": 2, "age": 30}\n');
    const parsed = await parseRawNdjson("user", [body], { tempDir });
    assert.deepEqual(parsed.df.getColumn("ind").toArray(), ["1", "2"]);
    assert.deepEqual(parsed.quarantine, []);
    const lines = await parseRawRecords("user", ['{"ind": 3}', "not json"], {
      tempDir,
    });
    assert.deepEqual(lines.df.getColumn("ind").toArray(), ["3"]);
    assert.equal(lines.quarantine.length, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("parse files: a record of an object past V8's longest string (~512 MiB) is quarantined with its line, not a crash", async () => {
  // The object was decoded as one text for the quarantine row: 'buffer exceeds maximum
  // length' stopped the batch on a big object (a Confluent sink with a large flush.size).
  const dir = await Deno.makeTempDir();
  try {
    const lineBytes = 1 << 20;
    const count = 513; // 513 MiB, past 2^29 - 24 characters
    const tail = enc('{"ind":"x"}\n');
    const bytes = new Uint8Array(count * lineBytes + tail.length).fill(0x61);
    for (let i = 0; i < count; i++) {
      const at = i * lineBytes;
      bytes.set(enc(`{"ind":${i},"first_name":"`), at);
      bytes.set(enc('"}\n'), at + lineBytes - 3);
    }
    bytes.set(tail, count * lineBytes);
    const path = `${dir}/big.json`;
    await Deno.writeFile(path, bytes);
    const parsed = await parseNdjsonFiles("user", [path], { tempDir: dir });
    assert.deepEqual(parsed.quarantine, []);
    assert.equal(parsed.df.height, count + 1);
    const { clean, quarantine } = cleanUser(parsed.df, { raw: parsed.raw });
    assert.equal(clean.height, count);
    assert.deepEqual(clean.getColumn("ind").toArray().slice(-2), [511, 512]);
    assert.deepEqual(quarantine, [
      { table: "user", reason: "unparseable ind", raw: '{"ind":"x"}' },
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parse: a quarantined record of a CRLF object keeps its line without the line end's \\r", async () => {
  // The raw text was '{"ind":"x"}\r': the record as received plus half of its line end.
  const dir = await Deno.makeTempDir();
  try {
    const body = enc('{"ind":1}\r\n{"ind":"x"}\r\n{bad\r\n');
    const path = `${dir}/a.json`;
    await Deno.writeFile(path, body);
    for (
      const parsed of [
        await parseRawNdjson("user", [body], { tempDir: dir }),
        await parseNdjsonFiles("user", [path], { tempDir: dir }),
      ]
    ) {
      assert.deepEqual(parsed.quarantine, [
        { table: "user", reason: "malformed JSON", raw: "{bad" },
      ]);
      assert.deepEqual(cleanUser(parsed.df, { raw: parsed.raw }).quarantine, [
        { table: "user", reason: "unparseable ind", raw: '{"ind":"x"}' },
      ]);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
