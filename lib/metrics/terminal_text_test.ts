import assert from "node:assert/strict";
import { displayWidth, terminalSafe } from "./terminal_text.ts";

Deno.test("terminal text: controls, separators and bidi overrides are escaped; other text is kept", () => {
  assert.equal(terminalSafe("Ann\nEve\t\r"), "Ann\\nEve\\t\\r");
  assert.equal(
    terminalSafe("\x1b[2J\x00\x7f\x9b"),
    "\\u001b[2J\\u0000\\u007f\\u009b",
  );
  assert.equal(
    terminalSafe("a\u2028b\u2029c\u202ed\u2066e"),
    "a\\u2028b\\u2029c\\u202ed\\u2066e",
  );
  assert.equal(terminalSafe("Zoë 中国 ✨ \\n"), "Zoë 中国 ✨ \\n");
});

Deno.test("terminal text: width in terminal columns, per grapheme", () => {
  assert.equal(displayWidth("Chad"), 4);
  assert.equal(displayWidth("中国"), 4);
  assert.equal(displayWidth("Ｚｅｄ"), 6);
  assert.equal(displayWidth("Co\u0302te"), 4);
  assert.equal(displayWidth("✨x"), 3);
  assert.equal(displayWidth("\u{1F1EB}\u{1F1EF}"), 2); // a flag: two regional indicators
  assert.equal(displayWidth("\u{1F469}\u200d\u{1F4BB}"), 2); // a ZWJ sequence
  assert.equal(displayWidth("\u2764\ufe0f"), 2); // emoji presentation selector
  assert.equal(displayWidth("\u200b"), 0);
  assert.equal(displayWidth(""), 0);
});
