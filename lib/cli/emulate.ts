/**
 * `deno task emulate`: the whole pipeline on one command.
 *
 * ```sh
 * deno task emulate [--count 500] [--duration S] [--rate R] [--concurrency 4] [--mode both]
 *                   [--api URL] [--api-key K] [--post-only] [--prefix pinterest] [--profile embedded]
 *                   [--data-dir .data] [--source PATH|mysql://...] [--seed N]
 * ```
 *
 * Ctrl-C (or SIGTERM) stops posting; what was acknowledged is still drained into the lake
 * and processed. A second one exits at once.
 *
 * @module
 */
import { isAbsolute, relative } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/settings.ts";
import {
  createProgressLine,
  type EmulationSummary,
  formatSummary,
  MAX_CONCURRENCY,
  parseMode,
  type ProgressStream,
} from "../emulator/mod.ts";
import { ConfigError } from "../errors.ts";
import { formatResults } from "../metrics/mod.ts";
import { consoleLogger, type Logger } from "../logger.ts";
import {
  type EmulateJobOptions,
  type EmulateJobResult,
  runEmulateJob,
} from "../pipeline/mod.ts";
import {
  type CliProgram,
  COMMON_FLAGS,
  formatUsage,
  runCli,
} from "./program.ts";
import { stopOnSignals } from "./stop_signal.ts";

/** The usage text `deno task emulate --help` prints. */
const EMULATE_USAGE = formatUsage(
  "emulate [options]",
  {
    summary:
      "The whole pipeline on one command: seeds the source when absent, posts random rows through\nthe gateway like users posting, sinks the topics into the lake, cleans the lake into the\nwarehouse, catches the stream tables up and prints the nine metrics. Ctrl-C (or SIGTERM) stops\nposting; what was acknowledged is still processed.",
    flags: [
      ["--count N", "posts to make (default 500)"],
      [
        "--duration S",
        "stop after S seconds instead of a count (with --count too: whichever comes first)",
      ],
      ["--rate R", "posts per second (default: as fast as the API answers)"],
      [
        "--concurrency C",
        `posts in flight, 1 to ${MAX_CONCURRENCY} (default 4)`,
      ],
      ["--mode M", "batch | stream | both (default both)"],
      ["--api URL", "post to this API instead of the in-process gateway"],
      [
        "--api-key K",
        "sent as x-api-key (default: the first of $GATEWAY_API_KEYS, else none)",
      ],
      [
        "--post-only",
        "only post, as the course's script does: no sink, cleaning or metrics (leave them to deno task sink, stream, batch)",
      ],
      [
        "--seed N",
        "seed of the random row picks, 0 to 4294967295 (default: random)",
      ],
      ["--source S", "SQLite path or mysql:// URL of the source tables"],
      COMMON_FLAGS.dataDir,
      COMMON_FLAGS.prefix,
      COMMON_FLAGS.profile,
    ],
  },
);

/**
 * Parsed command line of `deno task emulate`.
 *
 * @example
 * ```ts
 * import { type EmulateArgs, parseEmulateArgs } from "./emulate.ts";
 * const args: EmulateArgs = parseEmulateArgs(["--prefix", "demo", "--count", "50"]);
 * console.log(args.flags.prefix, args.job.count); // demo 50
 * ```
 */
export interface EmulateArgs {
  flags: {
    profile?: string;
    dataDir?: string;
    prefix?: string;
    source?: string;
  };
  job: EmulateJobOptions;
}

/** Flag `--name`'s number, when given: `check` must hold, else a `ConfigError` saying `rule`. */
function numberFlag(
  name: string,
  text: string | undefined,
  valid: { check: (n: number) => boolean; rule: string },
) {
  const { check, rule } = valid;
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === "" || !check(value)) {
    throw new ConfigError(`--${name}`, rule, { value: text });
  }
  return value;
}

/**
 * Parses `deno task emulate` arguments; throws `ConfigError` naming a flag with a bad value
 * (and `parseArgs`' `TypeError` for an unknown flag).
 *
 * @example
 * ```ts
 * import { parseEmulateArgs } from "./emulate.ts";
 * const { job } = parseEmulateArgs(["--count", "200", "--mode", "batch"]);
 * console.log(job.count, job.mode); // 200 batch
 * ```
 */
export function parseEmulateArgs(args: string[]): EmulateArgs {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      ...Object.fromEntries(
        [
          "count",
          "duration",
          "rate",
          "concurrency",
          "mode",
          "api",
          "api-key",
          "seed",
          "prefix",
          "profile",
          "data-dir",
          "source",
        ]
          .map((name) => [name, { type: "string" as const }]),
      ),
      "post-only": { type: "boolean" as const, default: false },
    },
  });
  const { "post-only": postOnly, ...strings } = values;
  const v = strings as Record<string, string | undefined>;
  // Safe integers only: past 2^53 a count no longer counts one by one.
  const integer = (n: number) => Number.isSafeInteger(n) && n >= 0;
  const positive = (n: number) => Number.isFinite(n) && n > 0;
  // Refused here, before the job seeds the source and opens the log.
  if (
    v.api !== undefined &&
    !/^https?:$/.test(URL.parse(v.api)?.protocol ?? "")
  ) {
    throw new ConfigError(
      "--api",
      "must be an http(s) URL like http://127.0.0.1:8080",
      { value: v.api },
    );
  }
  const duration = numberFlag(
    "duration",
    v.duration,
    { check: positive, rule: "must be seconds > 0" },
  );
  return {
    flags: {
      profile: v.profile,
      dataDir: v["data-dir"],
      prefix: v.prefix,
      source: v.source,
    },
    job: {
      count: numberFlag(
        "count",
        v.count,
        {
          check: integer,
          rule: "must be a whole number from 0 to 9007199254740991",
        },
      ),
      duration: duration === undefined ? undefined : duration * 1000,
      rate: numberFlag(
        "rate",
        v.rate,
        { check: positive, rule: "must be posts per second > 0" },
      ),
      concurrency: numberFlag(
        "concurrency",
        v.concurrency,
        {
          check: (n) => integer(n) && n >= 1 && n <= MAX_CONCURRENCY,
          rule: `must be a whole number from 1 to ${MAX_CONCURRENCY}`,
        },
      ),
      mode: v.mode === undefined ? undefined : parseMode(v.mode, "--mode"),
      api: v.api,
      apiKey: v["api-key"],
      postOnly,
      // The row picks use the seed's low 32 bits: a larger seed would repeat a smaller one's.
      randomSeed: numberFlag(
        "seed",
        v.seed,
        {
          check: (n) => integer(n) && n <= 2 ** 32 - 1,
          rule: "must be a whole number from 0 to 4294967295",
        },
      ),
    },
  };
}

/** `path` relative to the working directory when it lies inside it; URLs stay as they are. */
function shownPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(Deno.cwd(), path);
  return inside === "" || inside.startsWith("..") || isAbsolute(inside)
    ? path
    : inside;
}

/**
 * Readable end-of-run report: the emulation summary, the sink's counts and where the data is.
 *
 * @example
 * ```ts
 * import { formatEmulateResult } from "./emulate.ts";
 * // console.log(formatEmulateResult(await runEmulateJob(config)));
 * ```
 */
export function formatEmulateResult(result: EmulateJobResult): string {
  const lines = [formatSummary(result.emulation), ""];
  lines.push(
    result.sink
      ? `Sink: ${count(result.sink.recordsWritten, "record")} in ${
        count(result.sink.objectsWritten, "object")
      }`
      : "Posted only (--post-only): the topics and streams are left to the tasks that read them (deno task sink, deno task stream).",
  );
  const p = result.processing;
  if (p) {
    const tables = Object.entries(p.batch.tables).map(([name, t]) =>
      `${name} ${t.rows.toLocaleString("en-US")}`
    ).join(", ");
    const streams = Object.entries(p.streamTables).map(([name, n]) =>
      `${name} ${n.toLocaleString("en-US")}`
    ).join(", ");
    lines.push(
      `Batch: ${tables} rows (unique on ind); ${
        p.batch.quarantined.toLocaleString("en-US")
      } quarantined`,
      `Stream: ${
        p.stream
          ? `${count(p.stream.records, "record")} in ${
            count(p.stream.batches, {
              one: "micro-batch",
              many: "micro-batches",
            })
          }`
          : "processed by the running stream processor (deno task stream)"
      }; tables: ${streams}`,
    );
  }
  const seeded = result.seededRows === undefined
    ? ""
    : ` (seeded ${count(result.seededRows, "row")} per table)`;
  const { locations } = result;
  const places: [string, string][] = [
    ["source", `${shownPath(locations.source)}${seeded}`],
    [
      "api",
      `${locations.api}${
        locations.inProcess ? " (in-process gateway, stopped at the end)" : ""
      }`,
    ],
  ];
  if (locations.lake !== undefined) {
    places.push(["lake", shownPath(locations.lake)]);
  }
  if (p) {
    places.push(["warehouse", shownPath(p.paths.warehouse)], [
      "stream tables",
      shownPath(p.paths.stream),
    ]);
  }
  const width = Math.max(...places.map(([label]) => label.length)) + 1;
  lines.push(
    "Where the data is:",
    ...places.map(([label, where]) =>
      `  ${`${label}:`.padEnd(width)} ${where}`
    ),
  );
  const { unseen } = result;
  if (unseen.topics + unseen.streams > 0) {
    lines.push(
      "",
      `Not found downstream: ${
        count(unseen.topics, "topic record")
      } the API accepted were not written to the lake by this job's sink, and ${
        count(unseen.streams, "stream record")
      } not read by its stream catch-up. Either the API writes to other backends than this job reads (--api must be a gateway on the same data dir for the embedded profile, or on the same Kafka and Kinesis for local and aws), or, on Kafka, another sink of the group holds some partitions and writes them on its own schedule.`,
    );
  }
  if (p?.metrics) {
    lines.push("", "The nine metrics:", "", formatResults(p.metrics.results));
  } else if (
    p && unseen.topics === 0 &&
    Object.values(p.batch.tables).every((t) => t.rows === 0)
  ) {
    lines.push(
      "",
      `The nine metrics: not computed, the batch tables are empty. ${
        emptyBatchReason(result.emulation, p.batch.quarantined)
      }`,
    );
  }
  return lines.join("\n");
}

/** Why the batch tables came out empty although every accepted record reached the lake. */
function emptyBatchReason(
  emulation: EmulationSummary,
  quarantined: number,
): string {
  if (emulation.mode === "stream") {
    return "They are cleaned from the lake, which only batch-mode posts fill (--mode batch or both).";
  }
  if (quarantined > 0) {
    return `The lake's ${
      count(quarantined, "record")
    } could not be cleaned: see the quarantine table in the warehouse for the reasons.`;
  }
  return "The lake holds no records: this run put none on the topics (no post was made, or none was accepted) and earlier runs left none.";
}

/**
 * `n` with thousands separators and the noun in the right number: `1 object`, `3 objects`
 * (`noun.one` and `noun.many` when the plural is not `-s`: `1 micro-batch`, `2 micro-batches`).
 */
function count(
  n: number,
  noun: string | { one: string; many: string },
): string {
  const { one, many } = typeof noun === "string"
    ? { one: noun, many: `${noun}s` }
    : noun;
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/**
 * Options of {@linkcode runEmulateCli}.
 *
 * @example
 * ```ts
 * import { runEmulateCli, type RunEmulateCliOptions } from "./emulate.ts";
 * import { silentLogger } from "../logger.ts";
 * const printed: string[] = [];
 * const progress = { writeSync: (bytes: Uint8Array) => bytes.length, isTerminal: () => false };
 * const options: RunEmulateCliOptions = { progress, logger: silentLogger, print: (text) => printed.push(text) };
 * const code = await runEmulateCli(["--count", "5", "--data-dir", await Deno.makeTempDir()], options);
 * console.log(code, printed.length); // 0 1
 * ```
 */
export interface RunEmulateCliOptions {
  /** Where the live progress line goes (default: stderr; redrawn in place on a terminal). */
  progress?: ProgressStream;
  /** The job's log lines (default: stderr). */
  logger?: Logger;
  /** Where the result goes (default: `console.log`). */
  print?: (text: string) => void;
}

/**
 * Runs `deno task emulate` with `args`: prints the result and resolves to the exit code (1
 * when a record could not be posted, or was accepted by an `--api` that writes to other
 * backends than the job reads).
 *
 * @example
 * ```ts
 * import { runEmulateCli } from "./emulate.ts";
 * const code = await runEmulateCli(["--count", "10", "--data-dir", await Deno.makeTempDir()]);
 * console.log(code); // 0
 * ```
 */
export async function runEmulateCli(
  args: string[],
  options: RunEmulateCliOptions = {},
): Promise<number> {
  const parsed = parseEmulateArgs(args);
  const config = loadConfig(parsed.flags);
  // SIGTERM (`kill`, `timeout`, a scheduler stopping the task) stops as Ctrl-C does.
  const stop = stopOnSignals({
    notice: "posts in flight finish, the sink drains",
  });
  const progress = createProgressLine({
    stream: options.progress ?? Deno.stderr,
  });
  // A log line ends the progress line first, so it does not land on the end of it; the
  // next snapshot draws the progress line again below.
  const log = options.logger ?? consoleLogger;
  const logger: Logger = {
    info: (message, context) => (progress.done(), log.info(message, context)),
    warn: (message, context) => (progress.done(), log.warn(message, context)),
    error: (message, context) => (progress.done(), log.error(message, context)),
  };
  const print = options.print ?? console.log;
  // The posting's summary: printed before the error when the job fails after it.
  let posted: EmulationSummary | undefined;
  try {
    const result = await runEmulateJob(config, {
      ...parsed.job,
      onProgress: (snapshot) => {
        if (snapshot.stopped !== "running") posted = snapshot;
        progress.update(snapshot);
      },
      signal: stop.signal,
      logger,
    });
    progress.done();
    print(formatEmulateResult(result));
    const { unseen } = result;
    const failed = result.emulation.recordsFailed + unseen.topics +
      unseen.streams;
    return failed > 0 ? 1 : 0;
  } catch (error) {
    progress.done(); // the error then starts on a line of its own
    if (posted !== undefined) print(formatSummary(posted));
    throw error;
  } finally {
    stop.dispose();
  }
}

/**
 * `deno task emulate` as a program: `--help`, error messages and exit codes as every task
 * has them (see `program.ts`); exit code 1 when a record could not be posted, or was
 * accepted by an `--api` that writes to other backends than the job reads.
 *
 * @example
 * ```ts
 * import { emulateProgram } from "./emulate.ts";
 * console.log(emulateProgram.usage.split("\n")[0]); // Usage: deno task emulate [options]
 * ```
 */
export const emulateProgram: CliProgram = {
  name: "emulate",
  usage: EMULATE_USAGE,
  run: (args) => runEmulateCli(args),
};

if (import.meta.main) Deno.exit(await runCli(emulateProgram, Deno.args));
