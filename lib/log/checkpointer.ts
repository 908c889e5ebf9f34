/**
 * Checkpoints of the embedded log, off the event loop.
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses 1000 WAL pages: it
 * syncs the WAL, copies the pages into the database file and syncs that, blocking the
 * writer's thread for tens of milliseconds every 4 MB. The log turns it off
 * (`wal_autocheckpoint=0`, `sqlite_db.ts`) and checkpoints here instead:
 *
 * - after a commit, at most every `intervalMs` and once the `-wal` file has reached
 *   `startBytes` (a small log is left to the checkpoint SQLite runs when the last
 *   connection closes), a worker thread runs a PASSIVE checkpoint on its own connection
 *   (`checkpoint_worker.ts`), with the syncs of `synchronous=NORMAL`, then syncs the
 *   database file (SQLite does only when no commit came in meanwhile);
 * - while the writer keeps committing, such a checkpoint never copies everything, and
 *   SQLite starts the WAL over from its head only after a checkpoint copied every frame.
 *   So once the WAL holds `restartFrames` frames (1024, about 4 MB, like SQLite's
 *   automatic checkpoint), the writer runs one PASSIVE checkpoint itself, between two
 *   commits, right after the worker's: it copies and syncs only the frames committed
 *   during the worker's run (measured here: mostly 1-5 ms at 10 MB/s of appends, 5-30 ms
 *   at 100 MB/s, where SQLite's automatic checkpoint stalls 20-60 ms), and the next commit
 *   starts the WAL over. A WAL kept this small is rewritten in place: its `fdatasync`
 *   need not journal a new file size (0.3 ms instead of 0.6 ms here),
 *   which is worth more than rarer restarts (a 64 MB WAL cut single-record throughput
 *   by a third);
 * - when the worker fails (it cannot start, dies, or its checkpoint errs), the writer
 *   checkpoints itself that time, as SQLite's automatic checkpoint would; after three
 *   workers failed it stops starting new ones.
 *
 * Durability does not depend on when checkpoints run: acknowledged frames are synced in
 * the WAL, and SQLite overwrites them only after a complete checkpoint that synced the
 * database file (see `sqlite_db.ts`).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import type {
  CheckpointReply,
  CheckpointRequest,
} from "./checkpoint_worker.ts";

/**
 * Options of {@linkcode Checkpointer}.
 *
 * @example
 * ```ts
 * import type { CheckpointerOptions } from "./checkpointer.ts";
 * const options: CheckpointerOptions = { fsync: true, intervalMs: 50, startBytes: 1 << 20 };
 * console.log(options.intervalMs);
 * ```
 */
export interface CheckpointerOptions {
  /** Checkpoint with syncs (`synchronous=NORMAL`) or without (`OFF`). Default true. */
  fsync?: boolean;
  /** Least time from the end of one worker checkpoint to the next, in ms. Default 100. */
  intervalMs?: number;
  /** Size of the `-wal` file from which checkpoints start, in bytes. Default 4 MiB. */
  startBytes?: number;
  /** WAL frames from which the writer completes a checkpoint itself. Default 1024. */
  restartFrames?: number;
}

/**
 * Runs the log's checkpoints on a worker thread; see the module documentation.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * import { Checkpointer } from "./checkpointer.ts";
 * const path = `${await Deno.makeTempDir()}/log.db`;
 * const db = openLogDatabase(path);
 * const checkpointer = new Checkpointer(db, path, { startBytes: 0 });
 * db.exec("CREATE TABLE t (x)");
 * checkpointer.afterCommit(); // starts a worker checkpoint
 * await checkpointer.close(); // waits for it, stops the worker
 * console.log(checkpointer.checkpoints); // 1
 * db.close();
 * ```
 */
export class Checkpointer {
  /** Worker checkpoints finished. */
  checkpoints = 0;
  /** Checkpoints the writer completed itself (each lets the WAL restart). */
  completions = 0;
  /** Frames in the WAL at the last checkpoint. */
  walFrames = 0;
  /** The last checkpoint error, if any (checkpoints are retried; writes go on). */
  lastError: string | undefined;
  #db: DatabaseSync;
  #path: string;
  #options: Required<CheckpointerOptions>;
  #worker: Worker | undefined;
  #reply: ((reply: CheckpointReply) => void) | undefined;
  #running: Promise<void> | undefined;
  #nextAt = 0;
  #started = false;
  #closed = false;
  #failures = 0;

  constructor(
    db: DatabaseSync,
    path: string,
    options: CheckpointerOptions = {},
  ) {
    this.#db = db;
    this.#path = path;
    this.#options = {
      fsync: options.fsync ?? true,
      intervalMs: options.intervalMs ?? 100,
      startBytes: options.startBytes ?? 4 * 1024 * 1024,
      restartFrames: options.restartFrames ?? 1024,
    };
  }

  /** Called after each commit, outside any transaction; cheap unless a checkpoint is due. */
  afterCommit(): void {
    if (this.#closed || this.#running) return;
    const now = performance.now();
    if (now < this.#nextAt) return;
    this.#nextAt = now + this.#options.intervalMs;
    if (!this.#started) {
      let size = 0;
      try {
        size = Deno.statSync(`${this.#path}-wal`).size;
      } catch { /* no WAL yet */ }
      if (size < this.#options.startBytes) return;
      this.#started = true;
    }
    this.#running = this.#run().finally(() => {
      this.#running = undefined;
      this.#nextAt = performance.now() + this.#options.intervalMs;
    });
  }

  /** Resolves once no checkpoint runs. */
  whenIdle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  /** Waits for a running checkpoint, then closes the worker's connection and the worker. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
    if (this.#worker) await this.#ask({ type: "close" });
    this.#worker?.terminate();
    this.#worker = undefined;
  }

  async #run(): Promise<void> {
    let reply: CheckpointReply;
    try {
      reply = await this.#ask({ type: "checkpoint" });
    } catch (error) {
      reply = { type: "error", message: String(error) };
    }
    if (reply.type === "done") {
      this.checkpoints++;
      this.walFrames = reply.log;
      if (reply.busy || reply.log < this.#options.restartFrames) return;
    } else {
      // No worker (it could not start or died): checkpoint here, as SQLite would.
      this.lastError = reply.type === "error" ? reply.message : "closed";
    }
    if (this.#closed) return;
    try {
      // Between two commits of this thread: copies what was committed meanwhile.
      const row = this.#db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get() as {
        busy: number;
        log: number;
        checkpointed: number;
      };
      this.walFrames = row.log;
      if (!row.busy && row.log === row.checkpointed) this.completions++;
    } catch (error) {
      this.lastError = String(error);
    }
  }

  /** The worker, started on first use; none after it failed 3 times. */
  #workerOrUndefined(): Worker | undefined {
    if (this.#worker || this.#failures >= 3) return this.#worker;
    let worker: Worker;
    try {
      worker = new Worker(
        new URL("./checkpoint_worker.ts", import.meta.url).href,
        { type: "module" },
      );
    } catch (error) {
      this.#failures++;
      throw error;
    }
    worker.onmessage = (e: MessageEvent<CheckpointReply>) =>
      this.#reply?.(e.data);
    worker.onerror = (e: ErrorEvent) => {
      // The worker died: drop it (the next checkpoint starts a new one).
      e.preventDefault();
      this.#failures++;
      worker.terminate();
      if (this.#worker === worker) this.#worker = undefined;
      this.#reply?.({ type: "error", message: e.message });
    };
    const open: CheckpointRequest = {
      type: "open",
      path: this.#path,
      fsync: this.#options.fsync,
    };
    worker.postMessage(open);
    this.#worker = worker;
    return worker;
  }

  #ask(request: CheckpointRequest): Promise<CheckpointReply> {
    return new Promise((resolve) => {
      const worker = request.type === "close"
        ? this.#worker
        : this.#workerOrUndefined();
      if (!worker) return resolve({ type: "error", message: "no worker" });
      this.#reply = (reply) => {
        this.#reply = undefined;
        resolve(reply);
      };
      worker.postMessage(request);
    });
  }
}
