/**
 * Makes committed WAL frames durable: `fdatasync` of the log's `-wal` file, inline while
 * the disk syncs fast and on Deno's blocking thread pool (the event loop keeps serving
 * while the disk flushes) once it is slow; see `sync_mode.ts`.
 *
 * The database runs in WAL mode with `synchronous=NORMAL`: a COMMIT writes its frames
 * into `{path}-wal` (the OS page cache) and returns without syncing. One `fdatasync` of
 * that file then makes every frame whose `write()` returned before the sync began
 * durable, whichever descriptor wrote it (the sync flushes the file, not the descriptor).
 *
 * The file is opened lazily, at the first sync: by then this connection has written a
 * transaction, so SQLite has created the `-wal` file and keeps it (it deletes the WAL
 * only when the last connection closes, and this one is open). The first sync also
 * fsyncs the directory, so the entries of the database and its `-wal` file are durable.
 *
 * @module
 */

import { dirname } from "node:path";
import { BackendError } from "../errors.ts";
import { SyncMode, type SyncModeOptions } from "./sync_mode.ts";

/**
 * Syncs the `-wal` file of the log database at `path`. One sync at a time: callers
 * (the {@linkcode SyncPipeline}) wait for one to finish before starting the next.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * import { WalSync } from "./wal_sync.ts";
 * const path = `${await Deno.makeTempDir()}/log.db`;
 * const db = openLogDatabase(path);
 * db.exec("CREATE TABLE t (x)"); // a write: the -wal file now holds a commit
 * const wal = new WalSync(path);
 * await wal.sync(); // that commit is on disk
 * wal.close();
 * db.close();
 * ```
 */
export class WalSync {
  /** The synced file: `{path}-wal`. */
  readonly walPath: string;
  /** Where the syncs run, from their measured times. */
  readonly mode: SyncMode;
  #file: Deno.FsFile | undefined;
  #closed = false;

  constructor(path: string, options: SyncModeOptions = {}) {
    this.walPath = `${path}-wal`;
    this.mode = new SyncMode(options);
  }

  /**
   * `fdatasync` of the `-wal` file (and, the first time, of its directory). Resolves
   * once every frame written before the call is on disk; rejects with `BackendError`.
   */
  async sync(): Promise<void> {
    try {
      if (this.#closed) throw new Error("the WAL sync was closed");
      if (this.#file === undefined) {
        const file = await Deno.open(this.walPath, { read: true });
        this.#file = file;
        const dir = await Deno.open(dirname(this.walPath), { read: true });
        try {
          await dir.sync();
        } finally {
          dir.close();
        }
      }
      const started = performance.now();
      if (this.mode.inline) this.#file.syncDataSync();
      else await this.#file.syncData();
      this.mode.note(performance.now() - started);
    } catch (cause) {
      throw new BackendError(
        "sqlite",
        `could not fsync ${this.walPath}: writes committed since the last sync may not survive a power loss. Check the disk, then restart the process`,
        { cause, context: { path: this.walPath } },
      );
    }
  }

  /** Closes the file handle (before the database closes and may delete the file). */
  close(): void {
    this.#closed = true;
    this.#file?.close();
    this.#file = undefined;
  }
}
