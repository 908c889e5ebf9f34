/**
 * The `mysql2` TLS setting of a source URL's option (`?ssl=rds`, `?ssl=verify`,
 * `?ssl-ca=/path/to/ca.pem`), reading the CA file, without loading the driver.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { parseMysqlUrl, redactMysqlUrl } from "./mysql_url.ts";

/**
 * What `mysql2` takes as its `ssl` option: the name of a bundled profile (`"Amazon RDS"`) or
 * the CA certificates to trust (none: the trusted public CAs); the certificate is verified.
 *
 * @example
 * ```ts
 * import type { MysqlSslOption } from "./mysql_tls.ts";
 * const ssl: MysqlSslOption = { ca: "-----BEGIN CERTIFICATE-----..." };
 * console.log(typeof ssl); // object
 * ```
 */
export type MysqlSslOption = "Amazon RDS" | { ca?: string };

const PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

/**
 * The `ssl` option of `mysql2` for the TLS `url` asks for; undefined when it asks for none.
 * `?ssl-ca=` is read here (a relative path from the working directory).
 *
 * @throws {ConfigError} naming `SOURCE_URL` when the URL is not a valid source URL, or its
 * `ssl-ca` file is missing, unreadable or holds no PEM certificate.
 * @example
 * ```ts
 * import { mysqlSslOption } from "./mysql_tls.ts";
 * console.log(await mysqlSslOption("mysql://u:p@db.rds.amazonaws.com/x?ssl=rds")); // Amazon RDS
 * console.log(await mysqlSslOption("mysql://u:p@127.0.0.1/x")); // undefined
 * ```
 */
export async function mysqlSslOption(
  url: string,
): Promise<MysqlSslOption | undefined> {
  const { tls } = parseMysqlUrl(url);
  if (tls === undefined) return undefined;
  if (tls === "rds") return "Amazon RDS";
  if (tls === "verify") return {};
  const { caFile } = tls;
  const refuse = (problem: string, cause?: unknown) =>
    new ConfigError(
      "SOURCE_URL",
      `ssl-ca names ${caFile}, which ${problem}; give the CA certificate (PEM) that signed the server's`,
      { value: redactMysqlUrl(url), cause },
    );
  let ca: string;
  try {
    ca = await Deno.readTextFile(caFile);
  } catch (cause) {
    throw cause instanceof Deno.errors.NotFound
      ? refuse("does not exist", cause)
      : refuse(`cannot be read (${(cause as Error).message})`, cause);
  }
  if (!ca.includes(PEM_CERTIFICATE)) {
    throw refuse(`holds no PEM certificate (${PEM_CERTIFICATE})`);
  }
  return { ca };
}
