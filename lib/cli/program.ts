/**
 * What every `deno task` command shares at its outer edge: `-h`/`--help` prints the usage;
 * a malformed command line prints the problem and the usage; a `PipelineError` prints
 * `{name}: {message}`; an error of SQLite itself (a damaged or full file, not this code)
 * prints what to do about the file; and each ends with a fixed exit code. Anything else is
 * a bug and is rethrown, so its stack trace shows.
 *
 * | outcome                                  | printed on | exit code |
 * | ---------------------------------------- | ---------- | --------- |
 * | `-h` / `--help` (before any `--`)        | stdout     | 0         |
 * | the command's own result                 | —          | its value, else 0 |
 * | malformed flags (`node:util` parseArgs)  | stderr     | 2         |
 * | `ConfigError` (a bad setting)            | stderr     | 2         |
 * | any other `PipelineError`                | stderr     | 1         |
 * | a `node:sqlite` error                    | stderr     | 1         |
 *
 * @module
 */
import { terminalSafe } from "../metrics/terminal_text.ts";
import { ConfigError, PipelineError } from "../errors.ts";

/**
 * A command line program: its name in messages, its usage text and its body.
 *
 * @example
 * ```ts
 * import { type CliProgram, runCli } from "./program.ts";
 * const hello: CliProgram = {
 *   name: "hello",
 *   usage: "Usage: deno task hello",
 *   run: (args) => Promise.resolve(args.length > 0 ? 1 : undefined),
 * };
 * console.log(await runCli(hello, []), await runCli(hello, ["x"])); // 0 1
 * ```
 */
export interface CliProgram {
  /** Prefix of error lines, e.g. `batch` gives `batch: ...`. */
  name: string;
  /** The text `--help` prints, starting `Usage: deno task ...`. */
  usage: string;
  /** Runs the command; resolves to the exit code (nothing means 0). */
  run(args: string[]): Promise<number | void>;
}

/**
 * Options of {@linkcode runCli}.
 *
 * @example
 * ```ts
 * import { ConfigError } from "../errors.ts";
 * import { runCli, type RunCliOptions } from "./program.ts";
 * const errors: string[] = [];
 * const options: RunCliOptions = { out: () => {}, err: (text) => errors.push(text) };
 * const program = { name: "demo", usage: "Usage: deno task demo", run: () => Promise.reject(new ConfigError("--rate", "must be a number > 0")) };
 * console.log(await runCli(program, [], options), errors[0].startsWith("demo: ")); // 2 true
 * ```
 */
export interface RunCliOptions {
  /** Where the usage goes for `--help`; default `console.log`. */
  out?: (text: string) => void;
  /** Where errors go; default `console.error`. */
  err?: (text: string) => void;
}

/**
 * True when `args` ask for help: `-h` or `--help` before any `--`.
 *
 * @example
 * ```ts
 * import { wantsHelp } from "./program.ts";
 * console.log(wantsHelp(["--once", "-h"]), wantsHelp(["--", "--help"])); // true false
 * ```
 */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((a) =>
    a === "-h" || a === "--help"
  );
}

/**
 * What {@linkcode formatUsage} puts under the `Usage:` line.
 *
 * @example
 * ```ts
 * import { type FormatUsageOptions, formatUsage } from "./program.ts";
 * const options: FormatUsageOptions = { summary: "Does the demo.", flags: [["--fast", "go fast"]] };
 * console.log(formatUsage("demo", options).split("\n")[2]); // Does the demo.
 * ```
 */
export interface FormatUsageOptions {
  /** What the command does; may span lines (`\n`). */
  summary: string;
  /** One `[flag, text]` pair per flag, in the order shown; `-h, --help` is added last. */
  flags: readonly (readonly [string, string])[];
}

/**
 * A usage text: `Usage: deno task {command}`, what the command does, then one aligned line
 * per flag (`-h, --help` is added last).
 *
 * @example
 * ```ts
 * import { formatUsage } from "./program.ts";
 * console.log(formatUsage("demo [options]", { summary: "Does the demo.", flags: [["--fast", "go fast"]] }));
 * // Usage: deno task demo [options]
 * //
 * // Does the demo.
 * //
 * //   --fast      go fast
 * //   -h, --help  show this help
 * ```
 */
export function formatUsage(
  command: string,
  { summary, flags }: FormatUsageOptions,
): string {
  const all = [...flags, ["-h, --help", "show this help"] as const];
  const width = Math.max(...all.map(([flag]) => flag.length));
  return [
    `Usage: deno task ${command}`,
    "",
    summary,
    "",
    ...all.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`),
  ].join("\n");
}

/**
 * Flag lines every stage shares, for {@linkcode formatUsage}.
 *
 * @example
 * ```ts
 * import { COMMON_FLAGS, formatUsage } from "./program.ts";
 * console.log(formatUsage("demo", { summary: "Does the demo.", flags: [COMMON_FLAGS.dataDir] }).split("\n")[4]);
 * //   --data-dir D  data root (default $DATA_DIR, else .data)
 * ```
 */
export const COMMON_FLAGS = {
  profile: [
    "--profile P",
    "embedded | local | aws (default $PIPELINE_PROFILE, else embedded)",
  ],
  dataDir: ["--data-dir D", "data root (default $DATA_DIR, else .data)"],
  prefix: [
    "--prefix P",
    "topics P.pin|.geo|.user, streams streaming-P-* (default $PIPELINE_PREFIX, else pinterest)",
  ],
} as const;

/**
 * Options of {@linkcode positiveFlag}.
 *
 * @example
 * ```ts
 * import { positiveFlag, type PositiveFlagOptions } from "./program.ts";
 * const options: PositiveFlagOptions = { whole: true };
 * try {
 *   positiveFlag("--count", "2.5", options);
 * } catch (e) {
 *   console.log((e as Error).message); // Invalid setting --count="2.5": must be a whole number >= 1
 * }
 * ```
 */
export interface PositiveFlagOptions {
  /** The number must be whole (default false). */
  whole?: boolean;
}

/**
 * The number a flag's text gives, which must be > 0 (and whole with `whole: true`); otherwise a
 * `ConfigError` naming the flag: `must be a number > 0` or `must be a whole number >= 1`.
 *
 * @example
 * ```ts
 * import { positiveFlag } from "./program.ts";
 * console.log(positiveFlag("--rate", "2.5"), positiveFlag("--posts", "10", { whole: true })); // 2.5 10
 * ```
 */
export function positiveFlag(
  flag: string,
  text: string,
  options: PositiveFlagOptions = {},
): number {
  const whole = options.whole ?? false;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n) || (whole && !Number.isInteger(n))) {
    throw new ConfigError(
      flag,
      whole ? "must be a whole number >= 1" : "must be a number > 0",
      { value: text },
    );
  }
  return n;
}

/** What to do about a SQLite file that failed with `message`. */
function sqliteAdvice(message: string): string {
  if (/malformed|not a database|corrupt/i.test(message)) {
    return "a SQLite file of the data dir is damaged (the embedded log log.db, or the source): move it away to start afresh, or restore it from a copy";
  }
  if (/full/i.test(message)) return "free disk space, then run again";
  if (/locked|busy/i.test(message)) {
    return "another program holds the file; stop it, then run again";
  }
  return "check the data dir's files and disk, then run again";
}

/** An error SQLite raised through `node:sqlite`: about a file, not about this code. */
function isSqliteError(e: unknown): e is Error {
  return e instanceof Error &&
    (e as { code?: unknown }).code === "ERR_SQLITE_ERROR";
}

/** An error `node:util`'s `parseArgs` throws for a malformed command line. */
function isArgsError(e: unknown): e is Error {
  return e instanceof TypeError &&
    String((e as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS_");
}

/**
 * Runs `program` on `args` and returns the exit code (see the module table); the caller
 * exits with it. A leading `--` is dropped (`deno task metrics -- --json`, as `npm run`
 * takes flags); elsewhere it ends the flags.
 *
 * @example
 * ```ts
 * import { runCli } from "./program.ts";
 * const program = { name: "demo", usage: "Usage: deno task demo", run: () => Promise.resolve(3) };
 * console.log(await runCli(program, [])); // 3
 * console.log(await runCli(program, ["--help"])); // prints the usage, then 0
 * ```
 */
export async function runCli(
  program: CliProgram,
  args: string[],
  options: RunCliOptions = {},
): Promise<number> {
  const out = options.out ?? console.log;
  const err = options.err ?? console.error;
  // `deno task metrics -- --json`, as `npm run` wants it: deno task passes the `--` on.
  if (args[0] === "--") args = args.slice(1);
  if (wantsHelp(args)) {
    out(program.usage);
    return 0;
  }
  try {
    return (await program.run(args)) ?? 0;
  } catch (e) {
    if (isArgsError(e)) {
      // parseArgs' advice to pass an unknown flag as a positional argument (programs that
      // take some) would only lead to another error: the usage says what is taken.
      const message = e.message.replace(
        /\. To specify a positional argument .*$/s,
        "",
      );
      err(`${program.name}: ${terminalSafe(message)}\n\n${program.usage}`);
      return 2;
    }
    if (isSqliteError(e)) {
      err(
        `${program.name}: SQLite: ${terminalSafe(e.message)}; ${
          sqliteAdvice(e.message)
        }`,
      );
      return 1;
    }
    if (!(e instanceof PipelineError)) throw e;
    // Messages carry values from data and answers: no escape sequence reaches the terminal.
    err(`${program.name}: ${terminalSafe(e.message)}`);
    return e instanceof ConfigError ? 2 : 1;
  }
}
