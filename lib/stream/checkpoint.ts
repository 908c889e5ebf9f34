/**
 * The checkpoint of the stream processor: the last committed batch id and, per stream and
 * shard, the sequence number of the last record that batch consumed. It is one small JSON
 * file written with {@linkcode writeFileAtomic}, so it is always either the previous
 * checkpoint or the new one.
 *
 * @module
 */

import { writeFileAtomic, type WriteFileAtomicOptions } from "./atomic_file.ts";
import { StreamCheckpointError } from "./errors.ts";
import { SHARD_END } from "../log/mod.ts";

/**
 * Name of the checkpoint file inside the output directory.
 *
 * @example
 * ```ts
 * import { CHECKPOINT_FILE, emptyCheckpoint, writeCheckpoint } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * await writeCheckpoint(dir, emptyCheckpoint());
 * console.log(JSON.parse(await Deno.readTextFile(`${dir}/${CHECKPOINT_FILE}`)).batchId); // 0
 * ```
 */
export const CHECKPOINT_FILE = "_checkpoint.json";

/**
 * Per stream, per shard: the last sequence number included in committed output, or
 * `SHARD_END` for a closed shard read to its end (as the shard reader reports it).
 *
 * @example
 * ```ts
 * import { SHARD_END } from "../log/mod.ts";
 * import type { StreamPositions } from "./checkpoint.ts";
 * const positions: StreamPositions = {
 *   "streaming-demo-pin": { "shardId-000000000000": SHARD_END, "shardId-000000000001": "42" },
 * };
 * console.log(positions["streaming-demo-pin"]["shardId-000000000000"]); // SHARD_END
 * ```
 */
export type StreamPositions = Record<string, Record<string, string>>;

/**
 * What the checkpoint file holds.
 *
 * @example
 * ```ts
 * import { type Checkpoint, readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * const checkpoint: Checkpoint = { version: 1, batchId: 3, positions: {}, committedAt: Date.now(), rows: { stream_pin: 12 } };
 * await writeCheckpoint(dir, checkpoint);
 * console.log((await readCheckpoint(dir)).rows); // { stream_pin: 12 }
 * ```
 */
export interface Checkpoint {
  /** Format version, currently 1. */
  version: 1;
  /** The last committed batch; 0 before the first commit. */
  batchId: number;
  /** Where each stream's reader resumes. */
  positions: StreamPositions;
  /** When the batch was committed, epoch milliseconds (0 before the first commit). */
  committedAt: number;
  /**
   * Rows each table holds up to this batch, so that a reader can tell when a part file went
   * missing. Absent in checkpoints of tables begun before it was kept: those are not checked.
   */
  rows?: Record<string, number>;
}

/**
 * The checkpoint of an output directory that has never committed anything.
 *
 * @example
 * ```ts
 * import { emptyCheckpoint } from "./checkpoint.ts";
 * console.log(emptyCheckpoint().batchId); // 0
 * ```
 */
export function emptyCheckpoint(): Checkpoint {
  return { version: 1, batchId: 0, positions: {}, committedAt: 0, rows: {} };
}

/**
 * Reads the checkpoint of `dir`; the empty checkpoint when there is none yet.
 * Throws {@linkcode StreamCheckpointError} when the file is not a valid checkpoint.
 *
 * @example
 * ```ts
 * import { readCheckpoint } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * console.log((await readCheckpoint(dir)).batchId); // 0
 * ```
 */
export async function readCheckpoint(dir: string): Promise<Checkpoint> {
  const path = `${dir}/${CHECKPOINT_FILE}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return emptyCheckpoint();
    // Its tables are fine: deleting them to start over would lose their records that are
    // past the streams' retention.
    throw new StreamCheckpointError(
      path,
      `cannot be read (${e instanceof Error ? e.message : String(e)})`,
      {
        cause: e,
        advice:
          "Make it a file this user can read; the tables are kept as they are.",
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StreamCheckpointError(path, "is not valid JSON", { cause: e });
  }
  return validate(path, value);
}

/**
 * Writes the checkpoint of `dir` atomically and durably (temp file, fsync, rename,
 * directory fsync).
 *
 * @example
 * ```ts
 * import { readCheckpoint, writeCheckpoint } from "./checkpoint.ts";
 * const dir = await Deno.makeTempDir();
 * await writeCheckpoint(dir, {
 *   version: 1, batchId: 1, committedAt: Date.now(),
 *   positions: { "streaming-demo-pin": { "shardId-000000000000": "42" } },
 * });
 * console.log((await readCheckpoint(dir)).batchId); // 1
 * ```
 */
export async function writeCheckpoint(
  dir: string,
  checkpoint: Checkpoint,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const bytes = new TextEncoder().encode(
    JSON.stringify(checkpoint, null, 2) + "\n",
  );
  await writeFileAtomic(`${dir}/${CHECKPOINT_FILE}`, bytes, options);
}

function validate(path: string, value: unknown): Checkpoint {
  const bad = (what: string) => new StreamCheckpointError(path, what);
  if (typeof value !== "object" || value === null) {
    throw bad("is not an object");
  }
  const v = value as Record<string, unknown>;
  if (Number.isSafeInteger(v.version) && (v.version as number) > 1) {
    // Deleting the directory, the advice for a damaged file, would lose the tables.
    throw new StreamCheckpointError(
      path,
      `was written by a newer version of the pipeline (checkpoint version ${v.version}; this one reads version 1)`,
      { advice: "Run that version on it; the tables are kept as they are." },
    );
  }
  if (v.version !== 1) throw bad(`has unknown version ${String(v.version)}`);
  if (!Number.isSafeInteger(v.batchId) || (v.batchId as number) < 0) {
    throw bad("has no valid batchId");
  }
  if (typeof v.committedAt !== "number") throw bad("has no committedAt");
  if (typeof v.positions !== "object" || v.positions === null) {
    throw bad("has no positions");
  }
  const positions: StreamPositions = {};
  for (const [stream, shards] of Object.entries(v.positions)) {
    if (typeof shards !== "object" || shards === null) {
      throw bad(`has invalid positions for ${stream}`);
    }
    positions[stream] = {};
    for (const [shard, seq] of Object.entries(shards)) {
      if (
        typeof seq !== "string" || !(/^\d+$/.test(seq) || seq === SHARD_END)
      ) {
        throw bad(`has invalid sequence number for ${stream}/${shard}`);
      }
      positions[stream][shard] = seq;
    }
  }
  const checkpoint: Checkpoint = {
    version: 1,
    batchId: v.batchId as number,
    positions,
    committedAt: v.committedAt,
  };
  if (v.rows !== undefined) {
    if (
      typeof v.rows !== "object" || v.rows === null || Array.isArray(v.rows)
    ) {
      throw bad("has invalid rows");
    }
    const rows: Record<string, number> = {};
    for (const [table, n] of Object.entries(v.rows)) {
      if (!Number.isSafeInteger(n) || (n as number) < 0) {
        throw bad(`has an invalid row count for ${table}`);
      }
      rows[table] = n as number;
    }
    checkpoint.rows = rows;
  }
  return checkpoint;
}

/**
 * Options of {@linkcode foreignStreamsError}.
 *
 * @example
 * ```ts
 * import { emptyCheckpoint, foreignStreamsError, type ForeignStreamsOptions } from "./checkpoint.ts";
 * const options: ForeignStreamsOptions = { dir: ".data/stream", streams: ["streaming-demo-pin"] };
 * const cp = { ...emptyCheckpoint(), positions: { "streaming-demo-pin": {} } };
 * console.log(foreignStreamsError(cp, options)); // undefined
 * ```
 */
export interface ForeignStreamsOptions {
  /** The folder of the checkpoint, named in the error. */
  dir: string;
  /** The streams the processor reads. */
  streams: readonly string[];
}

/**
 * The error for a checkpoint that holds positions of streams other than `streams` (the
 * tables hold another prefix's records), or `undefined` when it holds none.
 *
 * @example
 * ```ts
 * import { emptyCheckpoint, foreignStreamsError } from "./checkpoint.ts";
 * const cp = { ...emptyCheckpoint(), positions: { "streaming-a-pin": {} } };
 * const error = foreignStreamsError(cp, { dir: ".data/stream", streams: ["streaming-b-pin"] });
 * console.log(error?.code); // STREAM_CHECKPOINT
 * ```
 */
export function foreignStreamsError(
  checkpoint: Checkpoint,
  options: ForeignStreamsOptions,
): StreamCheckpointError | undefined {
  const { dir, streams } = options;
  const foreign = Object.keys(checkpoint.positions)
    .filter((s) => !streams.includes(s));
  if (foreign.length === 0) return undefined;
  return new StreamCheckpointError(
    `${dir}/${CHECKPOINT_FILE}`,
    `holds the positions of ${foreign.join(", ")}, and this processor reads ${
      streams.join(", ")
    }: the tables hold another prefix's records`,
  );
}
