import assert from "node:assert/strict";
import { textWidth } from "./text_width.ts";

Deno.test("text width: Helvetica advance widths, +15%, at the font size", () => {
  // H 722 + i 222 = 944/1000 em; at 10 px, +15%: 10.856
  assert.equal(textWidth("Hi", { fontSize: 10 }), 10.86);
  // 11 px when Vega gives no size
  assert.equal(textWidth("Hi"), 11.94);
  assert.equal(textWidth("WWW", { fontSize: 10 }), 32.57);
  assert.equal(textWidth("iii", { fontSize: 10 }), 7.66);
  assert.equal(textWidth("", { fontSize: 10 }), 0);
});

Deno.test("text width: bold is 10% wider; other letters 0.6 em; wide ones (CJK, emoji, …) 1 em", () => {
  assert.equal(textWidth("Hi", { fontSize: 10, fontWeight: 600 }), 11.94);
  assert.equal(textWidth("Hi", { fontSize: 10, fontWeight: "bold" }), 11.94);
  assert.equal(textWidth("Hi", { fontSize: 10, fontWeight: "normal" }), 10.86);
  assert.equal(textWidth("é", { fontSize: 10 }), 6.9);
  assert.equal(textWidth("😀", { fontSize: 10 }), 11.5);
  assert.equal(textWidth("東", { fontSize: 10 }), 11.5);
  assert.equal(textWidth("…", { fontSize: 10 }), 11.5);
});
