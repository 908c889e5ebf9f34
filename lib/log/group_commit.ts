/**
 * Group commit: writes that arrive close together share one transaction and one fsync.
 *
 * `node:sqlite` is synchronous, so a commit blocks the event loop. Requests that arrive
 * meanwhile queue up in the OS and, once the loop turns, their writes are queued here and
 * run together in the next transaction. A job that throws (an unknown topic, say) is
 * rejected alone, the others commit: each job runs inside its own SAVEPOINT, rolled back
 * when it throws, except jobs submitted with `validatesFirst`, which throw a
 * `PipelineError` only before their first write and so need no SAVEPOINT (two statement
 * steps saved per job, a large share of a single-record append). Should such a job throw
 * anything else (a SQLite error midway, say), the group's transaction is rolled back and
 * the whole group runs again with a SAVEPOINT per job.
 *
 * Durability: the COMMIT itself does not fsync (WAL, `synchronous=NORMAL`, see
 * `sqlite_db.ts`). With a `sync` option, commits are numbered and handed to a
 * {@linkcode SyncPipeline}: a committed job's promise resolves only after a sync (an
 * `fdatasync` of the `-wal` file, `wal_sync.ts`) that started after its COMMIT returned
 * has finished. While syncs run on a thread (a slow disk), new groups keep committing;
 * the next sync covers them all. A job rolled back to its savepoint rejects at once (nothing of it
 * was written). Once a sync failed, no write can be made durable: jobs are then rejected
 * with that sync's error without running, so a refused write is never in the log. Without
 * `sync` (fsync off) a promise settles right after the COMMIT.
 *
 * @module
 */

import type { DatabaseSync, StatementSync } from "node:sqlite";
import { setImmediate } from "node:timers";
import { PipelineError } from "../errors.ts";
import { LogClosedError } from "./errors.ts";
import { logFileError } from "./sqlite_db.ts";
import { SyncPipeline } from "./sync_pipeline.ts";

/**
 * Options of {@linkcode GroupCommitter}.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * import { GroupCommitter } from "./group_commit.ts";
 * const db = openLogDatabase(await Deno.makeTempFile());
 * const gc = new GroupCommitter(db, { path: "demo", onCommit: () => console.log("committed") });
 * await gc.submit(() => 1);
 * await gc.close();
 * db.close();
 * ```
 */
export interface GroupCommitterOptions {
  /** Path of the database, for messages. */
  path?: string;
  /**
   * Called after each successful commit, before it is synced (to wake up waiting
   * consumers: readers see a commit as soon as it is in the WAL).
   */
  onCommit?: () => void;
  /**
   * Makes everything committed before the call durable (`WalSync.sync`). When given,
   * promises resolve only after a sync that started after their commit; when absent,
   * right after the commit.
   */
  sync?: () => Promise<void>;
}

/**
 * Callbacks around each group transaction, for writers that cache state (next offsets,
 * counters) across transactions.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * import { GroupCommitter } from "./group_commit.ts";
 * const db = openLogDatabase(await Deno.makeTempFile());
 * const gc = new GroupCommitter(db);
 * let open = 0;
 * gc.addHooks({ begin: () => open++, abort: () => console.log("rolled back") });
 * await gc.submit(() => 1);
 * console.log(open); // 1
 * await gc.close();
 * db.close();
 * ```
 */
export interface TransactionHooks {
  /**
   * After BEGIN IMMEDIATE: the write lock is held. `othersWrote`: another connection
   * committed since the last group (`PRAGMA data_version` changed, read once per group
   * for every hook), so what was cached from the file may be stale.
   */
  begin?(othersWrote: boolean): void;
  /** Before COMMIT, after every job ran: write back what was cached. */
  beforeCommit?(): void;
  /** After a ROLLBACK of the whole transaction: drop what was cached. */
  abort?(): void;
  /** Before a job's SAVEPOINT: write back what must not be rolled back with it. */
  beforeSavepoint?(): void;
  /** After one job was rolled back to its SAVEPOINT: drop what it may have cached. */
  rollbackJob?(): void;
}

/**
 * Options of {@linkcode GroupCommitter.submit}.
 *
 * @example
 * ```ts
 * import type { SubmitOptions } from "./group_commit.ts";
 * const options: SubmitOptions = { validatesFirst: true };
 * console.log(options.validatesFirst); // true
 * ```
 */
export interface SubmitOptions {
  /**
   * The job throws a `PipelineError` only before its first write (it validates first), so
   * it runs without a SAVEPOINT of its own. Default false.
   */
  validatesFirst?: boolean;
}

/** Thrown inside a group when a job without SAVEPOINT failed midway. */
class RerunWithSavepoints extends Error {}

interface Job {
  // deno-lint-ignore no-explicit-any
  work: (db: DatabaseSync) => any;
  validatesFirst: boolean;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Queues synchronous write jobs and runs each group of them in one transaction.
 *
 * @example
 * ```ts
 * import { openLogDatabase } from "./sqlite_db.ts";
 * import { GroupCommitter } from "./group_commit.ts";
 * const db = openLogDatabase(await Deno.makeTempFile({ suffix: ".db" }));
 * const gc = new GroupCommitter(db);
 * const [a, b] = await Promise.all([
 *   gc.submit((db) => db.prepare("SELECT 1 AS one").get()),
 *   gc.submit(() => 2),
 * ]);
 * console.log(a, b, gc.commits); // { one: 1 } 2 1
 * await gc.close();
 * db.close();
 * ```
 */
export class GroupCommitter {
  /** Number of transactions committed so far. */
  commits = 0;
  /** Number of jobs committed so far. */
  jobs = 0;
  /** Its sync counters, with the `sync` option. */
  readonly pipeline: SyncPipeline | undefined;
  #db: DatabaseSync;
  #options: GroupCommitterOptions;
  #queue: Job[] = [];
  #timer: ReturnType<typeof setImmediate> | undefined;
  #closed = false;
  #idle: (() => void)[] = [];
  #hooks: TransactionHooks[] = [];
  #version = -1;
  #stmts: Record<
    | "begin"
    | "commit"
    | "rollback"
    | "save"
    | "undo"
    | "release"
    | "version",
    StatementSync
  >;

  constructor(db: DatabaseSync, options: GroupCommitterOptions = {}) {
    this.#db = db;
    this.#options = options;
    this.pipeline = options.sync ? new SyncPipeline(options.sync) : undefined;
    this.#stmts = {
      begin: db.prepare("BEGIN IMMEDIATE"),
      version: db.prepare("PRAGMA data_version"),
      commit: db.prepare("COMMIT"),
      rollback: db.prepare("ROLLBACK"),
      save: db.prepare("SAVEPOINT job"),
      undo: db.prepare("ROLLBACK TO job"),
      release: db.prepare("RELEASE job"),
    };
  }

  /**
   * Runs `work` inside the next group transaction; resolves with its result once committed
   * and, with the `sync` option, synced.
   * `work` must be synchronous. If it throws, its writes are rolled back and the promise
   * rejects with that error; other jobs of the group are unaffected. Once a sync failed,
   * rejects with its error without running `work`.
   */
  submit<T>(
    work: (db: DatabaseSync) => T,
    options: SubmitOptions = {},
  ): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new LogClosedError(this.#options.path ?? ""));
    }
    const failure = this.pipeline?.failure;
    if (failure) return Promise.reject(failure);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        work,
        validatesFirst: options.validatesFirst === true,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.#schedule();
    });
  }

  /** Registers callbacks run around every group transaction. */
  addHooks(hooks: TransactionHooks): void {
    this.#hooks.push(hooks);
  }

  /** Commits and syncs what is queued, then refuses new jobs. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#queue.length > 0 || this.#timer !== undefined) {
      await new Promise<void>((resolve) => this.#idle.push(resolve));
    }
    await this.pipeline?.whenIdle();
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    // A macrotask, not a microtask: I/O callbacks that are ready (other requests) run
    // first and join this group. setImmediate, not setTimeout(0): nested timers are
    // clamped to 4 ms, which would cap the log at ~250 commits/s.
    this.#timer = setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#timer = undefined;
    const jobs = this.#queue;
    this.#queue = [];
    // Jobs queued before a sync failed: refused unwritten, as later ones are.
    const failure = this.pipeline?.failure;
    if (failure) jobs.forEach((job) => job.reject(failure));
    else if (jobs.length > 0) this.#runGroup(jobs);
    if (this.#queue.length > 0) this.#schedule();
    else for (const resolve of this.#idle.splice(0)) resolve();
  }

  #runGroup(jobs: Job[], savepoints = false): void {
    const s = this.#stmts;
    let outcomes: { ok: boolean; value: unknown }[];
    try {
      s.begin.run();
    } catch (cause) {
      return this.#failAll(jobs, {
        cause,
        what: "could not start a write transaction",
      });
    }
    try {
      const version =
        (s.version.get() as { data_version: number }).data_version;
      const othersWrote = version !== this.#version;
      this.#version = version;
      for (const h of this.#hooks) h.begin?.(othersWrote);
      outcomes = jobs.map((job) => this.#runJob(job, savepoints));
      for (const h of this.#hooks) h.beforeCommit?.();
      s.commit.run();
    } catch (cause) {
      try {
        s.rollback.run();
      } catch { /* the transaction may already be gone */ }
      for (const h of this.#hooks) h.abort?.();
      if (cause instanceof RerunWithSavepoints) {
        return this.#runGroup(jobs, true);
      }
      return this.#failAll(jobs, {
        cause,
        what: "the write transaction failed",
      });
    }
    this.commits++;
    this.jobs += jobs.length;
    const done: [Job, unknown][] = [];
    jobs.forEach((job, i) => {
      if (outcomes[i].ok) done.push([job, outcomes[i].value]);
      else job.reject(outcomes[i].value); // rolled back: nothing to sync
    });
    const ack = () => done.forEach(([job, value]) => job.resolve(value));
    if (!this.pipeline) ack();
    else {
      this.pipeline.afterCommit(this.commits).then(
        ack,
        (error) => done.forEach(([job]) => job.reject(error)),
      );
    }
    this.#options.onCommit?.();
  }

  /** Runs one job of the open transaction; what it threw is its outcome. */
  #runJob(job: Job, savepoints: boolean): { ok: boolean; value: unknown } {
    const s = this.#stmts;
    if (job.validatesFirst && !savepoints) {
      try {
        return { ok: true, value: job.work(this.#db) };
      } catch (error) {
        if (error instanceof PipelineError) return { ok: false, value: error };
        throw new RerunWithSavepoints("a job failed midway", { cause: error });
      }
    }
    for (const h of this.#hooks) h.beforeSavepoint?.();
    s.save.run();
    try {
      const value = job.work(this.#db);
      s.release.run();
      return { ok: true, value };
    } catch (error) {
      s.undo.run();
      s.release.run();
      for (const h of this.#hooks) h.rollbackJob?.();
      return { ok: false, value: error };
    }
  }

  /** Rejects every job of a transaction that failed as a whole (`what` says how). */
  #failAll(jobs: Job[], failure: { cause: unknown; what: string }): void {
    const { cause, what } = failure;
    const path = this.#options.path ?? "";
    const error = logFileError(
      path,
      cause,
      `${what} on ${path}; nothing of it was written`,
    );
    for (const job of jobs) job.reject(error);
  }
}
