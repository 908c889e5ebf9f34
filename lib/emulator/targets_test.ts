import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { MODES, parseMode, targetsFor } from "./targets.ts";

Deno.test("batch targets are the three topics of the prefix", () => {
  assert.deepEqual(targetsFor("batch", "pinterest"), [
    { kind: "topic", table: "pin", name: "pinterest.pin" },
    { kind: "topic", table: "geo", name: "pinterest.geo" },
    { kind: "topic", table: "user", name: "pinterest.user" },
  ]);
});

Deno.test("both: topics then streams, named as the course", () => {
  assert.deepEqual(
    targetsFor("both", "0a1b2c").map((t) => `${t.kind}:${t.name}`),
    [
      "topic:0a1b2c.pin",
      "topic:0a1b2c.geo",
      "topic:0a1b2c.user",
      "stream:streaming-0a1b2c-pin",
      "stream:streaming-0a1b2c-geo",
      "stream:streaming-0a1b2c-user",
    ],
  );
  assert.equal(targetsFor("stream", "x").length, 3);
});

Deno.test("parseMode accepts the three modes and names the setting otherwise", () => {
  for (const m of MODES) assert.equal(parseMode(m), m);
  assert.throws(() => parseMode("kafka", "--mode"), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(
      e.message,
      'Invalid setting --mode="kafka": must be one of batch, stream, both',
    );
    return true;
  });
});
