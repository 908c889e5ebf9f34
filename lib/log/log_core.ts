/**
 * The state shared by the topic and stream halves of one embedded log: the database
 * handle, the group committer (with its WAL sync when fsync is on), the checkpointer and
 * the wake-up list of waiting readers.
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { Checkpointer, type CheckpointerOptions } from "./checkpointer.ts";
import { GroupCommitter } from "./group_commit.ts";
import { LogClosedError } from "./errors.ts";
import { type LogDatabaseOptions, openLogDatabase } from "./sqlite_db.ts";
import { WalSync } from "./wal_sync.ts";

/**
 * Options of {@linkcode createLogCore}.
 *
 * @example
 * ```ts
 * import { createLogCore } from "./log_core.ts";
 * const core = createLogCore(await Deno.makeTempFile(), { fsync: true, pollIntervalMs: 50 });
 * await core.close();
 * ```
 */
export interface LogCoreOptions extends LogDatabaseOptions {
  /**
   * How often a waiting reader re-reads the file for records written by another process,
   * in ms; an idle topic consumer doubles it, up to 8 times, until records come. Writes
   * of this process wake readers at once. Default 25.
   */
  pollIntervalMs?: number;
  /** When checkpoints run (`fsync` is taken from above). Defaults suit production. */
  checkpoint?: Omit<CheckpointerOptions, "fsync">;
}

/**
 * One open log file with its group committer.
 *
 * @example
 * ```ts
 * import { createLogCore } from "./log_core.ts";
 * const core = createLogCore(await Deno.makeTempFile({ suffix: ".db" }));
 * await core.waitForChange(10); // no commit happens: returns after 10 ms
 * await core.close();
 * ```
 */
export interface LogCore {
  readonly db: DatabaseSync;
  readonly committer: GroupCommitter;
  readonly checkpointer: Checkpointer;
  /** The path the log was opened by, for messages. */
  readonly path: string;
  /**
   * The database file with symbolic links resolved: SQLite keeps the `-wal` file beside
   * it, and the group locks are beside it too, whichever name the log is opened by.
   */
  readonly filePath: string;
  readonly pollIntervalMs: number;
  /** Throws `LogClosedError` when the log is closed. */
  assertOpen(): void;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /** Resolves after the next commit of this process, after `ms`, or on close. */
  waitForChange(ms: number): Promise<void>;
  /**
   * A stamp that changes whenever a commit reached the file, from this process or another
   * (`PRAGMA data_version` and this process's commit count): a reader that found nothing
   * need not read again while it stays the same.
   */
  changeStamp(): string;
  /** Commits and syncs what is queued, wakes every waiting reader, closes the file. */
  close(): Promise<void>;
}

/**
 * Opens the log file at `path` and wires its group committer to wake waiting readers
 * after each commit and, unless `fsync: false`, to acknowledge writes only after an
 * sync of the `-wal` file that started after their commit.
 *
 * @example
 * ```ts
 * import { createLogCore } from "./log_core.ts";
 * const core = createLogCore(await Deno.makeTempFile({ suffix: ".db" }), { fsync: false });
 * console.log(core.closed); // false
 * await core.close();
 * ```
 */
export function createLogCore(
  path: string,
  options: LogCoreOptions = {},
): LogCore {
  const db = openLogDatabase(path, options);
  const filePath = resolvedPath(path);
  const waiters = new Set<() => void>();
  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };
  const wal = options.fsync === false ? undefined : new WalSync(filePath);
  const checkpointer = new Checkpointer(db, filePath, {
    ...options.checkpoint,
    fsync: options.fsync !== false,
  });
  const committer = new GroupCommitter(db, {
    path,
    onCommit: () => {
      wakeAll();
      checkpointer.afterCommit();
    },
    sync: wal && (() => wal.sync()),
  });
  const dataVersion = db.prepare("PRAGMA data_version");
  let closed = false;
  let closing: Promise<void> | undefined;
  return {
    db,
    committer,
    checkpointer,
    path,
    filePath,
    pollIntervalMs: options.pollIntervalMs ?? 25,
    get closed() {
      return closed;
    },
    assertOpen() {
      if (closed) throw new LogClosedError(path);
    },
    changeStamp(): string {
      const { data_version } = dataVersion.get() as { data_version: number };
      return `${data_version}:${committer.commits}`;
    },
    waitForChange(ms: number): Promise<void> {
      if (closed) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, ms));
        waiters.add(wake);
      });
    },
    close(): Promise<void> {
      closing ??= (async () => {
        closed = true;
        await committer.close();
        await checkpointer.close();
        wakeAll();
        wal?.close();
        db.close();
      })();
      return closing;
    },
  };
}

/**
 * `path` with symbolic links resolved, as SQLite resolves them to place the `-wal` file;
 * `path` itself for a database with no file (`:memory:`).
 */
function resolvedPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}
