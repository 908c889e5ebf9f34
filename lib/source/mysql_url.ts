/**
 * Parsing and redaction of `mysql://user:password@host:port/database` source URLs.
 *
 * Kept apart from the `mysql2` adapter so the CLI and configuration can validate a URL and
 * print it without the password, without loading the driver.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";

/**
 * The source URL of the local MariaDB that `deno task services up` starts (port 3306).
 *
 * @example
 * ```ts
 * import { MARIADB_DEFAULT_URL, redactMysqlUrl } from "./mysql_url.ts";
 * console.log(redactMysqlUrl(MARIADB_DEFAULT_URL)); // mysql://pinterest@127.0.0.1:3306/pinterest
 * ```
 */
export const MARIADB_DEFAULT_URL =
  "mysql://pinterest:pinterest@127.0.0.1:3306/pinterest";

/**
 * The parts of a MySQL source URL.
 *
 * @example
 * ```ts
 * import { type MysqlUrlParts, parseMysqlUrl } from "./mysql_url.ts";
 * const parts: MysqlUrlParts = parseMysqlUrl("mysql://pinterest:pw@127.0.0.1:13306/pinterest");
 * console.log(parts.user, parts.host, parts.port, parts.database); // pinterest 127.0.0.1 13306 pinterest
 * ```
 */
export interface MysqlUrlParts {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/**
 * True when `source` names a MySQL/MariaDB database rather than a SQLite file.
 *
 * @example
 * ```ts
 * import { isMysqlUrl } from "./mysql_url.ts";
 * console.log(isMysqlUrl("mysql://u:p@127.0.0.1:3306/db"), isMysqlUrl(".data/source.db")); // true false
 * ```
 */
export function isMysqlUrl(source: string): boolean {
  return /^(mysql|mariadb):\/\//i.test(source);
}

/**
 * The URL with the password removed, for messages and logs.
 *
 * @example
 * ```ts
 * import { redactMysqlUrl } from "./mysql_url.ts";
 * console.log(redactMysqlUrl("mysql://pinterest:secret@127.0.0.1:3306/pinterest"));
 * // mysql://pinterest@127.0.0.1:3306/pinterest
 * ```
 */
export function redactMysqlUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    return u.toString().replace(/^(\w+:\/\/[^@/]*):@/, "$1@");
  } catch {
    // Up to the last "@": a password may hold one that was not percent-encoded.
    return url.replace(/\/\/([^:/@]*):.*@/, "//$1@");
  }
}

/**
 * Splits a `mysql://user:password@host:port/database` URL (port defaults to 3306; a slash
 * after the database is allowed).
 *
 * @throws {ConfigError} naming `SOURCE_URL` when the URL is malformed, lacks a database,
 * has port 0 or carries options (`?ssl=true`...), which the reader would not apply.
 * @example
 * ```ts
 * import { parseMysqlUrl } from "./mysql_url.ts";
 * console.log(parseMysqlUrl("mysql://pinterest:pw@127.0.0.1:3307/pinterest").port); // 3307
 * ```
 */
export function parseMysqlUrl(url: string): MysqlUrlParts {
  let u: URL;
  try {
    u = new URL(url);
  } catch (cause) {
    throw new ConfigError(
      "SOURCE_URL",
      "is not a URL; expected mysql://user:password@host:port/database",
      { value: redactMysqlUrl(url), cause },
    );
  }
  const database = decodeURIComponent(
    u.pathname.replace(/^\//, "").replace(/\/$/, ""),
  );
  if (!isMysqlUrl(url) || !u.hostname || !database || database.includes("/")) {
    throw new ConfigError(
      "SOURCE_URL",
      "expected mysql://user:password@host:port/database",
      { value: redactMysqlUrl(url) },
    );
  }
  const options = u.search || u.hash;
  if (options) {
    throw new ConfigError(
      "SOURCE_URL",
      `takes no options (${options} would be ignored); expected mysql://user:password@host:port/database`,
      { value: redactMysqlUrl(url) },
    );
  }
  const port = u.port ? Number(u.port) : 3306;
  if (port === 0) {
    throw new ConfigError(
      "SOURCE_URL",
      "port 0 is no port; give the server's port (1-65535) or none for 3306",
      { value: redactMysqlUrl(url) },
    );
  }
  return {
    host: u.hostname.replace(/^\[|\]$/g, ""),
    port,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database,
  };
}
