/**
 * The MariaDB/MySQL server of the source's integration tests (`mysql_*_test.ts`):
 * `SOURCE_URL` when it is a mysql:// URL on this machine, else the local stack's
 * `MARIADB_DEFAULT_URL` (`deno task services up`). A test file asks once whether it
 * answers, passes `ignore` to `Deno.test` and calls `guard()` first: under `CI=true` a
 * missing server fails the test; elsewhere the test is skipped with the command to start it.
 *
 * @module
 */
import {
  isMysqlUrl,
  MARIADB_DEFAULT_URL,
  parseMysqlUrl,
  redactMysqlUrl,
} from "./mysql_url.ts";

/** Hosts of `SOURCE_URL` that are this machine: a test never writes a remote database. */
const LOCAL_HOSTS = ["127.0.0.1", "localhost", "::1"];

/**
 * The server a test file runs against, as {@linkcode mysqlTestServer} found it.
 *
 * @example
 * ```ts
 * import { mysqlTestServer, type MysqlTestServer } from "./mysql_test_server.ts";
 * const server: MysqlTestServer = await mysqlTestServer("example_test");
 * console.log(server.url.startsWith("mysql://")); // true
 * ```
 */
export interface MysqlTestServer {
  /** Its URL, with the password. */
  url: string;
  /** For `Deno.test`: the server does not answer, outside CI. */
  ignore: boolean;
  /** Throws, saying how to start it, when the server does not answer (a test's first call). */
  guard(): void;
}

/**
 * Finds the test server and whether it answers; when it does not (outside CI), warns
 * `{testFile} skipped: no MySQL/MariaDB answers at {url}; start it with ...`.
 *
 * @example
 * ```ts
 * import { mysqlTestServer } from "./mysql_test_server.ts";
 * const server = await mysqlTestServer("example_test");
 * Deno.test({ name: "reads the source", ignore: server.ignore, fn: () => server.guard() });
 * ```
 */
export async function mysqlTestServer(
  testFile: string,
): Promise<MysqlTestServer> {
  const fromEnv = Deno.env.get("SOURCE_URL") ?? "";
  const url = isMysqlUrl(fromEnv) &&
      LOCAL_HOSTS.includes(parseMysqlUrl(fromEnv).host)
    ? fromEnv
    : MARIADB_DEFAULT_URL;
  const { host, port } = parseMysqlUrl(url);
  const available = await Deno.connect({ hostname: host, port }).then(
    (c) => (c.close(), true),
    () => false,
  );
  const missing = `no MySQL/MariaDB answers at ${
    redactMysqlUrl(url)
  }; start it with \`deno task services up\``;
  const ignore = !available && Deno.env.get("CI") !== "true";
  if (ignore) console.warn(`${testFile} skipped: ${missing}`);
  return {
    url,
    ignore,
    guard() {
      if (!available) throw new Error(missing);
    },
  };
}
