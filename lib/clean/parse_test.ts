import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { parseNdjsonFiles, parseRawNdjson } from "./parse.ts";
import { scanNdjsonFilesAsText } from "./polars.ts";
import { RAW_COLUMNS } from "./schema.ts";
import { cleanUser } from "./user.ts";

const enc = (s: string) => new TextEncoder().encode(s);

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
