import assert from "node:assert/strict";
import {
  SourceAccessError,
  SourceNotFoundError,
  wrapMysqlError,
} from "./errors.ts";

Deno.test("SourceNotFoundError: the seed command to copy names the source, for a file and for MySQL", () => {
  assert.equal(
    new SourceNotFoundError("data/src.db", "the file does not exist").message,
    "Source data/src.db: the file does not exist. Create it with `deno task seed` (or `deno task seed --source data/src.db`).",
  );
  assert.equal(
    new SourceNotFoundError(
      "mysql://pinterest@127.0.0.1:3306/shop",
      "the database lacks the table(s) user_data",
    ).message,
    "Source mysql://pinterest@127.0.0.1:3306/shop: the database lacks the table(s) user_data. " +
      "Create it with `deno task seed --source mysql://pinterest@127.0.0.1:3306/shop`, " +
      "the URL with its password if it has one (the local stack's MariaDB, `deno task services up`, is seeded when it starts).",
  );
  assert.match(
    new SourceNotFoundError("mariadb://u@db:3306/shop", "gone").message,
    /Create it with `deno task seed --source mariadb:\/\/u@db:3306\/shop`, the URL/,
  );
});

Deno.test("wrapMysqlError: lost or killed connections, a busy or stopping server and deadlocks are retryable; logins, databases and tables are not", () => {
  const wrap = (e: object) =>
    wrapMysqlError({ message: "m", ...e }, {
      url: "mysql://u:pw@127.0.0.1:3306/db",
      doing: "reading row 3",
    });
  const transient = [
    { code: "PROTOCOL_CONNECTION_LOST", fatal: true },
    { code: "ECONNRESET", fatal: true },
    { code: "ECONNREFUSED", fatal: true },
    { code: "ER_CON_COUNT_ERROR", errno: 1040 },
    { code: "ER_SERVER_SHUTDOWN", errno: 1053 },
    { code: "ER_QUERY_INTERRUPTED", errno: 1317 },
    { code: "ER_LOCK_DEADLOCK", errno: 1213 },
    { code: "ER_LOCK_WAIT_TIMEOUT", errno: 1205 },
    { code: "UNKNOWN_CODE_PLEASE_REPORT", errno: 1927 }, // MariaDB: connection killed
    { fatal: true }, // "Can't add new command when connection is in closed state"
  ];
  const permanent = [
    { code: "ER_ACCESS_DENIED_ERROR", errno: 1045, fatal: true },
    { code: "ER_DBACCESS_DENIED_ERROR", errno: 1044, fatal: true },
    { code: "ER_NO_SUCH_TABLE", errno: 1146 },
    { code: "ER_PARSE_ERROR", errno: 1064 },
    {},
  ];
  const retryable = (e: object) => {
    const err = wrap(e);
    assert.ok(err instanceof SourceAccessError);
    return err.retryable;
  };
  assert.deepEqual(transient.map(retryable), Array(10).fill(true));
  assert.deepEqual(permanent.map(retryable), Array(5).fill(false));
  assert.ok(wrap({ code: "ER_BAD_DB_ERROR" }) instanceof SourceNotFoundError);
  assert.equal(
    wrap({ code: "ER_ACCESS_DENIED_ERROR", message: "Access denied" }).message,
    "Source mysql://u@127.0.0.1:3306/db: reading row 3 failed: Access denied; check the user and password in the URL, or, if the server requires TLS (an RDS with require_secure_transport, a user created REQUIRE SSL), add ?ssl=rds (Amazon RDS), ?ssl=verify (a certificate of a public CA) or ?ssl-ca=/path/to/ca.pem to it",
  );
  // MySQL's own refusal of a login without TLS.
  assert.equal(
    wrap({
      code: "ER_SECURE_TRANSPORT_REQUIRED",
      errno: 3159,
      message:
        "Connections using insecure transport are prohibited while --require_secure_transport=ON.",
    }).message,
    "Source mysql://u@127.0.0.1:3306/db: reading row 3 failed: Connections using insecure transport are prohibited while --require_secure_transport=ON.; the server requires TLS: add ?ssl=rds (Amazon RDS), ?ssl=verify (a certificate of a public CA) or ?ssl-ca=/path/to/ca.pem to the URL",
  );
});
