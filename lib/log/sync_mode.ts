/**
 * Where the WAL `fdatasync` runs: on the event loop (inline) while the disk syncs fast,
 * on Deno's blocking thread pool (async) once it is slow.
 *
 * Measured on the 2-core machine of this project (`deno task bench`, fsync ~0.4 ms): an
 * async `syncData()` costs the event loop 50-85 µs of dispatch and wake-ups per sync and
 * splits waiting writers into smaller groups, while an inline `syncDataSync()` blocks it
 * for the sync itself; inline, single-record requests cost ~0.09 ms of server CPU instead
 * of ~0.13 ms and 100-record batches 0.85 ms instead of 1.0 ms. A slow disk (network
 * storage, a busy device) would stall the event loop for every sync, so the choice
 * follows a moving average of the measured sync times, with hysteresis: inline while it
 * stays under `inlineBelowMs` (default 1 ms), async from `asyncAboveMs` (default 2 ms),
 * back to inline once async syncs average under `inlineBelowMs` again.
 *
 * @module
 */

/**
 * Options of {@linkcode SyncMode}.
 *
 * @example
 * ```ts
 * import type { SyncModeOptions } from "./sync_mode.ts";
 * const options: SyncModeOptions = { inlineBelowMs: 0.5, asyncAboveMs: 1 };
 * console.log(options.asyncAboveMs); // 1
 * ```
 */
export interface SyncModeOptions {
  /** Average sync time under which syncs run inline, in ms. Default 1. */
  inlineBelowMs?: number;
  /** Average sync time from which inline syncs move to the thread pool, in ms. Default 2. */
  asyncAboveMs?: number;
  /** Weight of the newest sample in the moving average. Default 0.2. */
  weight?: number;
}

/**
 * Chooses between inline and async syncs from the measured sync times.
 *
 * @example
 * ```ts
 * import { SyncMode } from "./sync_mode.ts";
 * const mode = new SyncMode();
 * console.log(mode.inline); // true: start inline
 * for (let i = 0; i < 10; i++) mode.note(5); // the disk turned slow
 * console.log(mode.inline); // false
 * ```
 */
export class SyncMode {
  /** Whether the next sync should run inline. */
  inline = true;
  /** Moving average of the sync times noted, in ms. */
  averageMs = 0;
  #inlineBelow: number;
  #asyncAbove: number;
  #weight: number;

  constructor(options: SyncModeOptions = {}) {
    this.#inlineBelow = options.inlineBelowMs ?? 1;
    this.#asyncAbove = options.asyncAboveMs ?? 2;
    this.#weight = options.weight ?? 0.2;
  }

  /** Notes how long a sync took (in the current mode) and picks the next mode. */
  note(ms: number): void {
    this.averageMs += this.#weight * (ms - this.averageMs);
    if (this.inline && this.averageMs > this.#asyncAbove) this.inline = false;
    else if (!this.inline && this.averageMs < this.#inlineBelow) {
      this.inline = true;
    }
  }
}
