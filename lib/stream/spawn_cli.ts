/**
 * `deno task stream` as a subprocess, for the tests and benchmarks that run the stream job
 * beside the process that feeds or reads it.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CLI = fileURLToPath(new URL("../cli/stream.ts", import.meta.url));

/**
 * Options of {@linkcode spawnStreamCli}.
 *
 * @example
 * ```ts
 * import { spawnStreamCli, type SpawnStreamCliOptions } from "./spawn_cli.ts";
 * const dir = await Deno.makeTempDir();
 * const options: SpawnStreamCliOptions = { args: ["--once"], env: { TMPDIR: dir } };
 * const child = spawnStreamCli(dir, "demo", options);
 * await child.stderr.cancel();
 * console.log((await child.status).code); // 0
 * ```
 */
export interface SpawnStreamCliOptions {
  /** More flags for the stream job, e.g. `["--once"]`. */
  args?: string[];
  /** Environment variables added to this process's, e.g. `{ TMPDIR: dir }`. */
  env?: Record<string, string>;
}

/**
 * Starts `lib/cli/stream.ts` on `dataDir` and `prefix`; its stderr is piped (read it, or
 * cancel it), its stdout dropped. The caller stops it (by this child's PID: `child.kill()`).
 *
 * @example
 * ```ts
 * import { spawnStreamCli } from "./spawn_cli.ts";
 * const child = spawnStreamCli(await Deno.makeTempDir(), "demo", { args: ["--once"] });
 * await child.stderr.cancel();
 * console.log((await child.status).code); // 0
 * ```
 */
export function spawnStreamCli(
  dataDir: string,
  prefix: string,
  options: SpawnStreamCliOptions = {},
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      CLI,
      "--data-dir",
      dataDir,
      "--prefix",
      prefix,
      ...(options.args ?? []),
    ],
    cwd: REPO,
    env: options.env,
    stdout: "null",
    stderr: "piped",
  }).spawn();
}
