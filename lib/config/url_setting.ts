/**
 * The check of a setting that holds a URL (`SOURCE_URL`, `KINESIS_ENDPOINT`, `S3_ENDPOINT`),
 * and the URL as it may be shown: without the password of its user info, so that a refused
 * `mysql://user:secret@host/db` never reaches stderr or a log with `secret` in it.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/**
 * `value` with the password of its user info removed (`scheme://user:pass@host` becomes
 * `scheme://user@host`), whether or not it parses as a URL; other values come back unchanged.
 * Everything up to the last `@` is taken for the user info, so a password holding an unencoded
 * `@` or `/` (which the URL parser would read as a host and a path) is removed whole.
 *
 * @example
 * ```ts
 * import { withoutPassword } from "./url_setting.ts";
 * console.log(withoutPassword("mysql://u:p%40ss@[::1]:3306/db")); // mysql://u@[::1]:3306/db
 * console.log(withoutPassword("mysql://u:p@ss@[::1/db")); // mysql://u@[::1/db
 * console.log(withoutPassword(".data/source.db")); // .data/source.db
 * ```
 */
export function withoutPassword(value: string): string {
  // `mysql:/u:pw@h/db`, a URL missing a slash, is shown without its password too.
  const scheme = /^[a-z][a-z0-9+.-]*:\/*/i.exec(value)?.[0];
  if (scheme === undefined) return value;
  const rest = value.slice(scheme.length);
  const at = rest.lastIndexOf("@");
  const colon = rest.indexOf(":");
  if (at === -1 || colon === -1 || colon > at) return value;
  // One '@' and no password, as the URL parser reads the authority: the colon is the port's.
  const single = scheme.endsWith("//") && rest.indexOf("@") === at;
  if (single && URL.canParse(value) && new URL(value).password === "") {
    return value;
  }
  return `${scheme}${rest.slice(0, colon)}${rest.slice(at)}`;
}

/**
 * What {@linkcode checkUrl} accepts.
 *
 * @example
 * ```ts
 * import { checkUrl, type UrlSetting } from "./url_setting.ts";
 * const url: UrlSetting = { value: "http://127.0.0.1:4567", protocols: ["http:", "https:"], example: "http://127.0.0.1:4567" };
 * checkUrl("KINESIS_ENDPOINT", url);
 * ```
 */
export interface UrlSetting {
  /** The setting's value; `""` (unset) passes. */
  value: string;
  /** Accepted protocols, as `URL.protocol` spells them (`"mysql:"`). */
  protocols: string[];
  /** A valid value, shown when `value` is not a URL. */
  example: string;
}

/**
 * Throws a `ConfigError` naming `setting` unless `url.value` is empty or a URL of
 * `url.protocols`; the error for a value that is not a URL gives `url.example`. The value
 * shown (message, context, cause) has no password.
 *
 * @example
 * ```ts
 * import { checkUrl } from "./url_setting.ts";
 * try {
 *   checkUrl("SOURCE_URL", { value: "pg://u:pw@h/db", protocols: ["mysql:"], example: "mysql://h/db" });
 * } catch (e) {
 *   console.log((e as Error).message); // Invalid setting SOURCE_URL="pg://u@h/db": protocol must be one of mysql:
 * }
 * ```
 */
export function checkUrl(setting: string, url: UrlSetting): void {
  const { value, protocols, example } = url;
  if (value === "") return;
  const shown = withoutPassword(value);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch (cause) {
    throw new ConfigError(
      setting,
      `not a URL; expected e.g. ${example}`,
      // The URL parser's TypeError quotes the whole value, password included.
      {
        value: shown,
        cause: shown === value ? cause : new TypeError(`Invalid URL: ${shown}`),
      },
    );
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(
      setting,
      `protocol must be one of ${protocols.join(", ")}`,
      { value: shown },
    );
  }
}
