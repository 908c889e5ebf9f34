/**
 * The object-store interface of the lake: a local directory (embedded) or an S3 bucket.
 *
 * @module
 */

/**
 * One stored object.
 *
 * @example
 * ```ts
 * import type { ObjectInfo } from "./types.ts";
 * const info: ObjectInfo = {
 *   key: "topics/demo.pin/partition=0/demo.pin+0+0000000000.json",
 *   size: 2048,
 * };
 * console.log(info.key.split("/")[1], info.size); // demo.pin 2048
 * ```
 */
export interface ObjectInfo {
  /** Key relative to the store root, `/`-separated, e.g. `topics/demo.pin/partition=0/...`. */
  key: string;
  /** Size in bytes. */
  size: number;
}

/**
 * Options of {@linkcode ObjectStore.list}.
 *
 * @example
 * ```ts
 * import type { ListOptions, ObjectStore } from "./types.ts";
 * const options: ListOptions = { onProgress: (listed) => console.log(`${listed} listed`) };
 * async function count(store: ObjectStore) {
 *   return (await store.list("topics/", options)).length; // 1000 listed, 2000 listed, 2345 listed
 * }
 * ```
 */
export interface ListOptions {
  /**
   * Called while the listing goes on, with how many objects were found so far: after each
   * page of S3 (up to 1,000 keys), or each 1,000 objects of a directory; the last call
   * carries the total (0 for none). A lake of one-record objects takes a while to list (the
   * course's connector, `flush.size=1`: 100,000 objects are 100 pages), and this lets the
   * caller say so.
   */
  onProgress?: (listed: number) => void;
}

/**
 * A flat key → bytes store with atomic puts.
 *
 * @example
 * ```ts
 * import type { ObjectStore } from "./types.ts";
 * async function show(store: ObjectStore) {
 *   for (const o of await store.list("topics/")) console.log(o.key, o.size);
 * }
 * ```
 */
export interface ObjectStore {
  /** Writes an object whole; readers see the old object or the new one, never a part. */
  put(key: string, body: Uint8Array | string): Promise<void>;
  /** Reads an object; throws `ObjectNotFoundError` when absent. */
  get(key: string): Promise<Uint8Array>;
  /** Objects whose key starts with `prefix`, sorted by key. */
  list(prefix: string, options?: ListOptions): Promise<ObjectInfo[]>;
  /** Removes an object; absent objects are ignored. */
  delete(key: string): Promise<void>;
  /** Where the objects are, for people: a path or an `s3://bucket/prefix` URL. */
  readonly location: string;
  /**
   * Optional: the local file holding the object `key`, for readers that can open files in
   * place (polars scans NDJSON from files). Stores without local files leave it out. The
   * path is valid while the object is not replaced or deleted; it is not checked to exist.
   */
  localPath?(key: string): string | undefined;
}
