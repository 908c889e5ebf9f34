/**
 * Typed errors of the source stage (`lib/source/`).
 *
 * @module
 */

import { PipelineError, type PipelineErrorOptions } from "../errors.ts";
import { isMysqlUrl, parseMysqlUrl, redactMysqlUrl } from "./mysql_url.ts";

/**
 * Options of {@linkcode SourceNotFoundError}: what to do, when a seed would not help.
 *
 * @example
 * ```ts
 * import { SourceNotFoundError, type SourceNotFoundErrorOptions } from "./errors.ts";
 * const options: SourceNotFoundErrorOptions = { remedy: "Ask the database's owner for it." };
 * console.log(new SourceNotFoundError("mysql://u@db:3306/shop", "it is gone", options).message);
 * // Source mysql://u@db:3306/shop: it is gone. Ask the database's owner for it.
 * ```
 */
export interface SourceNotFoundErrorOptions extends PipelineErrorOptions {
  /** The message's last sentence, instead of "Create it with `deno task seed ...`". */
  remedy?: string;
}

/**
 * The source (SQLite file or MySQL database) does not exist, or lacks the course tables.
 *
 * @example
 * ```ts
 * import { SourceNotFoundError } from "./errors.ts";
 * const err = new SourceNotFoundError(".data/source.db", "the file does not exist");
 * console.log(err.code, err.message);
 * ```
 */
export class SourceNotFoundError extends PipelineError {
  constructor(
    location: string,
    problem: string,
    options: SourceNotFoundErrorOptions = {},
  ) {
    const { remedy, ...rest } = options;
    super(
      `Source ${location}: ${problem}. ` + (remedy ??
        "Create it with " +
          (isMysqlUrl(location)
            ? `\`deno task seed --source ${location}\`, the URL with its password if it has one (the local stack's MariaDB, \`deno task services up\`, is seeded when it starts).`
            : `\`deno task seed\` (or \`deno task seed --source ${location}\`).`)),
      {
        ...rest,
        code: "SOURCE_NOT_FOUND",
        context: { location, ...rest.context },
      },
    );
  }
}

/**
 * A seed refused to replace a file that is not a source file (not SQLite, or a database
 * holding other tables): the path was most likely mistyped.
 *
 * @example
 * ```ts
 * import { SeedTargetError } from "./errors.ts";
 * const err = new SeedTargetError(".data/log.db", "it holds tables a source does not (records)");
 * console.log(err.code, err.context.path); // SEED_TARGET_REFUSED .data/log.db
 * ```
 */
export class SeedTargetError extends PipelineError {
  constructor(
    path: string,
    problem: string,
    options: PipelineErrorOptions = {},
  ) {
    super(
      `Refusing to seed ${path}: ${problem}, and seeding would replace it. Pass another ` +
        "--source, or delete the file if it is yours to lose.",
      {
        ...options,
        code: "SEED_TARGET_REFUSED",
        context: { path, ...options.context },
      },
    );
  }
}

/**
 * Options of {@linkcode SourceOffsetError}: how many rows the source holds.
 *
 * @example
 * ```ts
 * import { SourceOffsetError, type SourceOffsetErrorOptions } from "./errors.ts";
 * const options: SourceOffsetErrorOptions = { rowCount: 11_000 };
 * console.log(new SourceOffsetError(".data/source.db", -1, options).context.rowCount); // 11000
 * ```
 */
export interface SourceOffsetErrorOptions extends PipelineErrorOptions {
  /** The source's row count: valid offsets are 0 to `rowCount - 1`. */
  rowCount: number;
}

/**
 * A row offset outside `0 .. rowCount-1`, or not a whole number, was asked for.
 *
 * @example
 * ```ts
 * import { SourceOffsetError } from "./errors.ts";
 * console.log(new SourceOffsetError(".data/source.db", 20_000, { rowCount: 11_000 }).message);
 * ```
 */
export class SourceOffsetError extends PipelineError {
  /** `location`: the source; `offset`: the row offset asked for. */
  constructor(
    location: string,
    offset: unknown,
    options: SourceOffsetErrorOptions,
  ) {
    const { rowCount, ...rest } = options;
    super(
      `Source ${location}: row offset ${
        String(offset)
      } is invalid; use a whole number from 0 to ${
        rowCount - 1
      } (the source holds ${rowCount} rows).`,
      {
        ...rest,
        code: "SOURCE_BAD_OFFSET",
        context: { location, offset, rowCount, ...rest.context },
      },
    );
  }
}

/**
 * Options of {@linkcode SourceAccessError}: whether another attempt may succeed.
 *
 * @example
 * ```ts
 * import { SourceAccessError, type SourceAccessErrorOptions } from "./errors.ts";
 * const options: SourceAccessErrorOptions = { retryable: true };
 * console.log(new SourceAccessError("mysql://u@db:3306/shop", "connection lost", options).retryable); // true
 * ```
 */
export interface SourceAccessErrorOptions extends PipelineErrorOptions {
  /** The failure is transient (a lost connection, a deadlock): retrying may work. Default false. */
  retryable?: boolean;
}

/**
 * The source could not be read or written (I/O, connection, SQL error).
 *
 * @example
 * ```ts
 * import { SourceAccessError } from "./errors.ts";
 * const err = new SourceAccessError("mysql://pinterest@127.0.0.1:3306/pinterest", "connection refused");
 * console.log(err.context.location, err.retryable); // mysql://pinterest@127.0.0.1:3306/pinterest false
 * ```
 */
export class SourceAccessError extends PipelineError {
  /** Whether another attempt may succeed (the emulator retries such reads). */
  readonly retryable: boolean;

  constructor(
    location: string,
    problem: string,
    options: SourceAccessErrorOptions = {},
  ) {
    const { retryable = false, ...rest } = options;
    super(`Source ${location}: ${problem}`, {
      ...rest,
      code: "SOURCE_ACCESS_ERROR",
      context: { location, ...rest.context },
    });
    this.retryable = retryable;
  }
}

const MYSQL_HINTS: Record<string, string> = {
  ECONNREFUSED:
    "is the server running? Start the local one with `deno task services up`",
  ETIMEDOUT: "is the host reachable and the server running?",
  ER_ACCESS_DENIED_ERROR: "check the user and password in the URL",
  ER_DBACCESS_DENIED_ERROR:
    "the user may not use that database; check its name in the URL",
  AUTH_SWITCH_PLUGIN_ERROR:
    "the driver (mysql2) logs in with mysql_native_password, caching_sha2_password or sha256_password only: give the user one of those (MySQL: ALTER USER ... IDENTIFIED WITH caching_sha2_password BY '...'; MariaDB: ALTER USER ... IDENTIFIED VIA mysql_native_password USING PASSWORD('...'))",
  ER_SECURE_TRANSPORT_REQUIRED:
    "the server requires TLS: add ?ssl=rds (Amazon RDS), ?ssl=verify (a certificate of a public CA) or ?ssl-ca=/path/to/ca.pem to the URL",
  HANDSHAKE_SSL_ERROR:
    "the server's TLS certificate is not signed by a CA the URL trusts: ?ssl-ca= must name the CA certificate (PEM) that signed it, ?ssl=rds trusts Amazon RDS's CAs only, ?ssl=verify the public ones",
  HANDSHAKE_NO_SSL_SUPPORT:
    "the server does not offer TLS: remove the ssl option from the URL, or enable TLS on the server",
  ER_TABLEACCESS_DENIED_ERROR:
    "a seed needs the SELECT, INSERT, CREATE, ALTER and DROP privileges on the database (reading needs SELECT only)",
};

/** Added to the hint of a refused login when the URL asks for no TLS. */
const ACCESS_WITHOUT_TLS =
  ", or, if the server requires TLS (an RDS with require_secure_transport, a user created " +
  "REQUIRE SSL), add ?ssl=rds (Amazon RDS), ?ssl=verify (a certificate of a public CA) or " +
  "?ssl-ca=/path/to/ca.pem to it";

/** Whether `url` has a TLS option (`?ssl=rds`...); false when it cannot be parsed. */
function asksForTls(url: string): boolean {
  try {
    return parseMysqlUrl(url).tls !== undefined;
  } catch {
    return false;
  }
}

/**
 * Driver codes of failures that pass: the connection was lost or killed (a restarted server,
 * `KILL`, a network blip), the server was shutting down, busy or out of connections, or the
 * statement lost a deadlock. Anything else (a wrong login, a missing database or table) stays.
 */
const TRANSIENT_MYSQL = new Set([
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ER_CON_COUNT_ERROR",
  "ER_TOO_MANY_USER_CONNECTIONS",
  "ER_SERVER_SHUTDOWN",
  "ER_QUERY_INTERRUPTED",
  "ER_LOCK_DEADLOCK",
  "ER_LOCK_WAIT_TIMEOUT",
  "ER_CLIENT_INTERACTION_TIMEOUT",
]);
/** MariaDB's ER_CONNECTION_KILLED, which mysql2 has no code name for. */
const MARIADB_CONNECTION_KILLED = 1927;

/** Whether a mysql2 error is one of {@linkcode TRANSIENT_MYSQL}, or a connection it closed. */
function isTransientMysqlError(
  e: { code?: string; errno?: number; fatal?: boolean },
): boolean {
  if (e.code !== undefined && TRANSIENT_MYSQL.has(e.code)) return true;
  if (e.errno === MARIADB_CONNECTION_KILLED) return true;
  // "Can't add new command when connection is in closed state": a connection lost before.
  return e.fatal === true && e.code === undefined;
}

/**
 * Where and while doing what a MySQL driver error happened, for {@linkcode wrapMysqlError}.
 *
 * @example
 * ```ts
 * import { type WrapMysqlErrorOptions, wrapMysqlError } from "./errors.ts";
 * const options: WrapMysqlErrorOptions = { url: "mysql://u@127.0.0.1:3306/db", doing: "seeding" };
 * console.log(wrapMysqlError({ message: "lost" }, options).message);
 * // Source mysql://u@127.0.0.1:3306/db: seeding failed: lost
 * ```
 */
export interface WrapMysqlErrorOptions {
  /** The `mysql://` URL of the source; its password never reaches the error. */
  url: string;
  /** What failed, as it starts the message: `"connecting"`, `` `reading row ${offset}` ``. */
  doing: string;
}

/**
 * Turns a MySQL driver error into a typed source error naming the URL without its password.
 * Typed source errors pass through unchanged. A transient failure (a lost or killed
 * connection, a server shutting down or out of connections, a deadlock) is a
 * `SourceAccessError` with `retryable: true`; the emulator retries such reads.
 *
 * @example
 * ```ts
 * import { wrapMysqlError } from "./errors.ts";
 * const err = wrapMysqlError({ code: "ECONNREFUSED", message: "refused" }, {
 *   url: "mysql://u:secret@127.0.0.1:3306/db",
 *   doing: "connecting",
 * });
 * console.log(err.message.includes("secret")); // false
 * ```
 */
export function wrapMysqlError(
  err: unknown,
  { url, doing }: WrapMysqlErrorOptions,
): Error {
  if (err instanceof PipelineError) return err;
  const location = redactMysqlUrl(url);
  const e = (err ?? {}) as {
    code?: string;
    errno?: number;
    fatal?: boolean;
    message?: string;
  };
  if (e.code === "ER_BAD_DB_ERROR") {
    // A seed connects to the database, so it cannot create it: say how to.
    const name = new URL(location).pathname.slice(1).replace(/\/$/, "");
    const database = decodeURIComponent(name);
    return new SourceNotFoundError(
      location,
      `the database ${database} does not exist`,
      {
        cause: err,
        remedy:
          `Create it on the server (CREATE DATABASE \`${
            database.replaceAll("`", "``")
          }\` CHARACTER SET utf8mb4, as a user allowed to), then seed it with ` +
          `\`deno task seed --source ${location}\`, the URL with its password if it has one.`,
      },
    );
  }
  let hint = e.code && MYSQL_HINTS[e.code] ? `; ${MYSQL_HINTS[e.code]}` : "";
  // A server requiring TLS (MariaDB, a user REQUIRE SSL) refuses a login without as denied.
  if (e.code === "ER_ACCESS_DENIED_ERROR" && !asksForTls(url)) {
    hint += ACCESS_WITHOUT_TLS;
  }
  // mysql2 ends its unknown-plugin message with a placeholder: "See TODO: add plugins doco here".
  const message = e.code === "AUTH_SWITCH_PLUGIN_ERROR"
    ? e.message?.replace(/\. See TODO:.*$/s, "")
    : e.message;
  return new SourceAccessError(
    location,
    `${doing} failed: ${message ?? String(err)}${hint}`,
    {
      cause: err,
      context: { driverCode: e.code },
      retryable: isTransientMysqlError(e),
    },
  );
}
