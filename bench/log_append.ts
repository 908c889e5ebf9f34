/**
 * Append throughput of the embedded log, without HTTP: 100-record batches from one and
 * from four clients, and single-record appends from 16 concurrent clients, with fsync on
 * and off, for topics and streams. Prints records/s, the mean group-commit size, WAL syncs
 * per second and the CPU time per record (a figure that holds on a busy machine, unlike
 * records/s; it includes the sync thread's time).
 *
 * Every client waits for its acknowledgement before it appends again, so with fsync on
 * these figures are bound by the latency of one commit plus one WAL sync: nothing else
 * runs while a sync is on the disk, and the log's pipelining (commits go on during a
 * sync) shows only under a server's load (`deno task bench`).
 *
 * Run: `deno run -A bench/log_append.ts [--seconds 3]`
 *
 * @example
 * ```sh
 * deno run -A bench/log_append.ts --seconds 2
 * ```
 *
 * @module
 */

import process from "node:process";
import { type EmbeddedLog, openEmbeddedLog } from "../lib/log/mod.ts";
import { SAMPLE_PIN } from "./ingest_load.ts";

const secondsArg = Deno.args.indexOf("--seconds");
const SECONDS = secondsArg >= 0 ? Number(Deno.args[secondsArg + 1]) : 3;

const VALUE = new TextEncoder().encode(JSON.stringify(SAMPLE_PIN));

/** What one scenario measured. */
interface Result {
  records: number;
  seconds: number;
  commits: number;
  syncs: number;
  /** CPU time of this process (user + system), in seconds. */
  cpuSeconds: number;
}

type Writer = (log: EmbeddedLog, n: number, client: number) => Promise<unknown>;

const topicWriter: Writer = (log, n) =>
  log.topics.append(
    "bench.pin",
    Array.from({ length: n }, () => ({ value: VALUE })),
  );

const streamWriter: Writer = (log, n, client) =>
  log.streams.putRecords(
    "streaming-bench-pin",
    Array.from({ length: n }, (_, i) => ({
      data: VALUE,
      partitionKey: `pk-${client}-${i}`,
    })),
  );

async function scenario(
  fsync: boolean,
  write: Writer,
  shape: { clients: number; batch: number },
): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "log_append_" });
  const log = await openEmbeddedLog(`${dir}/log.db`, { fsync });
  await log.topics.createTopic("bench.pin");
  await log.streams.createStream("streaming-bench-pin");
  const start = performance.now();
  const cpu = process.cpuUsage();
  const until = start + SECONDS * 1000;
  let records = 0;
  const before = log.stats();
  await Promise.all(
    Array.from({ length: shape.clients }, async (_, client) => {
      while (performance.now() < until) {
        await write(log, shape.batch, client);
        records += shape.batch;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const after = log.stats();
  const commits = after.commits - before.commits;
  const syncs = after.syncs - before.syncs;
  await log.close();
  await Deno.remove(dir, { recursive: true });
  return {
    records,
    seconds,
    commits,
    syncs,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

const shapes = [
  { name: "100-record batches, 1 client", clients: 1, batch: 100 },
  { name: "100-record batches, 4 clients", clients: 4, batch: 100 },
  { name: "single records, 16 clients", clients: 16, batch: 1 },
];

console.log(
  `embedded log append throughput (${SECONDS}s per scenario, value ${VALUE.length} bytes, load average ${
    Deno.loadavg().map((l) => l.toFixed(1)).join(" ")
  }, ${navigator.hardwareConcurrency} CPUs)`,
);
console.log(
  "CPU us/record is this process's CPU time per record: it does not depend on how busy the machine is.",
);
for (
  const [kind, write] of [["topic", topicWriter], [
    "stream",
    streamWriter,
  ]] as const
) {
  for (const fsync of [true, false]) {
    for (const shape of shapes) {
      const r = await scenario(fsync, write, shape);
      const rate = Math.round(r.records / r.seconds);
      const group = (r.records / shape.batch / Math.max(1, r.commits)).toFixed(
        1,
      );
      console.log(
        `${kind.padEnd(6)} fsync=${fsync ? "on " : "off"} ${
          shape.name.padEnd(30)
        } ${String(rate).padStart(8)} records/s  ${
          String(Math.round(r.commits / r.seconds)).padStart(6)
        } commits/s  ${
          String(Math.round(r.syncs / r.seconds)).padStart(6)
        } syncs/s  ${group.padStart(5)} writes/commit  ${
          (r.cpuSeconds / r.records * 1e6).toFixed(1).padStart(6)
        } CPU us/record`,
      );
    }
  }
}
