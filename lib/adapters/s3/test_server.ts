/**
 * A real s3rver for tests: started on a free 127.0.0.1 port in a temp dir and stopped by
 * its PID afterwards (s3rver is an npm package, so it is always available: no test of the
 * S3 adapter skips).
 *
 * @module
 */
import assert from "node:assert/strict";
import { freePort } from "../../services/process.ts";
import { s3Service } from "../../services/s3.ts";

/**
 * Options of {@linkcode withS3Server}.
 *
 * @example
 * ```ts
 * import { withS3Server, type WithS3ServerOptions } from "./test_server.ts";
 * import { openS3Store } from "./s3_store.ts";
 * const options: WithS3ServerOptions = { buckets: ["lake", "warehouse"] };
 * await withS3Server(async (endpoint) => {
 *   const warehouse = await openS3Store({ endpoint, bucket: "warehouse" });
 *   console.log(await warehouse.list("")); // []
 * }, options);
 * ```
 */
export interface WithS3ServerOptions {
  /** Buckets created at start; default `["lake"]`. */
  buckets?: string[];
}

/**
 * Runs `fn` against an s3rver process of its own, stopped (and checked stopped) afterwards.
 *
 * @example
 * ```ts
 * import { withS3Server } from "./test_server.ts";
 * import { openS3Store } from "./s3_store.ts";
 * await withS3Server(async (endpoint) => {
 *   const lake = await openS3Store({ endpoint, bucket: "lake" });
 *   console.log(await lake.list("topics/")); // []
 * });
 * ```
 */
export async function withS3Server(
  fn: (endpoint: string) => Promise<void>,
  options: WithS3ServerOptions = {},
): Promise<void> {
  const stateDir = await Deno.makeTempDir({ prefix: "s3-test-" });
  const { endpoint } = await s3Service.start({
    stateDir,
    port: freePort(),
    buckets: options.buckets ?? ["lake"],
  });
  try {
    await fn(endpoint);
  } finally {
    await s3Service.stop({ stateDir });
    assert.equal((await s3Service.status({ stateDir })).running, false);
    await Deno.remove(stateDir, { recursive: true });
  }
}
