/**
 * The lake: object stores where the sink writes its NDJSON objects.
 *
 * @example
 * ```ts
 * import { openDirStore } from "./mod.ts";
 * const lake = openDirStore(".data/lake");
 * console.log(lake.location);
 * ```
 *
 * @module
 */
export type { ListOptions, ObjectInfo, ObjectStore } from "./types.ts";
export { openDirStore } from "./dir_store.ts";
export {
  InvalidKeyError,
  ObjectNotFoundError,
  TEMP_PREFIX,
  validateKey,
} from "./errors.ts";
