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
import { loadConfig } from "../config/settings.ts";
import {
  createProgressLine,
  type EmulationSummary,
  formatSummary,
  MAX_CONCURRENCY,
  type ProgressStream,
} from "../emulator/mod.ts";
import { consoleLogger, type Logger } from "../logger.ts";
import { runEmulateJob } from "../pipeline/mod.ts";
import { parseEmulateArgs } from "./emulate_args.ts";
import { formatEmulateResult } from "./emulate_report.ts";
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

/** The terminal's width in columns; `undefined` when none of stdin, stdout, stderr is one. */
function consoleColumns(): number | undefined {
  try {
    return Deno.consoleSize().columns || undefined;
  } catch {
    return undefined;
  }
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
    // --post-only runs no sink.
    notice: parsed.job.postOnly
      ? "posts in flight finish"
      : "posts in flight finish, the sink drains",
  });
  const progress = createProgressLine({
    stream: options.progress ?? Deno.stderr,
    // Cut to the terminal's width: a wrapped line is not redrawn in place.
    columns: options.progress === undefined ? consoleColumns : undefined,
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
