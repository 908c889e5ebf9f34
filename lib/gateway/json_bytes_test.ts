import assert from "node:assert/strict";
import { JsonBytes, NOT_FAST } from "./json_bytes.ts";

const enc = new TextEncoder();
const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Whether JsonBytes reads `bytes` as one JSON document. */
function readsWhole(bytes: Uint8Array): boolean {
  const json = new JsonBytes(bytes);
  try {
    const end = json.value(json.space(0));
    return json.space(end) === bytes.length;
  } catch (e) {
    if (e === NOT_FAST) return false;
    throw e;
  }
}

/** Whether a strict UTF-8 decode plus JSON.parse accept `bytes`. */
function parses(bytes: Uint8Array): boolean {
  try {
    JSON.parse(strict.decode(bytes));
    return true;
  } catch {
    return false;
  }
}

const VALID = [
  "0",
  "-0",
  "12",
  "-3.25",
  "1e5",
  "1E+5",
  "2.5e-3",
  "true",
  "false",
  "null",
  '""',
  '"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"',
  '"\\u00e9\\uD83D\\uDE00"',
  '"é ü 😀 ∑"',
  "[]",
  "{}",
  " [ 1 , 2 ] ",
  '{"a":{"b":[null,{}]}}',
  '{"a":1,"a":2}',
  "\t\r\n{\n}\n",
];
const INVALID = [
  "",
  " ",
  "01",
  "-",
  "1.",
  ".5",
  "1e",
  "+1",
  "NaN",
  "Infinity",
  "tru",
  "nul",
  "[1,]",
  "[,1]",
  "{,}",
  '{"a"}',
  '{"a":}',
  '{"a" 1}',
  "{'a':1}",
  '{"a":1,}',
  "[1 2]",
  '"abc',
  '"a\\x"',
  '"\\u12G4"',
  '"tab\there"',
  "[1]]",
  "{}{}",
  "\u00a0[]",
  "[1]\u00a0",
];

Deno.test("json bytes: accepts what JSON.parse accepts, refuses what it refuses (fixed cases)", () => {
  for (const text of VALID) {
    assert.equal(readsWhole(enc.encode(text)), true, text);
    assert.equal(parses(enc.encode(text)), true, text);
  }
  for (const text of INVALID) {
    assert.equal(readsWhole(enc.encode(text)), false, text);
    assert.equal(parses(enc.encode(text)), false, text);
  }
  // Escaped surrogates: a pair is read; half of one, which JSON.parse takes, is left to
  // the general path (which refuses it: no character).
  for (
    const [text, whole] of [
      ['"\\ud83d\\ude00"', true],
      ['"\\ud800"', false],
      [
        '"\\udc00"',
        false,
      ],
      ['"\\ud83d\\u0041"', false],
      ['"\\ud83dx"', false],
    ] as const
  ) {
    assert.equal(readsWhole(enc.encode(text)), whole, text);
    assert.equal(parses(enc.encode(text)), true, text);
  }
});

Deno.test("json bytes: malformed UTF-8 inside strings is refused, as a fatal decoder does", () => {
  const inString = (...bytes: number[]) =>
    new Uint8Array([0x22, ...bytes, 0x22]);
  const bad = [
    [0x80], // lone continuation byte
    [0xc0, 0x80], // overlong NUL
    [0xc3], // cut short
    [0xe0, 0x80, 0x80], // overlong 3-byte
    [0xed, 0xa0, 0x80], // UTF-16 surrogate
    [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
    [0xf5, 0x80, 0x80, 0x80],
    [0xe2, 0x82], // cut short
  ];
  for (const b of bad) {
    assert.equal(readsWhole(inString(...b)), false, String(b));
    assert.equal(parses(inString(...b)), false, String(b));
  }
  const good = [[0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [
    0xf4,
    0x8f,
    0xbf,
    0xbf,
  ]];
  for (const b of good) assert.equal(readsWhole(inString(...b)), true);
  // Bytes >= 0x80 outside strings are not JSON either.
  assert.equal(readsWhole(new Uint8Array([0x5b, 0xc3, 0xa9, 0x5d])), false);
});

/** A seeded random JSON value (xorshift), mixing every kind of token. */
function randomValue(next: () => number, depth: number): unknown {
  const pick = next() % (depth > 4 ? 4 : 7);
  const texts = [
    "",
    "a",
    'q"uote',
    "back\\slash",
    "é😀",
    "\n\t\u0001",
    "\u2028",
  ];
  switch (pick) {
    case 0:
      return (next() % 2000) - 1000 + (next() % 2 ? (next() % 100) / 8 : 0);
    case 1:
      return texts[next() % texts.length];
    case 2:
      return [true, false, null][next() % 3];
    case 3:
      return next() % 2 ? 1e21 * (next() % 5) : -0.000001 * (next() % 7);
    case 4:
      return Array.from(
        { length: next() % 4 },
        () => randomValue(next, depth + 1),
      );
    default:
      return Object.fromEntries(
        Array.from({ length: next() % 4 }, (_, i) => [
          `${texts[next() % texts.length]}${i}`,
          randomValue(next, depth + 1),
        ]),
      );
  }
}

Deno.test("json bytes: agrees with JSON.parse on 3,000 random documents and their mutations", () => {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const alphabet = enc.encode('{}[]":,.-+e0123456789 \\u"aéx\n');
  let accepted = 0;
  let refused = 0;
  for (let n = 0; n < 3000; n++) {
    const value = randomValue(next, 0);
    const text = n % 3 === 0
      ? JSON.stringify(value, null, 2)
      : JSON.stringify(value);
    const bytes = enc.encode(text);
    assert.equal(readsWhole(bytes), true, text);
    // Mutate: replace, drop or insert one byte, then both readers must agree.
    const at = next() % (bytes.length + 1);
    const b = alphabet[next() % alphabet.length];
    const mutated = [
      () => Uint8Array.from([...bytes.slice(0, at), b, ...bytes.slice(at + 1)]),
      () => Uint8Array.from([...bytes.slice(0, at), ...bytes.slice(at + 1)]),
      () => Uint8Array.from([...bytes.slice(0, at), b, ...bytes.slice(at)]),
    ][n % 3]();
    const ok = parses(mutated);
    assert.equal(readsWhole(mutated), ok, new TextDecoder().decode(mutated));
    if (ok) accepted++;
    else refused++;
  }
  // The mutations exercise both outcomes.
  assert.ok(accepted > 300 && refused > 300, `${accepted} / ${refused}`);
});

Deno.test("json bytes: loose counts whitespace inside values only; deep nesting gives up", () => {
  const json = new JsonBytes(enc.encode('  {"a": [1, 2]}  '));
  const end = json.value(json.space(0));
  assert.equal(end, 15);
  assert.equal(json.loose, 2);
  const deep = enc.encode("[".repeat(300) + "]".repeat(300));
  assert.equal(readsWhole(deep), false);
  assert.equal(parses(deep), true);
  assert.equal(readsWhole(enc.encode("[".repeat(200) + "]".repeat(200))), true);
});

Deno.test("json bytes: compact drops the whitespace outside strings and keeps every token", () => {
  let state = 0x2545f491;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const dec = new TextDecoder();
  for (let n = 0; n < 1000; n++) {
    const value = { " sp ace ": randomValue(next, 0), t: "a  b" };
    const pretty = JSON.stringify(value, null, n % 2 ? 2 : "\t");
    const json = new JsonBytes(enc.encode(pretty));
    const start = json.space(0);
    const end = json.value(start);
    assert.equal(dec.decode(json.compact(start, end)), JSON.stringify(value));
  }
  // Python's json.dumps separators; numbers and escapes as written, not as JSON.parse
  // and JSON.stringify would give them (12345678901234567000, 1, 100, 0, "A").
  const text =
    '{"n": 12345678901234567890, "f": [1.0, 1E+2, -0], "s": "a \\u0041 \\" b", "e": {}, "l": [ ]}';
  const json = new JsonBytes(enc.encode(text));
  const end = json.value(0);
  assert.equal(
    dec.decode(json.compact(0, end)),
    '{"n":12345678901234567890,"f":[1.0,1E+2,-0],"s":"a \\u0041 \\" b","e":{},"l":[]}',
  );
});
