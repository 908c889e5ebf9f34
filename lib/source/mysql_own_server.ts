/**
 * A MariaDB of a test's own, for the source tests that change the server as root (tables of
 * other shapes, users with fewer privileges), which the shared one (`deno task services up`)
 * must not see. Skipped (with how to install) when MariaDB is missing, except under
 * `CI=true`, where that fails.
 *
 * @module
 */
import { mariadbService } from "../services/mariadb.ts";
import { findMariadbProgram } from "../services/mariadb_setup.ts";
import { serviceDir } from "../services/pid_file.ts";
import { freePort } from "../services/process.ts";

const PROGRAMS = ["mariadbd", "mariadb-install-db", "mariadb"];
const HOW = "MariaDB is not installed: `apt-get install -y mariadb-server`";

/**
 * A server started by {@linkcode withOwnMariadb}: its URL (user `pinterest`, database
 * `pinterest`, no tables) and a way to run SQL as root.
 *
 * @example
 * ```ts
 * import { type OwnMariadb, withOwnMariadb } from "./mysql_own_server.ts";
 * await withOwnMariadb(async (server: OwnMariadb) => {
 *   await server.asRoot("CREATE USER r@'127.0.0.1' IDENTIFIED BY 'r'");
 *   console.log(server.url); // mysql://pinterest:pinterest@127.0.0.1:{port}/pinterest
 * });
 * ```
 */
export interface OwnMariadb {
  /** The `pinterest` user's URL. */
  url: string;
  /**
   * Runs `statements` as root over the server's socket, in the `pinterest` database;
   * returns what they print (tab-separated, without column names).
   */
  asRoot(statements: string): Promise<string>;
}

/**
 * True when this machine lacks MariaDB outside CI: pass it as `Deno.test`'s `ignore`.
 * Warns `{testFile} skipped: ...` when so.
 *
 * @example
 * ```ts
 * import { ownMariadbMissing } from "./mysql_own_server.ts";
 * Deno.test({ name: "x", ignore: await ownMariadbMissing("x_test"), fn() {} });
 * ```
 */
export async function ownMariadbMissing(testFile: string): Promise<boolean> {
  const found = await Promise.all(PROGRAMS.map(findMariadbProgram));
  const missing = found.some((path) => path === undefined) &&
    Deno.env.get("CI") !== "true";
  if (missing) console.warn(`${testFile} skipped: ${HOW}`);
  return missing;
}

/**
 * Starts a MariaDB with an empty `pinterest` database on a free port, runs `fn`, stops it
 * and removes its files.
 *
 * @throws {Error} saying how to install MariaDB when it is missing.
 * @example
 * ```ts
 * import { withOwnMariadb } from "./mysql_own_server.ts";
 * await withOwnMariadb(async ({ url }) => console.log(url));
 * ```
 */
export async function withOwnMariadb(
  fn: (server: OwnMariadb) => Promise<void>,
): Promise<void> {
  const found = await Promise.all(PROGRAMS.map(findMariadbProgram));
  if (found.some((path) => path === undefined)) throw new Error(HOW);
  const stateDir = await Deno.makeTempDir({ prefix: "mysql_own_server_" });
  const socket = `${serviceDir(stateDir, "mariadb")}/mariadb.sock`;
  try {
    const { endpoint } = await mariadbService.start({
      stateDir,
      port: freePort(),
      seedRows: 0,
    });
    await fn({
      url: endpoint,
      async asRoot(statements: string) {
        const child = new Deno.Command("mariadb", {
          args: [
            "--no-defaults",
            `--socket=${socket}`,
            "--default-character-set=utf8mb4",
            "--batch",
            "--skip-column-names",
            "-uroot",
            "pinterest",
          ],
          stdin: "piped",
          stdout: "piped",
          stderr: "piped",
        }).spawn();
        const writer = child.stdin.getWriter();
        await writer.write(new TextEncoder().encode(statements));
        await writer.close();
        const { success, stdout, stderr } = await child.output();
        if (!success) throw new Error(new TextDecoder().decode(stderr));
        return new TextDecoder().decode(stdout);
      },
    });
  } finally {
    await mariadbService.stop({ stateDir });
    await Deno.remove(stateDir, { recursive: true });
  }
}
