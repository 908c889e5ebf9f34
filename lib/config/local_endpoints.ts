/**
 * Where the local stack of `deno task services up` listens (the `local` profile's defaults).
 *
 * @module
 */

/**
 * Local endpoints started by `deno task services up`.
 *
 * @example
 * ```ts
 * import { LOCAL_ENDPOINTS } from "./local_endpoints.ts";
 * console.log(LOCAL_ENDPOINTS.kinesis); // http://127.0.0.1:4567
 * ```
 */
export const LOCAL_ENDPOINTS = {
  kafka: "127.0.0.1:9092",
  kinesis: "http://127.0.0.1:4567",
  s3: "http://127.0.0.1:4569",
  mysql: "mysql://pinterest:pinterest@127.0.0.1:3306/pinterest",
} as const;
