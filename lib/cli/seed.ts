/**
 * `deno task seed`: generates the three course tables and writes them to the source, a SQLite
 * file (default `.data/source.db`) or a MySQL/MariaDB database.
 *
 * ```sh
 * deno task seed [--rows 11000] [--seed 42] [--source .data/source.db | mysql://user:pass@host:3306/db]
 * ```
 *
 * The source is `--source`, else `SOURCE_URL`, else the profile's default (`.data/source.db`
 * for embedded, the local MariaDB for `--profile local`). Progress goes to stderr
 * (a live line on a terminal), the summary to stdout.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { dataPaths, loadConfig } from "../config/mod.ts";
import { ConfigError } from "../errors.ts";
import { DEFAULT_ROWS, DEFAULT_SEED } from "../source/generator.ts";
import { isMysqlUrl, redactMysqlUrl } from "../source/mysql_url.ts";
import {
  type SeedOptions,
  seedSqlite,
  type SeedSummary,
} from "../source/sqlite_source.ts";
import {
  type CliProgram,
  COMMON_FLAGS,
  formatUsage,
  runCli,
} from "./program.ts";

/**
 * Where `deno task seed` writes when neither `--source` nor `SOURCE_URL` is given (embedded).
 *
 * @example
 * ```ts
 * import { DEFAULT_SOURCE_PATH } from "./seed.ts";
 * console.log(DEFAULT_SOURCE_PATH); // .data/source.db
 * ```
 */
export const DEFAULT_SOURCE_PATH = dataPaths(".data").source;

/**
 * The usage text printed by `--help` and after a bad flag.
 *
 * @example
 * ```ts
 * import { SEED_USAGE } from "./seed.ts";
 * console.log(SEED_USAGE.split("\n")[0]); // Usage: deno task seed [options]
 * ```
 */
export const SEED_USAGE: string = formatUsage(
  "seed [options]",
  {
    summary:
      "Writes the generated source tables pinterest_data, geolocation_data and user_data (the same\nrows for the same --rows and --seed) into a SQLite file or a MySQL/MariaDB database.",
    flags: [
      ["--rows N", `rows per table (default ${DEFAULT_ROWS})`],
      [
        "--seed S",
        `generator seed, a 32-bit integer (default ${DEFAULT_SEED})`,
      ],
      [
        "--source WHERE",
        "a SQLite path or a mysql:// URL (default $SOURCE_URL, else {data-dir}/source.db or, for local, the MariaDB)",
      ],
      COMMON_FLAGS.profile,
      [
        "--data-dir D",
        "data root of the embedded source (default $DATA_DIR, else .data)",
      ],
    ],
  },
);

/**
 * Settings of `deno task seed`.
 *
 * @example
 * ```ts
 * import { parseSeedArgs, type SeedCliOptions } from "./seed.ts";
 * const options: SeedCliOptions = parseSeedArgs(["--seed", "7", "--source", "/tmp/source.db"], {});
 * console.log(options); // { rows: 11000, seed: 7, source: "/tmp/source.db" }
 * ```
 */
export interface SeedCliOptions {
  rows: number;
  seed: number;
  /** A SQLite path or a `mysql://` URL. */
  source: string;
}

/** Flag `flag`'s whole number, within `range`, else a `ConfigError`. */
function integer(
  flag: string,
  text: string,
  range: { min: number; max: number },
): number {
  const { min, max } = range;
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || n < min || n > max) {
    throw new ConfigError(
      flag,
      `must be a whole number from ${min} to ${max}`,
      { value: text },
    );
  }
  return n;
}

/**
 * Parses the command line of `deno task seed`; unknown flags are a `ConfigError` with the usage.
 *
 * @example
 * ```ts
 * import { parseSeedArgs } from "./seed.ts";
 * console.log(parseSeedArgs(["--rows", "500"], {})); // { rows: 500, seed: 42, source: ".data/source.db" }
 * ```
 */
export function parseSeedArgs(
  args: string[],
  env: Record<string, string | undefined> = Deno.env.toObject(),
): SeedCliOptions {
  // A malformed command line is parseArgs' TypeError: runCli prints it with the usage.
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      rows: { type: "string" },
      seed: { type: "string" },
      source: { type: "string" },
      profile: { type: "string" },
      "data-dir": { type: "string" },
    },
  });
  const { sourceUrl } = loadConfig({
    profile: values.profile,
    dataDir: values["data-dir"],
    source: values.source,
  }, { env });
  if (sourceUrl === "") {
    throw new ConfigError(
      "SOURCE_URL (--source)",
      "required for the aws profile: mysql://user:pass@host:3306/db",
      { value: "" },
    );
  }
  return {
    rows: values.rows === undefined
      ? DEFAULT_ROWS
      : integer("--rows", values.rows, { min: 1, max: 10_000_000 }),
    seed: values.seed === undefined
      ? DEFAULT_SEED
      : integer("--seed", values.seed, { min: -(2 ** 31), max: 2 ** 32 - 1 }),
    source: sourceUrl,
  };
}

/**
 * Options of {@linkcode runSeedCli}.
 *
 * @example
 * ```ts
 * import { runSeedCli, type RunSeedOptions } from "./seed.ts";
 * const lines: string[] = [];
 * const options: RunSeedOptions = { env: {}, progress: () => {}, print: (line) => lines.push(line) };
 * const summary = await runSeedCli(["--rows", "100", "--source", `${await Deno.makeTempDir()}/source.db`], options);
 * console.log(summary.rows, lines.length > 0); // 100 true
 * ```
 */
export interface RunSeedOptions {
  env?: Record<string, string | undefined>;
  /** Progress lines (default: stderr; a live line when stderr is a terminal). */
  progress?: (line: string, final: boolean) => void;
  /** Result lines (default: `console.log`). */
  print?: (line: string) => void;
}

function defaultProgress(): (line: string, final: boolean) => void {
  const live = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  let last = -1;
  return (line, final) => {
    if (live) {
      Deno.stderr.writeSync(enc.encode(`\r${line}${final ? "\n" : ""}`));
    } else if (final || Date.now() - last >= 1000) {
      last = Date.now();
      console.error(line);
    }
  };
}

/**
 * Runs `deno task seed` with the given arguments and returns the summary.
 *
 * @example
 * ```ts
 * import { runSeedCli } from "./seed.ts";
 * const path = `${await Deno.makeTempDir()}/source.db`;
 * const summary = await runSeedCli(["--rows", "1000", "--source", path]);
 * console.log(summary.rows); // 1000
 * ```
 */
export async function runSeedCli(
  args: string[],
  options: RunSeedOptions = {},
): Promise<SeedSummary> {
  const cli = parseSeedArgs(args, options.env);
  const show = options.progress ?? defaultProgress();
  // The last line shown, while it is not final: a failed seed shows it again as final, which
  // ends a live line so that the error starts on a line of its own.
  let open: string | undefined;
  const progress = (line: string, final: boolean) => {
    open = final ? undefined : line;
    show(line, final);
  };
  const fmt = (n: number) => n.toLocaleString("en-US");
  const where = isMysqlUrl(cli.source)
    ? redactMysqlUrl(cli.source)
    : cli.source;
  progress(
    `Seeding ${fmt(cli.rows)} rows per table (seed ${cli.seed}) into ${where}`,
    true,
  );
  const seedOptions: SeedOptions = {
    rows: cli.rows,
    seed: cli.seed,
    progressEvery: Math.max(1000, Math.ceil(cli.rows / 100)),
    onProgress: ({ rows, total }) =>
      progress(
        `  ${fmt(rows)} / ${fmt(total)} rows (${
          Math.floor((rows / total) * 100)
        }%)`,
        rows === total,
      ),
  };
  let summary: SeedSummary;
  try {
    summary = isMysqlUrl(cli.source)
      ? await (await import("../source/mysql_source.ts")).seedMysql(
        cli.source,
        seedOptions,
      )
      : await seedSqlite(cli.source, seedOptions);
  } catch (error) {
    if (open !== undefined) progress(open, true);
    throw error;
  }
  const seconds = summary.elapsedMs / 1000;
  const rate = fmt(Math.round((summary.rows * 3) / seconds));
  (options.print ?? console.log)(
    `Seeded pinterest_data, geolocation_data, user_data: ${
      fmt(summary.rows)
    } rows each, ` +
      `seed ${summary.seed}, in ${
        seconds.toFixed(2)
      } s (${rate} rows/s in all) -> ` +
      summary.location,
  );
  return summary;
}

/**
 * `deno task seed` as a program: `--help`, error messages and exit codes as every task has
 * them (see `program.ts`).
 *
 * @example
 * ```ts
 * import { seedProgram } from "./seed.ts";
 * console.log(seedProgram.usage.split("\n")[0]); // Usage: deno task seed [options]
 * ```
 */
export const seedProgram: CliProgram = {
  name: "seed",
  usage: SEED_USAGE,
  run: async (args) => {
    await runSeedCli(args);
  },
};

if (import.meta.main) Deno.exit(await runCli(seedProgram, Deno.args));
