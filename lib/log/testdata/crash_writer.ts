/**
 * Test helper for the crash test: appends to topic `crash.t` (3 partitions) and stream
 * `crash-s` (2 shards) of the embedded log at `Deno.args[0]` from 4 concurrent loops,
 * and prints one line per acknowledged record:
 * `T <partition> <offset> <value>` or `S <shardId> <sequenceNumber> <value>`.
 * It runs until killed. With a third argument `checkpoints`, the worker checkpoints after
 * every commit and the writer completes one (and the WAL restarts) every 16 frames.
 *
 * @example
 * ```sh
 * deno run -A lib/log/testdata/crash_writer.ts /tmp/log.db run1 [checkpoints]
 * ```
 *
 * @module
 */

import { openEmbeddedLog } from "../embedded_log.ts";

const [path, run, mode] = Deno.args;
const log = await openEmbeddedLog(
  path,
  mode === "checkpoints"
    ? { checkpoint: { startBytes: 0, intervalMs: 0, restartFrames: 16 } }
    : {},
);
const enc = new TextEncoder();
const out = Deno.stdout;

function say(lines: string[]): void {
  const bytes = enc.encode(lines.join(""));
  let written = 0;
  while (written < bytes.length) {
    written += out.writeSync(bytes.subarray(written));
  }
}

async function topicLoop(client: number): Promise<never> {
  for (let i = 0;; i++) {
    const values = [0, 1, 2].map((j) => `${run}-t${client}-${i}-${j}`);
    const res = await log.topics.append(
      "crash.t",
      values.map((v, j) => ({ value: enc.encode(v), key: j === 0 ? null : v })),
    );
    say(res.map((r, j) => `T ${r.partition} ${r.offset} ${values[j]}\n`));
  }
}

async function streamLoop(client: number): Promise<never> {
  for (let i = 0;; i++) {
    const values = [0, 1].map((j) => `${run}-s${client}-${i}-${j}`);
    const res = await log.streams.putRecords(
      "crash-s",
      values.map((v) => ({ data: enc.encode(v), partitionKey: v })),
    );
    say(res.map((r, j) => {
      if (!("shardId" in r)) throw new Error(r.errorMessage);
      return `S ${r.shardId} ${r.sequenceNumber} ${values[j]}\n`;
    }));
  }
}

say([`READY ${Deno.pid}\n`]);
await Promise.all([topicLoop(0), topicLoop(1), streamLoop(0), streamLoop(1)]);
