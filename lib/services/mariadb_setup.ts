/**
 * Helpers of the local MariaDB service: finding the Debian programs, running them with a
 * timeout, the data-directory initialisation, the server's command line and the bootstrap SQL
 * that creates the `pinterest` database and user.
 *
 * @module
 */

import { BackendError } from "../errors.ts";

/**
 * Full path of a MariaDB program, or `undefined` when it is not installed.
 *
 * @example
 * ```ts
 * import { findMariadbProgram } from "./mariadb_setup.ts";
 * console.log(await findMariadbProgram("mariadbd")); // /usr/sbin/mariadbd when installed
 * ```
 */
export async function findMariadbProgram(
  name: string,
): Promise<string | undefined> {
  const path = Deno.env.get("PATH") ?? "";
  const dirs = [...path.split(":"), "/usr/sbin", "/usr/bin", "/usr/local/bin"];
  for (const dir of dirs.filter((d) => d !== "")) {
    try {
      if ((await Deno.stat(`${dir}/${name}`)).isFile) return `${dir}/${name}`;
    } catch { /* not in this directory */ }
  }
  return undefined;
}

/**
 * Like {@linkcode findMariadbProgram}, but throws a `BackendError` saying how to install it.
 *
 * @example
 * ```ts
 * import { requireMariadbProgram } from "./mariadb_setup.ts";
 * const server = await requireMariadbProgram("mariadbd");
 * console.log(server);
 * ```
 */
export async function requireMariadbProgram(name: string): Promise<string> {
  const found = await findMariadbProgram(name);
  if (found) return found;
  throw new BackendError(
    "mariadb",
    `${name} is not installed; install MariaDB with \`apt-get install -y mariadb-server\``,
  );
}

/**
 * Options of {@linkcode runProgram}.
 *
 * @example
 * ```ts
 * import { runProgram, type RunProgramOptions } from "./mariadb_setup.ts";
 * const options: RunProgramOptions = { timeoutMs: 5_000 };
 * console.log(await runProgram("uname", ["-s"], options)); // Linux
 * ```
 */
export interface RunProgramOptions {
  /** The program is killed after this long, ms. */
  timeoutMs: number;
}

/**
 * Runs a program to completion within `timeoutMs`; throws a `BackendError` with its output
 * when it fails.
 *
 * @example
 * ```ts
 * import { runProgram } from "./mariadb_setup.ts";
 * console.log(await runProgram("echo", ["hello"], { timeoutMs: 5000 })); // hello
 * ```
 */
export async function runProgram(
  cmd: string,
  args: string[],
  options: RunProgramOptions,
): Promise<string> {
  const { timeoutMs } = options;
  const out = await new Deno.Command(cmd, {
    args,
    stdin: "null",
    signal: AbortSignal.timeout(timeoutMs),
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  const text = decode(out.stdout) + decode(out.stderr);
  if (!out.success) {
    throw new BackendError(
      "mariadb",
      `${cmd} failed (exit ${out.code}): ${text.trim()}`,
    );
  }
  return text;
}

/**
 * SQL run as root over the socket once the server answers: the `pinterest` database and the
 * `pinterest`/`pinterest` user (idempotent).
 *
 * @example
 * ```ts
 * import { BOOTSTRAP_SQL } from "./mariadb_setup.ts";
 * console.log(BOOTSTRAP_SQL.includes("CREATE DATABASE IF NOT EXISTS pinterest")); // true
 * ```
 */
export const BOOTSTRAP_SQL = [
  "CREATE DATABASE IF NOT EXISTS pinterest CHARACTER SET utf8mb4",
  ...["127.0.0.1", "localhost"].flatMap((host) => [
    `CREATE USER IF NOT EXISTS 'pinterest'@'${host}' IDENTIFIED BY 'pinterest'`,
    `GRANT ALL PRIVILEGES ON pinterest.* TO 'pinterest'@'${host}'`,
  ]),
].join("; ");

/**
 * Where a MariaDB instance keeps its files.
 *
 * @example
 * ```ts
 * import { type MariadbPaths, mariadbdArgs } from "./mariadb_setup.ts";
 * const dir = "/tmp/my-services/mariadb";
 * const paths: MariadbPaths = { dataDir: `${dir}/data`, socket: `${dir}/mariadb.sock`, pidFile: `${dir}/mariadbd.pid` };
 * console.log(mariadbdArgs(paths, 13306).slice(1, 3).join(" "));
 * // --datadir=/tmp/my-services/mariadb/data --socket=/tmp/my-services/mariadb/mariadb.sock
 * ```
 */
export interface MariadbPaths {
  dataDir: string;
  socket: string;
  pidFile: string;
}

/** `--user=root` when running as root (mariadbd refuses to run as root without it). */
function asRoot(): string[] {
  return Deno.uid() === 0 ? ["--user=root"] : [];
}

/**
 * Creates the system tables in `dataDir` unless it already holds them; root gets a password-less
 * login over the socket only (the server binds 127.0.0.1 and the socket lives in the state dir).
 *
 * @example
 * ```ts
 * import { initDataDir } from "./mariadb_setup.ts";
 * await initDataDir("/usr/bin/mariadb-install-db", `${await Deno.makeTempDir()}/data`);
 * ```
 */
export async function initDataDir(
  installDb: string,
  dataDir: string,
): Promise<boolean> {
  if (await Deno.stat(`${dataDir}/mysql`).then(() => true, () => false)) {
    return false;
  }
  // As root (with --user), mariadb-install-db chowns the datadir without quoting it, so a
  // path with spaces breaks it: it gets a link to the folder from a plain temp path.
  const plain = /^[\w./+-]+$/.test(dataDir);
  const linkDir = plain
    ? undefined
    : await Deno.makeTempDir({ prefix: "mariadb-" });
  let target = dataDir;
  try {
    if (linkDir !== undefined) {
      await Deno.mkdir(dataDir, { recursive: true });
      target = `${linkDir}/data`;
      await Deno.symlink(dataDir, target);
    }
    await runProgram(installDb, [
      "--no-defaults",
      `--datadir=${target}`,
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      ...asRoot(),
    ], { timeoutMs: 180_000 });
  } finally {
    // Removes the link only, not the folder it points to.
    if (linkDir !== undefined) await Deno.remove(linkDir, { recursive: true });
  }
  return true;
}

/**
 * The `mariadbd` arguments: no system config, own datadir/socket/PID file, 127.0.0.1 only.
 *
 * @example
 * ```ts
 * import { mariadbdArgs } from "./mariadb_setup.ts";
 * console.log(mariadbdArgs({ dataDir: "/d", socket: "/d.sock", pidFile: "/d.pid" }, 3306));
 * ```
 */
export function mariadbdArgs(paths: MariadbPaths, port: number): string[] {
  return [
    "--no-defaults",
    `--datadir=${paths.dataDir}`,
    `--socket=${paths.socket}`,
    `--port=${port}`,
    "--bind-address=127.0.0.1",
    `--pid-file=${paths.pidFile}`,
    "--skip-log-bin",
    "--innodb-buffer-pool-size=64M",
    ...asRoot(),
  ];
}
