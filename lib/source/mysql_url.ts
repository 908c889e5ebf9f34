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
  /** TLS, when the URL asks for it ({@linkcode MysqlTls}); absent: none. */
  tls?: MysqlTls;
}

/**
 * The TLS a source URL asks for, the server's certificate always verified: `?ssl=rds`
 * (`"rds"`: Amazon RDS's CA certificates, bundled with the driver), `?ssl=verify`
 * (`"verify"`: the trusted public CAs) or `?ssl-ca=/path/to/ca.pem` (`{ caFile }`: that CA).
 *
 * @example
 * ```ts
 * import { type MysqlTls, parseMysqlUrl } from "./mysql_url.ts";
 * const tls: MysqlTls | undefined = parseMysqlUrl("mysql://u:p@h/db?ssl-ca=/etc/ca.pem").tls;
 * console.log(tls); // { caFile: "/etc/ca.pem" }
 * ```
 */
export type MysqlTls = "rds" | "verify" | { caFile: string };

/** What the URL's options may be, for messages. */
const EXPECTED_OPTIONS =
  "expected ?ssl=rds (Amazon RDS's certificates), ?ssl=verify (the trusted public CAs) or " +
  "?ssl-ca=/path/to/ca.pem (that CA), one of them";

/**
 * The TLS of a URL's query (`?ssl=rds`...); undefined without one.
 * Split by hand, not as a form: a `+` in a file name stays a `+`.
 */
function parseTls(search: string, value: string): MysqlTls | undefined {
  if (!search) return undefined;
  const refuse = (problem: string) =>
    new ConfigError("SOURCE_URL", `${problem}; ${EXPECTED_OPTIONS}`, { value });
  const options = search.slice(1).split("&");
  if (options.length > 1) {
    throw refuse(`takes one option, not ${options.length}`);
  }
  const [option] = options;
  const eq = option.indexOf("=");
  const name = eq < 0 ? option : option.slice(0, eq);
  let given: string | undefined;
  try {
    given = eq < 0 ? undefined : decodeURIComponent(option.slice(eq + 1));
  } catch {
    throw refuse(`${name}: bad percent-encoding in ${option}`);
  }
  if (name === "ssl" && (given === "rds" || given === "verify")) return given;
  if (name === "ssl-ca" && given !== undefined) {
    if (!given) throw refuse("ssl-ca names no file");
    return { caFile: given };
  }
  throw refuse(`takes no option ${option}`);
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
 * after the database is allowed), with at most one TLS option: `?ssl=rds`, `?ssl=verify` or
 * `?ssl-ca=/path/to/ca.pem` ({@linkcode MysqlTls}).
 *
 * @throws {ConfigError} naming `SOURCE_URL` when the URL is malformed, lacks a database,
 * has port 0, or carries any other option (`?ssl=true`...) or a fragment, which the reader
 * would not apply.
 * @example
 * ```ts
 * import { parseMysqlUrl } from "./mysql_url.ts";
 * console.log(parseMysqlUrl("mysql://pinterest:pw@127.0.0.1:3307/pinterest").port); // 3307
 * console.log(parseMysqlUrl("mysql://admin:pw@db.rds.amazonaws.com/pinterest?ssl=rds").tls); // rds
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
  if (u.hash) {
    throw new ConfigError(
      "SOURCE_URL",
      `${u.hash} would be ignored; expected mysql://user:password@host:port/database, with ?ssl=rds, ?ssl=verify or ?ssl-ca=/path/to/ca.pem for TLS`,
      { value: redactMysqlUrl(url) },
    );
  }
  const tls = parseTls(u.search, redactMysqlUrl(url));
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
    ...(tls === undefined ? {} : { tls }),
  };
}
