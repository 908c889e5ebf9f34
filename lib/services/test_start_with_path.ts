/**
 * Test helper: a service's `start` in a child process whose PATH is `path`. `Deno.env` is the
 * process's, shared by every test file `deno test --parallel` runs at once: a PATH set in a
 * test sent another file's `spawn("sleep")`, `java` or `node` to "entity not found".
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/**
 * How `start` ended in the child: `ok`, or the error's class and message.
 *
 * @example
 * ```ts
 * import type { StartOutcome } from "./test_start_with_path.ts";
 * const started: StartOutcome = { outcome: "ok", message: "" };
 * console.log(started.outcome); // ok
 * ```
 */
export interface StartOutcome {
  /** `BackendError` (the class name), or `ok` when it started. */
  outcome: string;
  /** The error's message; empty when it started. */
  message: string;
}

/**
 * Runs `{exported}.start(options)` of module `service` (a path beside this file, as
 * `./kafka.ts`) in a child process with only `path` as PATH, and returns how it ended.
 *
 * @example
 * ```ts
 * import { startWithPath } from "./test_start_with_path.ts";
 * const stateDir = await Deno.makeTempDir();
 * const end = await startWithPath("./s3.ts", "s3Service", {
 *   path: `${stateDir}/bin`,
 *   options: { stateDir, port: 14569 },
 * });
 * console.log(end.outcome); // BackendError: no node on that PATH
 * ```
 */
export async function startWithPath(
  service: string,
  exported: string,
  opts: { path: string; options: Record<string, unknown> },
): Promise<StartOutcome> {
  const mod = new URL(service, import.meta.url).href;
  const code = `
    import { ${exported} } from ${JSON.stringify(mod)};
    const end = await ${exported}.start(${JSON.stringify(opts.options)}).then(
      () => ({ outcome: "ok", message: "" }),
      (e) => ({ outcome: e?.constructor?.name ?? String(e), message: String(e?.message) }),
    );
    console.log(JSON.stringify(end));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--config",
      fileURLToPath(new URL("../../deno.json", import.meta.url)),
      code,
    ],
    env: { PATH: opts.path },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`the child failed:\n${stderr}`);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
