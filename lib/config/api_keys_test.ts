import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { parseApiKeys } from "./api_keys.ts";

Deno.test("parseApiKeys: unset is none, keys are trimmed, inner spaces kept", () => {
  assert.deepEqual(parseApiKeys(undefined), []);
  assert.deepEqual(parseApiKeys(" a b ,,Zz-9_!~"), ["a b", "Zz-9_!~"]);
});

Deno.test("parseApiKeys: set without a key, or with a key not printable ASCII, is a ConfigError", () => {
  const refused = (text: string, message: string) =>
    assert.throws(
      () => parseApiKeys(text),
      (e: unknown) =>
        e instanceof ConfigError && e.message === message &&
        !e.message.includes("secret"),
      text,
    );
  refused(
    " , ",
    'Invalid setting GATEWAY_API_KEYS=",": holds no key; give keys (k1,k2) to require x-api-key, or unset it for an open gateway',
  );
  for (const text of ["secret,ключ", "secret,a\tb", "secret,é"]) {
    refused(
      text,
      "Invalid setting GATEWAY_API_KEYS: key 2 of 2 is not printable ASCII; a client sends it as the x-api-key header",
    );
  }
});
