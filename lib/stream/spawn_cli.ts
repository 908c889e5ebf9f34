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
 * Starts `lib/cli/stream.ts` on `dataDir` and `prefix` with `extra` flags; its stderr is
 * piped (read it, or cancel it), its stdout dropped. The caller stops it (by this child's
 * PID: `child.kill()`).
 *
 * @example
 * ```ts
 * import { spawnStreamCli } from "./spawn_cli.ts";
 * const child = spawnStreamCli(await Deno.makeTempDir(), "demo", ["--once"]);
 * await child.stderr.cancel();
 * console.log((await child.status).code); // 0
 * ```
 */
export function spawnStreamCli(
  dataDir: string,
  prefix: string,
  extra: string[] = [],
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
      ...extra,
    ],
    cwd: REPO,
    stdout: "null",
    stderr: "piped",
  }).spawn();
}
