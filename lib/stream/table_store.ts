/**
 * The commit protocol of the stream tables: append-only tables made of one Parquet part
 * file per micro-batch, plus one checkpoint that decides which parts exist.
 *
 * Layout of the output directory `dir`:
 * - `{table}/part-{batchId, 12 digits}.parquet`: the rows batch `batchId` added to `table`;
 * - `{table}/part-{first}-{last}.parquet`: a merge of the parts of batches `first..last`
 *   (`compact`, see `compaction.ts` and `part_names.ts`);
 * - `_checkpoint.json`: last committed batch id `C` and the reader positions after it;
 * - `_lock`: held (flock) by the one processor writing `dir`, which records in it its
 *   process id, program and start time (`stream_lock.ts`);
 * - `raw-{uuid}.ndjson.tmp`: scratch of the micro-batch being cleaned (polars reads it).
 *
 * Committing batch `B = C + 1`:
 * 1. each part is written to `part-B.parquet.tmp` and fsynced, then renamed to
 *    `part-B.parquet`; the table directories are fsynced;
 * 2. then the checkpoint `{ batchId: B, positions }` is written to a temp file, fsynced,
 *    renamed over `_checkpoint.json`, and the directory is fsynced.
 *
 * The rename of step 2 is the commit point. The truth is: a part is committed if and only
 * if its batch id is ≤ the checkpoint's. On open, every `*.tmp` file and every part with a
 * batch id > `C` is deleted (leftovers of a batch that crashed before its commit point);
 * the reader then resumes from the checkpoint positions, so that batch is read again and
 * rewritten. Readers (`listCommittedParts` in `read_table.ts`) only list parts ≤ `C`, so they
 * see whole batches even while a batch is being written. Hence, after a crash at any
 * moment, the committed parts hold exactly the records before the checkpoint positions,
 * each once (by induction: batch `B` holds exactly the records between the positions of
 * checkpoints `B - 1` and `B`). Recovery fsyncs its deletions before anything new is
 * committed, so a deleted part cannot come back after a power loss and count as committed
 * later; a checkpoint rename lost to a power loss only reverts to checkpoint `B - 1`, whose
 * recovery deletes part `B` and reprocesses it (recovery is in `recovery.ts`). The lock
 * keeps a second writer out.
 * Merged parts only ever cover committed batches, so for them the rule reads: committed
 * if and only if their last batch id is ≤ `C`; recovery also deletes the parts a merged
 * part supersedes.
 *
 * @module
 */

import { syncDir } from "../sync_dir.ts";
import { writeTempFile } from "./atomic_file.ts";
import {
  type Checkpoint,
  readCheckpoint,
  writeCheckpoint,
} from "./checkpoint.ts";
import { StreamDirError, StreamIoError } from "./errors.ts";
import { PipelineError } from "../errors.ts";
import { tryLockFile } from "../file_lock.ts";
import { type Compaction, compactTable } from "./compaction.ts";
import { partName } from "./part_names.ts";
import { recoverOutput } from "./recovery.ts";
import { lockStreamTables } from "./stream_lock.ts";
import type {
  BatchOutput,
  TableStore,
  TableStoreOptions,
} from "./table_store_types.ts";

export type {
  BatchOutput,
  CommitStep,
  CommitStepInfo,
  TableStore,
  TableStoreOptions,
} from "./table_store_types.ts";

/**
 * Whether a processor holds `dir`'s lock now (a job can check before doing work that
 * would end in opening `dir`). A `dir` without a lock file is free.
 *
 * @example
 * ```ts
 * import { openTableStore, tableStoreHeld } from "./table_store.ts";
 * const dir = await Deno.makeTempDir();
 * console.log(await tableStoreHeld(dir)); // false
 * const store = await openTableStore(dir, { tables: ["stream_pin"] });
 * console.log(await tableStoreHeld(dir)); // true
 * await store.close();
 * ```
 */
export async function tableStoreHeld(dir: string): Promise<boolean> {
  const path = `${dir}/_lock`;
  try {
    await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
  const probe = await tryLockFile(path);
  probe?.close(); // the probe's own lock goes at once
  return probe === null;
}

/**
 * Opens `dir` for writing: takes its lock (or throws `StreamLockedError` naming the
 * processor that holds it), reads the checkpoint and deletes whatever an interrupted commit
 * left behind. A folder or file it cannot create, read or delete is a
 * {@linkcode StreamDirError}.
 *
 * @example
 * ```ts
 * import { openTableStore } from "./table_store.ts";
 * const dir = await Deno.makeTempDir();
 * const store = await openTableStore(dir, { tables: ["stream_pin"] });
 * const cp = await store.commit({
 *   parts: { stream_pin: new Uint8Array([1]) },
 *   rows: { stream_pin: 1 },
 *   positions: {},
 * });
 * console.log(cp.batchId); // 1
 * await store.close();
 * ```
 */
export async function openTableStore(
  dir: string,
  options: TableStoreOptions,
): Promise<TableStore> {
  const lock = await lockStreamTables(dir, { program: options.program });
  try {
    let current: Checkpoint;
    let recovered: string[];
    let runs: Map<string, number>;
    /** Reads the checkpoint and deletes what an interrupted commit left (module doc). */
    const load = async () => {
      for (const table of options.tables) {
        await Deno.mkdir(`${dir}/${table}`, { recursive: true }).catch((e) => {
          throw new StreamDirError(dir, e);
        });
      }
      current = await readCheckpoint(dir);
      ({ removed: recovered, runs } = await recoverOutput(dir, {
        batchId: current.batchId,
        tables: options.tables,
      }).catch((e) => {
        throw new StreamDirError(dir, e);
      }));
    };
    await load();
    let closed = false;
    const hook = options.onCommitStep ?? (() => {});
    /** Writes the parts, then the checkpoint (see the module doc). */
    const commitBatch = async (batch: BatchOutput): Promise<Checkpoint> => {
      const batchId = current.batchId + 1;
      const parts = Object.entries(batch.parts).map(([table, bytes]) => ({
        table,
        bytes,
        path: `${dir}/${table}/${partName(batchId)}`,
      }));
      // All temp files are written and fsynced concurrently, then published in order. A
      // failed write fails the commit once the others ended: none is still writing when a
      // retry removes the temp files and writes them again.
      const temps = await allSettled(parts.map(async (p) => {
        await Deno.mkdir(`${dir}/${p.table}`, { recursive: true });
        return await writeTempFile(p.path, p.bytes);
      }));
      for (const [i, { table }] of parts.entries()) {
        await hook("part-temp", { batchId, table, tempPath: temps[i] });
      }
      for (const [i, { table, path }] of parts.entries()) {
        await Deno.rename(temps[i], path);
        runs.set(table, (runs.get(table) ?? 0) + 1);
        await hook("part", { batchId, table });
      }
      await Promise.all(parts.map((p) => syncDir(`${dir}/${p.table}`)));
      await hook("parts", { batchId });
      const next: Checkpoint = {
        version: 1,
        batchId,
        positions: batch.positions,
        committedAt: Date.now(),
      };
      // Kept from the first batch on (tables begun before it was kept stay uncounted).
      if (current.rows !== undefined) {
        next.rows = { ...current.rows };
        for (const { table } of parts) {
          next.rows[table] = (next.rows[table] ?? 0) +
            (batch.rows[table] ?? 0);
        }
      }
      await writeCheckpoint(dir, next, {
        beforeRename: (tempPath) =>
          hook("checkpoint-temp", { batchId, tempPath }),
        // The commit point: a failure from here on (fsync of the folder) fails a commit
        // that took place, and checkpoint() says so.
        afterRename: () => {
          current = next;
          return hook("checkpoint", { batchId });
        },
      });
      return next;
    };
    return {
      dir,
      get recovered() {
        return recovered;
      },
      checkpoint: () => current,
      reload: load,
      async commit(batch) {
        try {
          return await commitBatch(batch);
        } catch (e) {
          throw osError(e) ? new StreamIoError(dir, e) : e;
        }
      },
      async compact() {
        const done: Compaction[] = [];
        const compaction = options.compaction;
        if (compaction === undefined) return done;
        let failure: { error: unknown } | undefined;
        for (const [table, run] of runs) {
          if (run < compaction.parts) continue;
          try {
            const merged = await compactTable(dir, table, {
              batchId: current.batchId,
              parts: compaction.parts,
              merge: compaction.merge,
              onStep: (step, info) =>
                hook(step, { ...info, batchId: current.batchId }),
            });
            runs.set(table, merged ? run - merged.parts : 0);
            if (merged) done.push(merged);
          } catch (error) {
            // Tried again once `parts` more parts are written, not after every batch (a
            // full disk would fail each one, reading the whole run each time).
            runs.set(table, 0);
            failure ??= { error };
          }
        }
        if (failure) throw failure.error;
        return done;
      },
      async close() {
        if (closed) return; // idempotent
        closed = true;
        await lock.unlock();
        lock.close();
      },
    };
  } catch (e) {
    lock.close();
    throw e;
  }
}

/**
 * Whether `e` is an error of the operating system (it carries an errno code such as
 * ENOSPC), rather than one of the pipeline's or of a fault-injection hook.
 */
function osError(e: unknown): boolean {
  return e instanceof Error && !(e instanceof PipelineError) &&
    typeof (e as { code?: unknown }).code === "string";
}

/** The values of `promises` once all settled; the first rejection (in order) if any. */
async function allSettled<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
