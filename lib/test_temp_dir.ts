/**
 * A temporary directory for a test that removes itself, files and all, when the test's
 * `await using` scope ends, whether the test passed or threw. Tests that made temp dirs
 * without removing them left tens of folders (some with SQLite logs of megabytes) in the
 * system temp dir per run of the suite.
 *
 * @module
 */

/**
 * A temporary directory removed on `await using` disposal.
 *
 * @example
 * ```ts
 * import { makeTestDir, type TestDir } from "./test_temp_dir.ts";
 * const dir: TestDir = await makeTestDir({ prefix: "demo_" });
 * await Deno.writeTextFile(`${dir.path}/a.txt`, "x");
 * await dir[Symbol.asyncDispose]();
 * console.log(await Deno.stat(dir.path).catch(() => "gone")); // gone
 * ```
 */
export interface TestDir extends AsyncDisposable {
  /** Absolute path of the directory. */
  path: string;
}

/**
 * Makes a temporary directory (as `Deno.makeTempDir`) that `await using` removes at the end
 * of the scope.
 *
 * @example
 * ```ts
 * import { makeTestDir } from "./test_temp_dir.ts";
 * let kept = "";
 * {
 *   await using dir = await makeTestDir({ prefix: "example_" });
 *   kept = dir.path;
 *   await Deno.writeTextFile(`${dir.path}/a.txt`, "x");
 * }
 * console.log(await Deno.stat(kept).catch(() => "gone")); // "gone"
 * ```
 */
export async function makeTestDir(
  options?: Deno.MakeTempOptions,
): Promise<TestDir> {
  const path = await Deno.makeTempDir(options);
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true }).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
    },
  };
}
