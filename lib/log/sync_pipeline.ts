/**
 * Pipelined durability: acknowledges commits only after a sync that started after them.
 *
 * The group committer numbers its commits 1, 2, 3, ... and calls
 * {@linkcode SyncPipeline.afterCommit} right after each COMMIT returned. The pipeline
 * runs at most one sync at a time. A sync takes as its target the last commit noted
 * before it started; when it finishes, every commit up to that target is durable and its
 * promise resolves. Commits made while a sync runs wait for the next one, which starts as
 * soon as the running one ends: one sync covers every commit that completed before it
 * began, and commits never wait for a sync to begin committing (pipelining).
 *
 * Commit numbers are noted on the JavaScript thread after the synchronous COMMIT (and so
 * its `write()` calls) returned, and the sync is started from the same thread later, so
 * "noted before the sync started" implies "written before the sync began".
 *
 * A failed sync rejects every commit it covered and every later one: after an `fsync`
 * error the kernel may have dropped the dirty pages, so no later sync can prove them. The
 * group committer then refuses new writes before running them ({@linkcode
 * SyncPipeline.failure}).
 *
 * @module
 */

import type { BackendError } from "../errors.ts";

interface Waiter {
  commit: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Runs `sync` for committed transactions, one at a time, and settles each commit's
 * promise once a sync that started after it has finished.
 *
 * @example
 * ```ts
 * import { SyncPipeline } from "./sync_pipeline.ts";
 * const pipeline = new SyncPipeline(() => Promise.resolve());
 * await Promise.all([pipeline.afterCommit(1), pipeline.afterCommit(2)]);
 * console.log(pipeline.syncs, pipeline.durable); // 2 2: commit 2 came while the sync of 1 ran, so it waited for the next
 * ```
 */
export class SyncPipeline {
  /** Syncs finished successfully. */
  syncs = 0;
  /** Highest commit number made durable by a finished sync. */
  durable = 0;
  #sync: () => Promise<void>;
  #latest = 0;
  #running = false;
  #waiting: Waiter[] = [];
  #failure: BackendError | undefined;
  #idle: (() => void)[] = [];

  /** `sync` makes durable everything written before it was called. */
  constructor(sync: () => Promise<void>) {
    this.#sync = sync;
  }

  /**
   * Notes that commit number `commit` (increasing) has just returned; resolves once a sync
   * started after this call has finished, rejects when a sync failed.
   */
  afterCommit(commit: number): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    this.#latest = commit;
    const done = new Promise<void>((resolve, reject) => {
      this.#waiting.push({ commit, resolve, reject });
    });
    this.#kick();
    return done;
  }

  /** The error of the sync that failed, once one has: no later commit can be durable. */
  get failure(): BackendError | undefined {
    return this.#failure;
  }

  /** Resolves once no commit waits and no sync runs. */
  whenIdle(): Promise<void> {
    if (!this.#running && this.#waiting.length === 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  #kick(): void {
    if (this.#running) return;
    if (this.#waiting.length === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    this.#running = true;
    const target = this.#latest;
    this.#sync().then(
      () => {
        this.syncs++;
        this.durable = target;
        this.#settle(target, undefined);
      },
      (error: BackendError) => {
        this.#failure = error;
        this.#settle(Infinity, error);
      },
    ).finally(() => {
      this.#running = false;
      this.#kick();
    });
  }

  #settle(upTo: number, error: unknown): void {
    let n = 0;
    while (n < this.#waiting.length && this.#waiting[n].commit <= upTo) n++;
    for (const w of this.#waiting.splice(0, n)) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  }
}
