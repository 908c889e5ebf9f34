/**
 * Reading the stream tables: a table is the concatenation of its committed parts, in batch
 * order. Only parts the checkpoint covers are read, so a reader running next to the
 * processor sees whole micro-batches, never half of one, and a read whose files the
 * processor's compaction moved meanwhile starts again. The checkpoint also counts each
 * table's rows: a table whose parts hold another number (a part file was removed or
 * replaced) is an error, not a silently shorter table.
 *
 * @module
 */

import { type DataFrame, pl, readParquetFile } from "../clean/mod.ts";
import { type Checkpoint, readCheckpoint } from "./checkpoint.ts";
import {
  emptyStreamTable,
  STREAM_TABLE_NAMES,
  type StreamTableName,
} from "./micro_batch.ts";
import { readTableParts } from "./part_names.ts";
import { ConfigError } from "../errors.ts";
import { StreamPartError, StreamTableError } from "./errors.ts";

/**
 * Checks a stream table name coming from outside.
 *
 * @example
 * ```ts
 * import { isStreamTableName } from "./read_table.ts";
 * console.log(isStreamTableName("stream_pin"), isStreamTableName("pin")); // true false
 * ```
 */
export function isStreamTableName(name: string): name is StreamTableName {
  return (Object.values(STREAM_TABLE_NAMES) as string[]).includes(name);
}

/**
 * Reads the committed rows of stream table `name` under `outDir` (e.g. `.data/stream`), in
 * the order they were appended. A table nothing was committed to yet reads as an empty
 * frame with the table's columns. Throws {@linkcode StreamTableError} when its parts hold
 * another number of rows than the checkpoint counts, {@linkcode StreamPartError} when a part
 * cannot be read.
 *
 * @example
 * ```ts
 * import { readStreamTable } from "./read_table.ts";
 * const df = await readStreamTable(await Deno.makeTempDir(), "stream_geo");
 * console.log(df.height, df.columns);
 * // 0 ["ind", "country", "coordinates", "timestamp", "_shard_id", "_sequence_number"]
 * ```
 */
export async function readStreamTable(
  outDir: string,
  name: StreamTableName,
): Promise<DataFrame> {
  if (!isStreamTableName(name)) {
    throw new ConfigError(
      "stream table",
      `must be one of ${Object.values(STREAM_TABLE_NAMES).join(", ")}`,
      { value: name },
    );
  }
  // A running processor may change the files under a read: its compaction deletes parts
  // once their merged part is in place (a listed part gone), and a merged part reaching
  // past the checkpoint this read began with is not listed while the parts it replaced
  // may be gone (too few rows, and a newer checkpoint). Such a read starts again.
  for (let attempt = 1;; attempt++) {
    const checkpoint = await readCheckpoint(outDir);
    try {
      return await readCommitted(outDir, name, checkpoint);
    } catch (e) {
      const moved = attempt < 5 && (
        (e instanceof StreamPartError && isGone(String(e.context.path))) ||
        (e instanceof StreamTableError &&
          (await readCheckpoint(outDir)).batchId !== checkpoint.batchId)
      );
      if (!moved) throw e;
    }
  }
}

function isGone(path: string): boolean {
  try {
    Deno.statSync(path);
    return false;
  } catch (e) {
    return e instanceof Deno.errors.NotFound;
  }
}

async function readCommitted(
  outDir: string,
  name: StreamTableName,
  { batchId, rows }: Checkpoint,
): Promise<DataFrame> {
  const parts = await listCommittedParts(outDir, name, { upTo: batchId });
  const frames = parts.map((path) => {
    try {
      return readParquetFile(path);
    } catch (cause) {
      throw new StreamPartError(outDir, path, { cause });
    }
  });
  const table = frames.length === 0
    ? emptyStreamTable(name)
    : frames.length === 1
    ? frames[0]
    : pl.concat(frames, { how: "vertical" });
  const expected = rows === undefined ? undefined : rows[name] ?? 0;
  if (expected !== undefined && table.height !== expected) {
    throw new StreamTableError(outDir, name, { rows: table.height, expected });
  }
  return table;
}

/**
 * Row counts of the four stream tables (committed rows only), as the checkpoint records
 * them: each commit writes the tables' row counts into the checkpoint with its positions,
 * so counting costs one small read however many parts a long-running processor has
 * written (reading every part took ~0.8 ms a part: minutes after a day at a 1 s
 * trigger). {@linkcode readStreamTable} checks the parts against these counts. A
 * checkpoint without counts (written before they were kept) has its tables read instead.
 *
 * @example
 * ```ts
 * import { countStreamTables } from "./read_table.ts";
 * console.log(await countStreamTables(await Deno.makeTempDir()));
 * // { stream_pin: 0, stream_geo: 0, stream_user: 0, stream_quarantine: 0 }
 * ```
 */
export async function countStreamTables(
  outDir: string,
): Promise<Record<StreamTableName, number>> {
  const { rows } = await readCheckpoint(outDir);
  const out = {} as Record<StreamTableName, number>;
  for (const name of Object.values(STREAM_TABLE_NAMES)) {
    out[name] = rows !== undefined
      ? rows[name] ?? 0
      : (await readStreamTable(outDir, name)).height;
  }
  return out;
}

/**
 * Options of {@linkcode listCommittedParts}.
 *
 * @example
 * ```ts
 * import { readCheckpoint } from "./checkpoint.ts";
 * import { listCommittedParts, type ListCommittedPartsOptions } from "./read_table.ts";
 * const dir = await Deno.makeTempDir();
 * const options: ListCommittedPartsOptions = { upTo: (await readCheckpoint(dir)).batchId };
 * console.log(await listCommittedParts(dir, "stream_geo", options)); // []
 * ```
 */
export interface ListCommittedPartsOptions {
  /** The last committed batch id (the checkpoint's). */
  upTo: number;
}

/**
 * The committed parts of `table` in `dir`, oldest first: those whose last batch id is ≤
 * `upTo` (the checkpoint's). Parts of an uncommitted batch, and parts a merged part
 * supersedes (`part_names.ts`), are never listed.
 *
 * @example
 * ```ts
 * import { listCommittedParts } from "./read_table.ts";
 * const dir = await Deno.makeTempDir();
 * console.log(await listCommittedParts(dir, "stream_pin", { upTo: 0 })); // []
 * ```
 */
export async function listCommittedParts(
  dir: string,
  table: string,
  options: ListCommittedPartsOptions,
): Promise<string[]> {
  const { live } = await readTableParts(`${dir}/${table}`, options.upTo);
  return live.map((name) => `${dir}/${table}/${name}`);
}
