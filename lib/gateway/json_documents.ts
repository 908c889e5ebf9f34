/**
 * Whole request bodies read with {@linkcode JsonBytes}: a document that must be an object
 * (`readDocument`), and the objects of one of its array members (`readObjectList`), as the
 * gateway's fast paths (`produce_bytes.ts`, `stream_bytes.ts`) read them. `undefined` means
 * "take the general path" (`JSON.parse`), which reports what is wrong.
 *
 * @module
 */
import { JsonBytes, NOT_FAST } from "./json_bytes.ts";

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;

/**
 * Reads a whole document that must be an object with `read(json, at)` (which returns what
 * it read and where the object ends); `undefined` when the bytes are not JSON this reader
 * takes, not an object, or `read` gave up.
 *
 * @example
 * ```ts
 * import { readDocument } from "./json_documents.ts";
 * const bytes = new TextEncoder().encode(' {"a":1} ');
 * const n = readDocument(bytes, (json, at) => {
 *   let count = 0;
 *   const end = json.members(at, (_k0, _k1, v) => (count++, json.value(v)));
 *   return [count, end];
 * });
 * console.log(n); // 1
 * ```
 */
export function readDocument<T>(
  bytes: Uint8Array,
  read: (json: JsonBytes, at: number) => [T, number],
): T | undefined {
  const json = new JsonBytes(bytes);
  try {
    const start = json.space(0);
    if (bytes[start] !== OPEN_OBJECT) return undefined;
    const [result, end] = read(json, start);
    return json.space(end) === bytes.length ? result : undefined;
  } catch (error) {
    if (error === NOT_FAST) return undefined;
    throw error;
  }
}

/**
 * Options of {@linkcode readObjectList}.
 *
 * @example
 * ```ts
 * import { readObjectList, type ReadObjectListOptions } from "./json_documents.ts";
 * const bytes = new TextEncoder().encode('{"records":[{"value":1},{"value":{"a":2}}]}');
 * const options: ReadObjectListOptions<string> = {
 *   member: "records",
 *   read: (json, at) => {
 *     const end = json.value(at);
 *     return [new TextDecoder().decode(bytes.subarray(at, end)), end];
 *   },
 * };
 * console.log(readObjectList(bytes, options)); // ['{"value":1}', '{"value":{"a":2}}']
 * ```
 */
export interface ReadObjectListOptions<T> {
  /** The name of the array member to read. */
  member: string;
  /** Reads one element (an object at `at`): what it read, and where the object ends. */
  read: (json: JsonBytes, at: number) => [T, number];
}

/**
 * Reads a document `{..., "<member>": [{...}, ...], ...}`: the objects of its array member
 * (the last one of that name, as `JSON.parse` keeps), each read by `read`. `undefined` as
 * {@linkcode readDocument}, and when a member name is escaped, the member is missing or not
 * an array, or an element is not an object.
 *
 * @example
 * ```ts
 * import { readObjectList } from "./json_documents.ts";
 * const bytes = new TextEncoder().encode('{"items":[{"a":1},{}]}');
 * const ends = readObjectList(bytes, {
 *   member: "items",
 *   read: (json, at) => {
 *     const end = json.members(at, (_k0, _k1, v) => json.value(v));
 *     return [end, end];
 *   },
 * });
 * console.log(ends); // [ 17, 20 ]
 * ```
 */
export function readObjectList<T>(
  bytes: Uint8Array,
  options: ReadObjectListOptions<T>,
): T[] | undefined {
  const { member: name, read: item } = options;
  return readDocument(bytes, (json, at) => {
    let items: T[] | undefined;
    const end = json.members(at, (k0, k1, v) => {
      if (json.escaped) throw NOT_FAST;
      if (!json.keyIs(k0, k1, name)) return json.value(v);
      if (bytes[v] !== OPEN_ARRAY) throw NOT_FAST;
      const found: T[] = [];
      const e = json.elements(v, (el) => {
        if (bytes[el] !== OPEN_OBJECT) throw NOT_FAST;
        const [value, valueEnd] = item(json, el);
        found.push(value);
        return valueEnd;
      });
      items = found;
      return e;
    });
    if (items === undefined) throw NOT_FAST;
    return [items, end];
  });
}
