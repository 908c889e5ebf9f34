import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { isMysqlUrl, parseMysqlUrl, redactMysqlUrl } from "./mysql_url.ts";

Deno.test("mysql url: mysql:// and mariadb:// name a database; paths do not", () => {
  assert.equal(isMysqlUrl("mysql://u:p@h/db"), true);
  assert.equal(isMysqlUrl("MariaDB://u@h/db"), true);
  assert.equal(isMysqlUrl(".data/source.db"), false);
  assert.equal(isMysqlUrl("/tmp/mysql://x"), false);
});

Deno.test("mysql url: parts, with the default port, IPv6 hosts and percent-encoded names", () => {
  assert.deepEqual(parseMysqlUrl("mysql://pinterest:pw@127.0.0.1/pinterest"), {
    host: "127.0.0.1",
    port: 3306,
    user: "pinterest",
    password: "pw",
    database: "pinterest",
  });
  assert.deepEqual(
    parseMysqlUrl("mariadb://a%40b:p%2Fw%3A@[::1]:3307/my%20db"),
    {
      host: "::1",
      port: 3307,
      user: "a@b",
      password: "p/w:",
      database: "my db",
    },
  );
  assert.deepEqual(parseMysqlUrl("mysql://root@db.internal/x"), {
    host: "db.internal",
    port: 3306,
    user: "root",
    password: "",
    database: "x",
  });
});

Deno.test("mysql url: the password never appears in messages", () => {
  assert.equal(
    redactMysqlUrl("mysql://pinterest:secret@127.0.0.1:3306/pinterest"),
    "mysql://pinterest@127.0.0.1:3306/pinterest",
  );
  // Not a parsable URL: the password is cut out of the text all the same.
  assert.equal(
    redactMysqlUrl("mysql://me:secret@bad host/db"),
    "mysql://me@bad host/db",
  );
});

Deno.test("mysql url: malformed URLs are a ConfigError naming SOURCE_URL, without the password", () => {
  const cases: [string, string][] = [
    [
      "mysql://me:secret@bad host/db",
      'Invalid setting SOURCE_URL="mysql://me@bad host/db": is not a URL; expected mysql://user:password@host:port/database',
    ],
    [
      "mysql://me:secret@host",
      'Invalid setting SOURCE_URL="mysql://me@host": expected mysql://user:password@host:port/database',
    ],
    [
      "mysql://me:secret@host/a/b",
      'Invalid setting SOURCE_URL="mysql://me@host/a/b": expected mysql://user:password@host:port/database',
    ],
    [
      "postgres://me:secret@host/db",
      'Invalid setting SOURCE_URL="postgres://me@host/db": expected mysql://user:password@host:port/database',
    ],
  ];
  for (const [url, message] of cases) {
    assert.throws(
      () => parseMysqlUrl(url),
      (e: unknown) =>
        e instanceof ConfigError && e.message === message &&
        e.context.setting === "SOURCE_URL",
      url,
    );
  }
});

Deno.test("mysql url: a trailing slash after the database is taken as the database", () => {
  assert.equal(parseMysqlUrl("mysql://u:p@h:3307/db/").database, "db");
});

Deno.test("mysql url: port 0 and fragments are refused, not ignored", () => {
  const cases: [string, string][] = [
    [
      "mysql://me:secret@host:0/db",
      'Invalid setting SOURCE_URL="mysql://me@host:0/db": port 0 is no port; give the server\'s port (1-65535) or none for 3306',
    ],
    [
      "mysql://me:secret@host/db#x",
      'Invalid setting SOURCE_URL="mysql://me@host/db#x": #x would be ignored; expected mysql://user:password@host:port/database, with ?ssl=rds, ?ssl=verify or ?ssl-ca=/path/to/ca.pem for TLS',
    ],
  ];
  for (const [url, message] of cases) {
    assert.throws(
      () => parseMysqlUrl(url),
      (e: unknown) => e instanceof ConfigError && e.message === message,
      url,
    );
  }
});

Deno.test("mysql url: an unparsable URL loses all of its password, '@' in it included", () => {
  assert.equal(redactMysqlUrl("mysql://u:p@ss@[::1/db"), "mysql://u@[::1/db");
});

Deno.test("mysql url: ?ssl=rds, ?ssl=verify and ?ssl-ca= ask for TLS, the certificate verified", () => {
  assert.deepEqual(
    parseMysqlUrl("mysql://u:p@db.rds.amazonaws.com/x?ssl=rds"),
    {
      host: "db.rds.amazonaws.com",
      port: 3306,
      user: "u",
      password: "p",
      database: "x",
      tls: "rds",
    },
  );
  assert.equal(parseMysqlUrl("mysql://u:p@h/x?ssl=verify").tls, "verify");
  assert.deepEqual(
    parseMysqlUrl("mysql://u:p@h/x/?ssl-ca=/etc/ssl/ca.pem").tls,
    {
      caFile: "/etc/ssl/ca.pem",
    },
  );
  // Percent-decoded, and a '+' is a '+' (a file name, not a form).
  assert.deepEqual(
    parseMysqlUrl("mysql://u:p@h/x?ssl-ca=my%20certs/a+b.pem").tls,
    {
      caFile: "my certs/a+b.pem",
    },
  );
});

Deno.test("mysql url: any other option, or more than one, is refused naming SOURCE_URL, without the password", () => {
  const expected =
    "expected ?ssl=rds (Amazon RDS's certificates), ?ssl=verify (the trusted public CAs) or ?ssl-ca=/path/to/ca.pem (that CA), one of them";
  const cases: [string, string][] = [
    [
      "mysql://me:secret@host/db?ssl=true",
      `Invalid setting SOURCE_URL="mysql://me@host/db?ssl=true": takes no option ssl=true; ${expected}`,
    ],
    [
      "mysql://me:secret@host/db?sslmode=require",
      `Invalid setting SOURCE_URL="mysql://me@host/db?sslmode=require": takes no option sslmode=require; ${expected}`,
    ],
    [
      "mysql://me:secret@host/db?ssl",
      `Invalid setting SOURCE_URL="mysql://me@host/db?ssl": takes no option ssl; ${expected}`,
    ],
    [
      "mysql://me:secret@host/db?ssl-ca=",
      `Invalid setting SOURCE_URL="mysql://me@host/db?ssl-ca=": ssl-ca names no file; ${expected}`,
    ],
    [
      "mysql://me:secret@host/db?ssl=rds&ssl-ca=/ca.pem",
      `Invalid setting SOURCE_URL="mysql://me@host/db?ssl=rds&ssl-ca=/ca.pem": takes one option, not 2; ${expected}`,
    ],
    [
      "mysql://me:secret@host/db?ssl=rds&",
      `Invalid setting SOURCE_URL="mysql://me@host/db?ssl=rds&": takes one option, not 2; ${expected}`,
    ],
  ];
  for (const [url, message] of cases) {
    assert.throws(
      () => parseMysqlUrl(url),
      (e: unknown) =>
        e instanceof ConfigError && e.message === message &&
        e.context.setting === "SOURCE_URL",
      url,
    );
  }
});

Deno.test("mysql url: the password is redacted from URLs with options", () => {
  assert.equal(
    redactMysqlUrl("mysql://me:secret@h:3307/db?ssl-ca=/etc/ssl/ca.pem"),
    "mysql://me@h:3307/db?ssl-ca=/etc/ssl/ca.pem",
  );
  assert.equal(
    redactMysqlUrl("mysql://me:s%40cret@h/db?ssl=rds"),
    "mysql://me@h/db?ssl=rds",
  );
  assert.equal(
    redactMysqlUrl("mysql://me:se@cret@bad host/db?ssl=rds"),
    "mysql://me@bad host/db?ssl=rds",
  );
});
