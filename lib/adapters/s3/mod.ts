/**
 * The lake on S3 (or any S3-compatible server).
 *
 * @example
 * ```ts
 * import { openS3Store } from "./mod.ts";
 * const lake = await openS3Store({ endpoint: "http://127.0.0.1:4569", bucket: "pinterest-lake" });
 * console.log(lake.location); // s3://pinterest-lake/
 * ```
 *
 * @module
 */
export { openS3Store, type S3StoreOptions } from "./s3_store.ts";
