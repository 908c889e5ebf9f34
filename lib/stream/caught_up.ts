/**
 * When a micro-batch has read a stream far enough. Reading until a poll comes back empty
 * never ends while writers post faster than a poll goes round (8 writers on kinesis-mock:
 * no batch committed in 10 s, and a stop waited for the batch in flight). A batch takes
 * what arrived before it began, and what comes with that; later records are the next
 * batch's.
 *
 * @module
 */
import type { StreamRecord } from "../log/types.ts";

/**
 * Options of {@linkcode readPastStart}.
 *
 * @example
 * ```ts
 * import type { ReadPastStartOptions } from "./caught_up.ts";
 * const options: ReadPastStartOptions = { since: Date.now(), pollRecords: 1000 };
 * console.log(options.pollRecords); // 1000
 * ```
 */
export interface ReadPastStartOptions {
  /** When the batch began, epoch ms (the clock of the records' arrival times). */
  since: number;
  /** Most records one poll of the shard reader returns (its `batchSize`). */
  pollRecords: number;
}

/**
 * Whether a poll (`got`, not empty, not cut short by a byte limit) shows its stream read
 * past every record that arrived before `since`: it returned fewer records than a poll
 * takes, so it read every readable shard, and each record arrived at `since` or later.
 * Records of a shard come in arrival order, so none before `since` is left.
 *
 * @example
 * ```ts
 * import { readPastStart } from "./caught_up.ts";
 * const rec = (arrivalTimestamp: number) => ({
 *   stream: "s", shardId: "shardId-000000000000", sequenceNumber: "1", partitionKey: "k",
 *   data: new Uint8Array(), arrivalTimestamp,
 * });
 * console.log(readPastStart([rec(1_000)], { since: 1_000, pollRecords: 1000 })); // true
 * console.log(readPastStart([rec(999)], { since: 1_000, pollRecords: 1000 })); // false
 * ```
 */
export function readPastStart(
  got: readonly StreamRecord[],
  options: ReadPastStartOptions,
): boolean {
  return got.length > 0 && got.length < options.pollRecords &&
    got.every((r) => r.arrivalTimestamp >= options.since);
}
