/**
 * The error that refuses a second stream processor on one output directory, and the holder
 * of the tables' lock it names (see `stream_lock.ts`).
 *
 * @module
 */

import { PipelineError, type PipelineErrorOptions } from "../errors.ts";
import { EMULATE_PROGRAM } from "../sink/errors.ts";

/**
 * The program name `deno task stream` records in the stream tables' lock file.
 *
 * @example
 * ```ts
 * import { STREAM_PROGRAM } from "./errors.ts";
 * console.log(STREAM_PROGRAM); // deno task stream
 * ```
 */
export const STREAM_PROGRAM = "deno task stream";

/**
 * The processor that holds the stream tables' lock, as it recorded itself in the lock file.
 *
 * @example
 * ```ts
 * import type { StreamHolder } from "./errors.ts";
 * const holder: StreamHolder = { pid: 4242, program: "deno task stream", since: "2026-11-27T10:00:00.000Z" };
 * console.log(holder.pid); // 4242
 * ```
 */
export interface StreamHolder {
  /** Its process id. */
  pid: number;
  /**
   * The program it runs in: `deno task stream`, or `deno task emulate` (whose stream
   * catch-up is in-process); absent when the holder did not say.
   */
  program?: string;
  /** When it took the lock, as an ISO 8601 time. */
  since: string;
}

/**
 * Options of {@linkcode StreamLockedError}: the lock file and who holds it.
 *
 * @example
 * ```ts
 * import type { StreamLockedErrorOptions } from "./errors.ts";
 * const options: StreamLockedErrorOptions = { lockPath: ".data/stream/_lock", holder: null };
 * console.log(options.holder); // null
 * ```
 */
export interface StreamLockedErrorOptions extends PipelineErrorOptions {
  /** The lock file (default `{dir}/_lock`). */
  lockPath?: string;
  /** Who holds it; `null` (the default) when it has not recorded itself yet. */
  holder?: StreamHolder | null;
}

/** What to do about `holder`, which holds the tables, in a {@linkcode StreamLockedError}. */
function lockAdvice(holder: StreamHolder | null): string {
  if (holder === null || holder.pid === Deno.pid) return "Stop it first";
  const kill = `\`kill ${holder.pid}\``;
  if (holder.program === STREAM_PROGRAM) {
    return `Stop it first (${kill} stops it; its micro-batch in flight finishes first), ` +
      "or leave the streams to it";
  }
  if (holder.program === EMULATE_PROGRAM) {
    // The catch-up ends with the job; killing the job is not needed.
    return "That job holds the tables only for its stream catch-up, which ends once it " +
      "has read the streams to their end: wait for it to end";
  }
  return `Stop it first (${kill} stops it; if it is the stream catch-up of a ` +
    "`deno task emulate` job, wait for that job to end instead)";
}

/**
 * Another stream processor holds the lock of the output directory. Two writers would
 * interleave batch ids, so the second one refuses to start, naming the holder (process id,
 * program, since when) with the advice its program calls for: a `deno task stream` is
 * stopped (or left to process the streams), the catch-up of a `deno task emulate` job is
 * waited for.
 *
 * @example
 * ```ts
 * import { StreamLockedError } from "./errors.ts";
 * const err = new StreamLockedError(".data/stream", {
 *   holder: { pid: 4242, program: "deno task stream", since: "2026-11-27T10:00:00.000Z" },
 * });
 * console.log(err.code, err.message.includes("`kill 4242`")); // STREAM_LOCKED true
 * ```
 */
export class StreamLockedError extends PipelineError {
  /** `dir`: the output directory another processor holds. */
  constructor(dir: string, options: StreamLockedErrorOptions = {}) {
    const { lockPath = `${dir}/_lock`, holder = null, ...rest } = options;
    const program = holder?.program === undefined ? "" : `${holder.program}, `;
    const who = holder === null
      ? "a processor that has not recorded its process id yet"
      : `${
        holder.pid === Deno.pid
          ? "a processor of this process"
          : `process ${holder.pid}`
      } (${program}running since ${holder.since})`;
    super(
      `Another stream processor is writing to ${dir}: ${who} holds its lock ${lockPath}. ` +
        `Only one processor may own an output directory (two would interleave their ` +
        `batch ids). ${lockAdvice(holder)}, or use another --data-dir.`,
      {
        ...rest,
        code: "STREAM_LOCKED",
        context: {
          dir,
          lockPath,
          pid: holder?.pid ?? null,
          program: holder?.program ?? null,
          ...rest.context,
        },
      },
    );
  }
}
