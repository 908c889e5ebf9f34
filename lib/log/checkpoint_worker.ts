/**
 * Worker side of the {@linkcode Checkpointer}: runs `PRAGMA wal_checkpoint(PASSIVE)` on
 * its own connection to the log file, on its own thread, so that copying WAL frames into
 * the database file and the checkpoint's fsyncs never block the writer's event loop.
 *
 * Its connection uses the same `synchronous` level as the writer's: NORMAL when fsync is
 * on, so each checkpoint syncs the WAL before it copies frames and syncs the database
 * file before it records the copy as complete (what makes a later WAL restart safe, see
 * `sqlite_db.ts`); OFF when fsync is off. With fsync on it also syncs the database file
 * after every checkpoint, which SQLite skips when commits came in meanwhile. A PASSIVE checkpoint takes no write lock and
 * never waits: the writer keeps committing while it runs, and a checkpoint another
 * process is running makes this one report `busy: 1`.
 *
 * Protocol (one request at a time): `open` once, then any number of `checkpoint`, each
 * answered by `done` or `error`, then `close`, answered by `closed`.
 *
 * @module
 */

import { DatabaseSync } from "node:sqlite";

/**
 * A message from the {@linkcode Checkpointer} to this worker.
 *
 * @example
 * ```ts
 * import type { CheckpointRequest } from "./checkpoint_worker.ts";
 * const open: CheckpointRequest = { type: "open", path: "/tmp/log.db", fsync: true };
 * console.log(open.type);
 * ```
 */
export type CheckpointRequest =
  | { type: "open"; path: string; fsync: boolean }
  | { type: "checkpoint" }
  | { type: "close" };

/**
 * A message from this worker: the checkpoint's outcome (`log`: frames in the WAL,
 * `checkpointed`: frames copied into the database file so far), or that it closed.
 *
 * @example
 * ```ts
 * import type { CheckpointReply } from "./checkpoint_worker.ts";
 * const reply: CheckpointReply = { type: "done", busy: 0, log: 1200, checkpointed: 1200 };
 * console.log(reply.type === "done" && reply.log === reply.checkpointed); // true: all copied
 * ```
 */
export type CheckpointReply =
  | { type: "done"; busy: number; log: number; checkpointed: number }
  | { type: "error"; message: string }
  | { type: "closed" };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<CheckpointRequest>) => void) | null;
  postMessage(reply: CheckpointReply): void;
  close(): void;
};

let db: DatabaseSync | undefined;
let dbFile: Deno.FsFile | undefined;
let openError = "";

scope.onmessage = ({ data }) => {
  if (data.type === "open") {
    try {
      db = new DatabaseSync(data.path);
      db.exec(`PRAGMA synchronous = ${data.fsync ? "NORMAL" : "OFF"}`);
      if (data.fsync) dbFile = Deno.openSync(data.path, { read: true });
    } catch (error) {
      db?.close();
      db = undefined;
      openError = `cannot open ${data.path}: ${error}`;
    }
  } else if (data.type === "checkpoint") {
    try {
      if (!db) throw new Error(openError);
      const row = db.prepare("PRAGMA wal_checkpoint(PASSIVE)").get() as {
        busy: number;
        log: number;
        checkpointed: number;
      };
      // SQLite syncs the database file only when no commit came in during the checkpoint,
      // which under load is rarely. Sync what this one copied now, so that the writer's
      // completing checkpoint has only its own few pages to sync on the event loop.
      dbFile?.syncDataSync();
      scope.postMessage({ type: "done", ...row });
    } catch (error) {
      scope.postMessage({ type: "error", message: String(error) });
    }
  } else {
    try {
      dbFile?.close();
      db?.close();
    } finally {
      dbFile = undefined;
      db = undefined;
      scope.postMessage({ type: "closed" });
      scope.close();
    }
  }
};
