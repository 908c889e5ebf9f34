/**
 * A store with some calls replaced, for tests that make a real store fail, count its calls
 * or stop its server at a chosen moment.
 *
 * @module
 */
import type { ObjectStore } from "./types.ts";

/**
 * The calls of {@linkcode storeWith} that can be replaced.
 *
 * @example
 * ```ts
 * import type { StoreCalls } from "./test_store.ts";
 * const failingPut: StoreCalls = {
 *   put: () => Promise.reject(new Error("disk full")),
 * };
 * console.log(Object.keys(failingPut)); // [ "put" ]
 * ```
 */
export type StoreCalls = Partial<
  Pick<ObjectStore, "put" | "get" | "list" | "delete">
>;

/**
 * `store` with the given calls replaced; the others go to `store` (a class instance such
 * as the S3 store included). `localPath` is kept only while `get` is not replaced, so that
 * reads go through the replacement.
 *
 * @example
 * ```ts
 * import { openDirStore } from "./dir_store.ts";
 * import { storeWith } from "./test_store.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * let puts = 0;
 * const counted = storeWith(store, { put: (k, b) => (puts++, store.put(k, b)) });
 * await counted.put("a", "1");
 * console.log(puts, new TextDecoder().decode(await counted.get("a"))); // 1 1
 * ```
 */
export function storeWith(store: ObjectStore, calls: StoreCalls): ObjectStore {
  const local = calls.get === undefined ? store.localPath : undefined;
  return {
    location: store.location,
    put: calls.put ?? ((key, body) => store.put(key, body)),
    get: calls.get ?? ((key) => store.get(key)),
    list: calls.list ?? ((prefix, options) => store.list(prefix, options)),
    delete: calls.delete ?? ((key) => store.delete(key)),
    ...(local ? { localPath: (key: string) => local.call(store, key) } : {}),
  };
}
