import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { checkUrl, withoutPassword } from "./url_setting.ts";

Deno.test("withoutPassword removes the password of a URL, parsed or not, and leaves the rest", () => {
  const cases: [string, string][] = [
    ["mysql://u:s3cret@127.0.0.1:3306/db", "mysql://u@127.0.0.1:3306/db"],
    ["mysql://u:p%40s%2Fs@[::1]/db", "mysql://u@[::1]/db"],
    ["mysql://:s3cret@h/db", "mysql://@h/db"],
    // Several @ (the parser takes the first for the host), or not URLs: up to the last one.
    ["mysql://u:p@s/3cret@[::1]/db", "mysql://u@[::1]/db"],
    ["http://u:s3cret@h/a@b", "http://u@b"],
    ["http://key:s3cret@h:99999", "http://key@h:99999"],
    // No password: unchanged, not rewritten by the parser.
    ["mysql://u@H:3306/db", "mysql://u@H:3306/db"],
    ["http://h:4569/a@b", "http://h:4569/a@b"],
    ["http://[::1]:4567", "http://[::1]:4567"],
    [".data/source.db", ".data/source.db"],
    ["/tmp/a:b@c.db", "/tmp/a:b@c.db"],
  ];
  assert.deepEqual(
    cases.map(([value]) => withoutPassword(value)),
    cases.map(([, shown]) => shown),
  );
});

Deno.test("checkUrl: accepted URLs pass; a refused one is named without its password", () => {
  const mysql = { protocols: ["mysql:"], example: "mysql://h/db" };
  checkUrl("SOURCE_URL", { ...mysql, value: "" });
  checkUrl("SOURCE_URL", { ...mysql, value: "mysql://u:p%23w@[::1]/db" });
  assert.throws(
    () => checkUrl("SOURCE_URL", { ...mysql, value: "mysql://u:s3cret@[::1" }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting SOURCE_URL="mysql://u@[::1": not a URL; expected e.g. mysql://h/db' &&
      e.context.value === "mysql://u@[::1" &&
      String(e.cause) === "TypeError: Invalid URL: mysql://u@[::1",
  );
});

Deno.test("withoutPassword: a URL missing its '//' is shown without its password", () => {
  assert.deepEqual(
    ["mysql:/u:s3cret@h/db", "mysql:u:s3cret@h/db", "a:b@c.db"].map(
      withoutPassword,
    ),
    ["mysql:/u@h/db", "mysql:u@h/db", "a:b@c.db"],
  );
});
