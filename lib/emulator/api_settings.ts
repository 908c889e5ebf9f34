/**
 * Checks of the two settings that say how to reach the ingestion API: its base URL (`--api`)
 * and the key sent with every request (`--api-key`). Both are refused before anything is
 * posted, with a {@linkcode ConfigError} naming the setting, rather than failing every
 * record with an answer that does not say why.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { shownUrl } from "./poster.ts";

/**
 * Throws a {@linkcode ConfigError} naming `setting` unless `api` can be the base URL of the
 * ingestion API: http(s), without a query or fragment, after which the routes appended to
 * it would not be its path. The error shows the URL without its password.
 *
 * @example
 * ```ts
 * import { checkApiUrl } from "./api_settings.ts";
 * checkApiUrl("https://abc.execute-api.us-east-1.amazonaws.com/prod", "--api"); // fine
 * checkApiUrl("https://abc.example/prod?stage=1", "--api"); // throws: ... must be a base URL without ?query or #fragment ...
 * ```
 */
export function checkApiUrl(api: string, setting = "api"): void {
  const url = URL.parse(api);
  if (!/^https?:$/.test(url?.protocol ?? "")) {
    throw new ConfigError(
      setting,
      "must be an http(s) URL like http://127.0.0.1:8080",
      { value: shownUrl(api) },
    );
  }
  if (api.includes("?") || api.includes("#")) {
    throw new ConfigError(
      setting,
      "must be a base URL without ?query or #fragment (the routes /topics/... and /streams/... are added to its path)",
      { value: shownUrl(api) },
    );
  }
}

/** Printable ASCII, no space first or last (an empty key too: sent as an empty header). */
const API_KEY = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;

/**
 * Throws a {@linkcode ConfigError} naming `setting` unless `key` can be sent as the
 * `x-api-key` header as it is: fetch refuses a value outside Latin-1 (on every attempt, as
 * if the network had failed) and trims spaces around one, which then is another key.
 *
 * @example
 * ```ts
 * import { checkApiKey } from "./api_settings.ts";
 * checkApiKey("Ab3dEf9hIj", "--api-key"); // fine
 * checkApiKey("ключ", "--api-key"); // throws: ... must be printable ASCII without spaces around it ...
 * ```
 */
export function checkApiKey(key: string, setting = "apiKey"): void {
  if (API_KEY.test(key)) return;
  throw new ConfigError(
    setting,
    "must be printable ASCII without spaces around it (it is sent as the x-api-key header)",
    { value: key },
  );
}
