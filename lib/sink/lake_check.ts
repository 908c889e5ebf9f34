/**
 * Checks that a lake holds a set of acknowledged records exactly once: every object parsed,
 * every offset present once with the acknowledged value, no gap or overlap between objects.
 * Used by the crash tests of every tier (embedded, Kafka + S3).
 *
 * @module
 */
import type { ObjectStore } from "../lake/types.ts";
import { parseObjectKey } from "./layout.ts";

/**
 * A record the log acknowledged: where it landed and its value text.
 *
 * @example
 * ```ts
 * import { type AckedRecord, checkLake } from "./lake_check.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * const acked: AckedRecord[] = [{ topic: "t", partition: 0, offset: 0, value: '{"n":0}' }];
 * const check = await checkLake(openDirStore(await Deno.makeTempDir()), acked);
 * console.log(check.problems); // [ "t/0 offset 0 acknowledged but missing" ]
 * ```
 */
export interface AckedRecord {
  topic: string;
  partition: number;
  offset: number;
  value: string;
}

/**
 * Options of {@linkcode checkLake}.
 *
 * @example
 * ```ts
 * import { checkLake, type CheckLakeOptions } from "./lake_check.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/t/partition=0/t+0+0000000000.json", '{"n":0}\n');
 * const options: CheckLakeOptions = { topics: ["t"], allowUnacknowledged: true };
 * console.log((await checkLake(store, [], options)).unacknowledged); // 1
 * ```
 */
export interface CheckLakeOptions {
  /** Only objects of these topics are checked (default: every topic in the lake). */
  topics?: readonly string[];
  /** Accept records in the lake that were never acknowledged (default false). */
  allowUnacknowledged?: boolean;
}

/**
 * What {@linkcode checkLake} found.
 *
 * @example
 * ```ts
 * import { checkLake, type LakeCheck } from "./lake_check.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/t/partition=0/t+0+0000000000.json", '{"n":0}\n');
 * const check: LakeCheck = await checkLake(store, [{ topic: "t", partition: 0, offset: 0, value: '{"n":0}' }]);
 * console.log(check.objects, check.records, check.perTopic); // 1 1 { t: 1 }
 * ```
 */
export interface LakeCheck {
  /** Objects read. */
  objects: number;
  /** Records (lines) in those objects. */
  records: number;
  /** Acknowledged records given. */
  acknowledged: number;
  /** Lake records per topic. */
  perTopic: Record<string, number>;
  /** Lake records that were never acknowledged. */
  unacknowledged: number;
  /** Every violation, in words (the first 50); empty means exactly once. */
  problems: string[];
}

/**
 * Reads the whole lake (under `topics/`) and compares it with `acked`.
 *
 * @example
 * ```ts
 * import { checkLake } from "./lake_check.ts";
 * import { openDirStore } from "../lake/dir_store.ts";
 * const store = openDirStore(await Deno.makeTempDir());
 * await store.put("topics/t/partition=0/t+0+0000000000.json", '{"n":0}\n');
 * const check = await checkLake(store, [{ topic: "t", partition: 0, offset: 0, value: '{"n":0}' }]);
 * console.log(check.problems); // []
 * ```
 */
export async function checkLake(
  store: ObjectStore,
  acked: readonly AckedRecord[],
  options: CheckLakeOptions = {},
): Promise<LakeCheck> {
  const problems: string[] = [];
  const wanted = options.topics ? new Set(options.topics) : null;
  const lake = new Map<string, Map<number, string>>();
  const spans = new Map<
    string,
    { start: number; end: number; key: string }[]
  >();
  const perTopic: Record<string, number> = {};
  let objects = 0;
  let records = 0;
  for (const { key } of await store.list("topics/")) {
    const name = parseObjectKey(key);
    if (!name) {
      problems.push(`foreign object ${key}`);
      continue;
    }
    if (wanted && !wanted.has(name.topic)) continue;
    objects++;
    const text = new TextDecoder().decode(await store.get(key));
    if (!text.endsWith("\n")) {
      problems.push(`object ${key} does not end with a newline`);
    }
    const lines = text.endsWith("\n")
      ? text.slice(0, -1).split("\n")
      : text.split("\n");
    const tp = `${name.topic}\0${name.partition}`;
    const offsets = lake.get(tp) ?? lake.set(tp, new Map()).get(tp)!;
    lines.forEach((line, i) => {
      const offset = name.startOffset + i;
      if (offsets.has(offset)) {
        problems.push(
          `${name.topic}/${name.partition} offset ${offset} twice (again in ${key})`,
        );
      }
      offsets.set(offset, line);
    });
    records += lines.length;
    perTopic[name.topic] = (perTopic[name.topic] ?? 0) + lines.length;
    const list = spans.get(tp) ?? spans.set(tp, []).get(tp)!;
    list.push({
      start: name.startOffset,
      end: name.startOffset + lines.length,
      key,
    });
  }
  for (const list of spans.values()) {
    list.sort((a, b) => a.start - b.start);
    for (let i = 0; i + 1 < list.length; i++) {
      if (list[i].end !== list[i + 1].start) {
        const what = list[i].end < list[i + 1].start ? "gap" : "overlap";
        problems.push(`${what} between ${list[i].key} and ${list[i + 1].key}`);
      }
    }
  }
  const ackedKeys = new Set<string>();
  for (const a of acked) {
    ackedKeys.add(`${a.topic}\0${a.partition}\0${a.offset}`);
    const got = lake.get(`${a.topic}\0${a.partition}`)?.get(a.offset);
    if (got === undefined) {
      problems.push(
        `${a.topic}/${a.partition} offset ${a.offset} acknowledged but missing`,
      );
    } else if (got !== a.value) {
      problems.push(
        `${a.topic}/${a.partition} offset ${a.offset} holds ${got}, not ${a.value}`,
      );
    }
  }
  let unacknowledged = 0;
  for (const [tp, offsets] of lake) {
    for (const offset of offsets.keys()) {
      if (ackedKeys.has(`${tp}\0${offset}`)) continue;
      unacknowledged++;
      if (!options.allowUnacknowledged) {
        problems.push(
          `${
            tp.replace("\0", "/")
          } offset ${offset} in the lake, never acknowledged`,
        );
      }
    }
  }
  const shown = problems.length > 50
    ? [...problems.slice(0, 50), `... and ${problems.length - 50} more`]
    : problems;
  return {
    objects,
    records,
    acknowledged: acked.length,
    perTopic,
    unacknowledged,
    problems: shown,
  };
}
