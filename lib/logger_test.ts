import assert from "node:assert/strict";
import { formatLogLine } from "./logger.ts";

Deno.test("log lines write control characters and bidi overrides as escapes, in the message and in the context", () => {
  const line = formatLogLine("ERROR", {
    message: "batch failed: bad value \x1b[2J\r\n\u009b31m\u202eevil",
    context: { cause: "Error: \x1b]0;title\x07 \u202e", records: 2 },
  });
  assert.match(line, /^\d\d:\d\d:\d\d\.\d\d\d ERROR /);
  assert.equal(
    line.slice(13),
    'ERROR batch failed: bad value \\u001b[2J\\r\\n\\u009b31m\\u202eevil {"cause":"Error: \\u001b]0;title\\u0007 \\u202e","records":2}',
  );
});

Deno.test("a plain log line is unchanged: time, level, message, context as JSON", () => {
  const line = formatLogLine("INFO ", {
    message: "sink flushed",
    context: { topic: "pinterest.pin", records: 500 },
  });
  assert.equal(
    line.slice(13),
    'INFO  sink flushed {"topic":"pinterest.pin","records":500}',
  );
  assert.equal(formatLogLine("WARN ", { message: "x" }).slice(13), "WARN  x");
});
