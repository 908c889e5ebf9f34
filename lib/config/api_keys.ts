/**
 * The gateway's API keys (`GATEWAY_API_KEYS`, comma-separated): read and checked at start, so
 * that a key the gateway could never match stops it with a message instead of a 403 for every
 * request, and a variable set to nothing does not leave the gateway open.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/** What a client can send as the `x-api-key` header as it is: printable ASCII, no outer space. */
const SENDABLE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

/**
 * The keys of `GATEWAY_API_KEYS`, trimmed: none when it is unset (an open gateway). A
 * `ConfigError` naming the variable when it is set but holds no key, or holds a key a client
 * cannot send as the `x-api-key` header (not printable ASCII: fetch refuses what is not
 * Latin-1, and a server reads other bytes as other characters). The message gives the key's
 * position, never a key.
 *
 * @example
 * ```ts
 * import { parseApiKeys } from "./api_keys.ts";
 * console.log(parseApiKeys(" k1, k2 "), parseApiKeys(undefined)); // ["k1", "k2"] []
 * ```
 */
export function parseApiKeys(text: string | undefined): string[] {
  if (text === undefined) return [];
  const keys = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (keys.length === 0) {
    // GATEWAY_API_KEYS=$KEY with KEY unset in the shell.
    throw new ConfigError(
      "GATEWAY_API_KEYS",
      "holds no key; give keys (k1,k2) to require x-api-key, or unset it for an open gateway",
      { value: text.trim() },
    );
  }
  const bad = keys.findIndex((key) => !SENDABLE.test(key));
  if (bad !== -1) {
    throw new ConfigError(
      "GATEWAY_API_KEYS",
      `key ${
        bad + 1
      } of ${keys.length} is not printable ASCII; a client sends it as the x-api-key header`,
    );
  }
  return keys;
}
