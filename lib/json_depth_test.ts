import assert from "node:assert/strict";
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "./json_depth.ts";

const nested = (n: number) => "[".repeat(n) + "]".repeat(n);

Deno.test("jsonDepthExceeds: counts arrays and objects, up to exactly the limit", () => {
  assert.equal(jsonDepthExceeds("1", 0), false);
  assert.equal(jsonDepthExceeds("[]", 0), true);
  assert.equal(jsonDepthExceeds('{"a":{"b":[1,{}]}}', 4), false);
  assert.equal(jsonDepthExceeds('{"a":{"b":[1,{}]}}', 3), true);
  // Siblings close their level: three arrays in a row are one level deep.
  assert.equal(jsonDepthExceeds("[[],[],[]]", 2), false);
  assert.equal(jsonDepthExceeds(nested(MAX_JSON_DEPTH)), false);
  assert.equal(jsonDepthExceeds(nested(MAX_JSON_DEPTH + 1)), true);
  assert.equal(jsonDepthExceeds(`{"v":${nested(MAX_JSON_DEPTH)}}`), true);
});

Deno.test("jsonDepthExceeds: brackets in strings and after escapes are text", () => {
  assert.equal(jsonDepthExceeds('["[[[[{{{{"]', 1), false);
  assert.equal(jsonDepthExceeds('["\\"[[[[", "\\\\"]', 1), false);
  assert.equal(jsonDepthExceeds('["\\\\", [[]]]', 2), true);
  assert.equal(jsonDepthExceeds(`"${nested(5000)}"`), false);
});

Deno.test("jsonDepthExceeds: text no longer than the limit is not scanned", () => {
  // Four characters cannot open more than four levels.
  assert.equal(jsonDepthExceeds("[[[[", 4), false);
  assert.equal(jsonDepthExceeds("[[[[[", 4), true);
});
