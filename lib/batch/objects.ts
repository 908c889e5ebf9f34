/**
 * Finding and reading the raw objects the sink wrote for a topic, in arrival order.
 *
 * The sink names objects `topics/{topic}/partition={p}/{topic}+{p}+{startOffset:10}.json`
 * (the Confluent S3 sink layout). Arrival order is partition, then start offset, compared as
 * numbers (a plain key sort would put `partition=10` before `partition=2`).
 *
 * @module
 */
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { ConfigError } from "../errors.ts";
import type { ObjectInfo, ObjectStore } from "../lake/types.ts";
import { LakeObjectError } from "./errors.ts";

const gunzipAsync = promisify(gunzip);
/** How many times larger than its gzip object NDJSON is taken to be, to size groups. */
const GZIP_RATIO = 8;

/**
 * One raw object of a topic.
 *
 * @example
 * ```ts
 * import { parseObjectKey, type TopicObject } from "./objects.ts";
 * const key = "topics/p.pin/partition=0/p.pin+0+0000000007.json.gz";
 * const object: TopicObject | undefined = parseObjectKey("p.pin", { key, size: 120 });
 * console.log(object); // { key: "topics/...", partition: 0, startOffset: 7, size: 120, gzip: true }
 * ```
 */
export interface TopicObject {
  key: string;
  partition: number;
  startOffset: number;
  /** Bytes as stored (compressed, for a gzip object). */
  size: number;
  /**
   * Gzip-compressed NDJSON: a `.json.gz` object, as the Confluent connector writes them
   * with `s3.compression.type=gzip`. Read by {@linkcode readObjects}, which decompresses it.
   */
  gzip?: boolean;
}

/**
 * Reads the partition and start offset from the key of a listed object of `topic`;
 * undefined for keys of another shape (they are not the sink's).
 *
 * @example
 * ```ts
 * import { parseObjectKey } from "./objects.ts";
 * const key = "topics/p.pin/partition=2/p.pin+2+0000000500.json";
 * const o = parseObjectKey("p.pin", { key, size: 10 });
 * console.log(o?.partition, o?.startOffset); // 2 500
 * ```
 */
export function parseObjectKey(
  topic: string,
  info: ObjectInfo,
): TopicObject | undefined {
  const { key, size } = info;
  const dir = `topics/${topic}/partition=`;
  if (!key.startsWith(dir)) return undefined;
  const rest = key.slice(dir.length);
  const m = /^(\d+)\/(.+)\+(\d+)\+(\d+)\.json(\.gz)?$/.exec(rest);
  if (!m || m[2] !== topic || m[1] !== m[3]) return undefined;
  const object = {
    key,
    partition: Number(m[1]),
    startOffset: Number(m[4]),
    size,
  };
  return m[5] ? { ...object, gzip: true } : object;
}

/**
 * Options of {@linkcode listTopicObjects}.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { listTopicObjects, type ListTopicObjectsOptions } from "./objects.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/t/notes.txt", "not the sink's");
 * const options: ListTopicObjectsOptions = { onSkip: (key) => console.log("skipped", key) };
 * console.log(await listTopicObjects(store, "t", options)); // skipped topics/t/notes.txt, then []
 * ```
 */
export interface ListTopicObjectsOptions {
  /** Called with each key under the topic that is not a sink object (skipped). */
  onSkip?: (key: string) => void;
  /** Called while the lake is listed, with how many keys were found so far (see `ListOptions`). */
  onListed?: (listed: number) => void;
}

/**
 * The sink objects of `topic`, in arrival order (partition, then start offset).
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { listTopicObjects } from "./objects.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/t/partition=0/t+0+0000000002.json", "{}\n");
 * await store.put("topics/t/partition=0/t+0+0000000000.json", "{}\n{}\n");
 * console.log((await listTopicObjects(store, "t")).map((o) => o.startOffset)); // [0, 2]
 * ```
 */
export async function listTopicObjects(
  store: ObjectStore,
  topic: string,
  options: ListTopicObjectsOptions = {},
): Promise<TopicObject[]> {
  const out: TopicObject[] = [];
  const listed = await store.list(`topics/${topic}/`, {
    onProgress: options.onListed,
  });
  for (const info of listed) {
    const object = parseObjectKey(topic, info);
    if (object) out.push(object);
    else options.onSkip?.(info.key);
  }
  return out.sort((a, b) =>
    a.partition - b.partition || a.startOffset - b.startOffset
  );
}

/**
 * Splits objects, in order, into groups of at most `maxBytes` (a bigger object is alone).
 * A gzip object counts for 8 times its stored size: about what NDJSON shrinks to.
 *
 * @example
 * ```ts
 * import { groupBySize } from "./objects.ts";
 * const o = (size: number) => ({ key: "k", partition: 0, startOffset: 0, size });
 * console.log(groupBySize([o(4), o(4), o(9), o(1)], 8).map((g) => g.length)); // [2, 1, 1]
 * ```
 */
export function groupBySize(
  objects: readonly TopicObject[],
  maxBytes: number,
): TopicObject[][] {
  const groups: TopicObject[][] = [];
  let current: TopicObject[] = [];
  let bytes = 0;
  for (const o of objects) {
    const weight = o.gzip ? o.size * GZIP_RATIO : o.size;
    if (current.length > 0 && bytes + weight > maxBytes) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(o);
    bytes += weight;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Options of {@linkcode readObjects}.
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { listTopicObjects, readObjects, type ReadObjectsOptions } from "./objects.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/t/partition=0/t+0+0000000000.json", "{}\n");
 * const options: ReadObjectsOptions = { concurrency: 8, onRead: (n) => console.log(`${n} read`) };
 * await readObjects(store, await listTopicObjects(store, "t"), options); // 1 read
 * ```
 */
export interface ReadObjectsOptions {
  /**
   * Objects fetched at once; default 32. A lake the course's S3 sink wrote (`flush.size=1`)
   * holds one object per record, and tens of thousands of GETs started together time out
   * waiting for a connection.
   */
  concurrency?: number;
  /** Called after each object arrived, with how many have so far. */
  onRead?: (read: number) => void;
}

/**
 * The bodies of `objects`, in their order, fetched at most `concurrency` at a time. Rejects
 * with the first failure (no new fetch starts after it).
 *
 * @example
 * ```ts
 * import { openDirStore } from "../lake/mod.ts";
 * import { listTopicObjects, readObjects } from "./objects.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/t/partition=0/t+0+0000000000.json", "a\n");
 * await store.put("topics/t/partition=0/t+0+0000000001.json", "b\n");
 * const bodies = await readObjects(store, await listTopicObjects(store, "t"), { concurrency: 1 });
 * console.log(bodies.map((b) => new TextDecoder().decode(b))); // [ "a\n", "b\n" ]
 * ```
 */
export async function readObjects(
  store: ObjectStore,
  objects: readonly TopicObject[],
  options: ReadObjectsOptions = {},
): Promise<Uint8Array[]> {
  const concurrency = options.concurrency ?? 32;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigError("concurrency", "must be a whole number >= 1", {
      value: concurrency,
    });
  }
  const bodies: Uint8Array[] = new Array(objects.length);
  let next = 0;
  let read = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < objects.length) {
      const i = next++;
      try {
        const body = await store.get(objects[i].key);
        bodies[i] = objects[i].gzip
          ? await gunzipObject(store, { key: objects[i].key, body })
          : body;
      } catch (error) {
        failed = true;
        throw error;
      }
      options.onRead?.(++read);
    }
  };
  const workers = Math.min(concurrency, objects.length);
  await Promise.all(Array.from({ length: workers }, worker));
  return bodies;
}

/** The decompressed body of a gzip object; {@linkcode LakeObjectError} when it is not gzip. */
async function gunzipObject(
  store: ObjectStore,
  object: { key: string; body: Uint8Array },
): Promise<Uint8Array> {
  const { key, body } = object;
  try {
    const out = await gunzipAsync(body);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    throw new LakeObjectError(store.location, key, { cause });
  }
}
