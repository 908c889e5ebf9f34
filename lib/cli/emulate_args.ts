/**
 * The command line of `deno task emulate`: its flags parsed and checked into the options of
 * the emulate job, so a bad value is refused, naming its flag, before the job seeds the source
 * or opens a backend.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  checkApiKey,
  checkApiUrl,
  MAX_CONCURRENCY,
  parseMode,
} from "../emulator/mod.ts";
import { ConfigError } from "../errors.ts";
import type { EmulateJobOptions } from "../pipeline/mod.ts";

/**
 * Parsed command line of `deno task emulate`.
 *
 * @example
 * ```ts
 * import { type EmulateArgs, parseEmulateArgs } from "./emulate_args.ts";
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
 * import { parseEmulateArgs } from "./emulate_args.ts";
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
  if (v.api !== undefined) checkApiUrl(v.api, "--api");
  if (v["api-key"] !== undefined) checkApiKey(v["api-key"], "--api-key");
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
