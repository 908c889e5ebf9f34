/**
 * The sink's crash test, reusable on every tier: while records are appended (each one
 * acknowledged by the log), a sink process is started and killed with SIGKILL at random
 * moments, several times; a last run drains; then the lake must hold every acknowledged
 * record exactly once. The caller says how to start the sink and how to append, so the
 * same harness runs over the embedded log and dir lake or over Kafka and S3.
 *
 * @module
 */
import type { AppendResult } from "../log/types.ts";
import type { ObjectStore } from "../lake/types.ts";
import { type Logger, silentLogger } from "../logger.ts";
import { type AckedRecord, checkLake, type LakeCheck } from "./lake_check.ts";

/**
 * A process to spawn.
 *
 * @example
 * ```ts
 * import type { SinkCommand } from "./crash_harness.ts";
 * const sinkCommand = (once: boolean): SinkCommand => ({
 *   command: Deno.execPath(),
 *   args: ["run", "-A", "lib/cli/sink.ts", "--data-dir", ".data", ...(once ? ["--once"] : [])],
 * });
 * console.log(sinkCommand(true).args.at(-1)); // --once
 * ```
 */
export interface SinkCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

/**
 * Options of {@linkcode runCrashTest}.
 *
 * @example
 * ```ts
 * import type { CrashTestOptions } from "./crash_harness.ts";
 * const tuning: Partial<CrashTestOptions> = { kills: 10, seed: 7, maxBatch: 50, killJitterMs: 200 };
 * console.log(tuning.kills); // 10
 * ```
 */
export interface CrashTestOptions {
  /** The sink process: running until killed (`once` false) or draining then exiting 0. */
  sinkCommand(once: boolean): SinkCommand;
  /** Appends values (JSON texts) to a topic; resolves once acknowledged, with positions. */
  append(topic: string, values: string[]): Promise<AppendResult[]>;
  /** The lake the sink writes, read to count progress and to check the result. */
  store: ObjectStore;
  /** Topics appended to (and checked). */
  topics: readonly string[];
  /** SIGKILLs (default 5). */
  kills?: number;
  /** Seed of the random batch sizes, topics and kill moments (default 1). */
  seed?: number;
  /** Most records per append (default 10). */
  maxBatch?: number;
  /** Pause between appends in ms (default 5). */
  appendPauseMs?: number;
  /** A kill lands up to this many ms after the sink wrote its first new object (default 500). */
  killJitterMs?: number;
  /** Longest wait for a started sink to write an object, in ms (default 60000). */
  progressTimeoutMs?: number;
  /** Longest wait for the draining run, in ms (default 120000). */
  drainTimeoutMs?: number;
  /** Passed to {@linkcode checkLake} (default false). */
  allowUnacknowledged?: boolean;
  /** Progress lines (default silent). */
  logger?: Logger;
}

/**
 * What a crash test did and found; exactly once when `problems` is empty.
 *
 * @example
 * ```ts
 * import type { CrashReport } from "./crash_harness.ts";
 * const summary = (r: CrashReport) =>
 *   `${r.kills} kills, ${r.records} of ${r.acknowledged} records in ${r.objects} objects, ` +
 *   (r.problems.length === 0 ? "exactly once" : r.problems.join("; "));
 * ```
 */
export interface CrashReport extends LakeCheck {
  /** SIGKILLs delivered. */
  kills: number;
  /** Objects in the lake at each kill. */
  objectsAtKills: number[];
  /** Time from each start to its kill, in ms. */
  killAfterMs: number[];
  /** How long the draining run took, in ms. */
  drainMs: number;
  /** Whole test, in ms. */
  durationMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function spawn(cmd: SinkCommand) {
  const child = new Deno.Command(cmd.command, {
    args: cmd.args,
    env: cmd.env,
    cwd: cmd.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]).then(([o, e]) => (o + e).slice(-4000));
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  return { child, status, output, exited: () => exited };
}

/**
 * Runs the crash test and returns what the lake holds; assert `problems` is empty.
 * Throws when a sink exits on its own, makes no progress in time, or the drain fails.
 *
 * @example
 * ```ts
 * import { runCrashTest } from "./crash_harness.ts";
 * import type { ObjectStore } from "../lake/types.ts";
 * import type { TopicLog } from "../log/types.ts";
 * async function crashTest(log: TopicLog, store: ObjectStore, dataDir: string) {
 *   const report = await runCrashTest({
 *     sinkCommand: (once) => ({
 *       command: Deno.execPath(),
 *       args: ["run", "-A", "lib/cli/sink.ts", "--data-dir", dataDir, ...(once ? ["--once"] : [])],
 *     }),
 *     append: (topic, values) =>
 *       log.append(topic, values.map((v) => ({ value: new TextEncoder().encode(v) }))),
 *     store,
 *     topics: ["pinterest.pin", "pinterest.geo", "pinterest.user"],
 *   });
 *   console.log(report.records === report.acknowledged, report.problems); // true []
 * }
 * ```
 */
export async function runCrashTest(
  options: CrashTestOptions,
): Promise<CrashReport> {
  const t0 = Date.now();
  const random = rng(options.seed ?? 1);
  const logger = options.logger ?? silentLogger;
  const maxBatch = options.maxBatch ?? 10;
  const acked: AckedRecord[] = [];
  const countObjects = async () => (await options.store.list("topics/")).length;
  let appending = true;
  let seq = 0;
  let appendError: unknown = null;
  const appender = (async () => {
    while (appending) {
      const topic =
        options.topics[Math.floor(random() * options.topics.length)];
      const values = Array.from(
        { length: 1 + Math.floor(random() * maxBatch) },
        () => JSON.stringify({ seq: seq++, topic }),
      );
      const results = await options.append(topic, values);
      results.forEach((r, i) => acked.push({ topic, ...r, value: values[i] }));
      await sleep(options.appendPauseMs ?? 5);
    }
  })().catch((e) => {
    appendError = e;
  });
  const objectsAtKills: number[] = [];
  const killAfterMs: number[] = [];
  try {
    for (let k = 0; k < (options.kills ?? 5); k++) {
      const before = await countObjects();
      const started = Date.now();
      const sink = spawn(options.sinkCommand(false));
      try {
        while ((await countObjects()) <= before) {
          if (sink.exited()) {
            throw new Error(`sink exited on its own: ${await sink.output}`);
          }
          if (Date.now() - started > (options.progressTimeoutMs ?? 60000)) {
            throw new Error(
              `sink wrote nothing within ${
                options.progressTimeoutMs ?? 60000
              } ms`,
            );
          }
          await sleep(20);
        }
        await sleep(random() * (options.killJitterMs ?? 500));
      } finally {
        if (!sink.exited()) sink.child.kill("SIGKILL");
      }
      const status = await sink.status;
      await sink.output;
      if (status.signal !== "SIGKILL") {
        throw new Error(
          `sink ended with ${JSON.stringify(status)} instead of SIGKILL`,
        );
      }
      killAfterMs.push(Date.now() - started);
      objectsAtKills.push(await countObjects());
      logger.info("crash test: killed the sink", {
        kill: k + 1,
        objects: objectsAtKills.at(-1),
      });
    }
  } finally {
    appending = false;
    await appender;
  }
  if (appendError) {
    throw new Error(`append failed: ${appendError}`, { cause: appendError });
  }
  const drainStart = Date.now();
  const drain = spawn(options.sinkCommand(true));
  const timer = setTimeout(
    () => drain.child.kill("SIGKILL"),
    options.drainTimeoutMs ?? 120000,
  );
  const status = await drain.status.finally(() => clearTimeout(timer));
  const output = await drain.output;
  if (!status.success) {
    throw new Error(`draining sink failed (${status.code}): ${output}`);
  }
  const drainMs = Date.now() - drainStart;
  const check = await checkLake(options.store, acked, {
    topics: options.topics,
    allowUnacknowledged: options.allowUnacknowledged,
  });
  return {
    ...check,
    kills: objectsAtKills.length,
    objectsAtKills,
    killAfterMs,
    drainMs,
    durationMs: Date.now() - t0,
  };
}
