/**
 * A local MariaDB server (the course's RDS stand-in) run as a plain process on 127.0.0.1, with
 * its own data directory under `{stateDir}/mariadb/`, a database `pinterest` and a user
 * `pinterest`/`pinterest` with a real password, seeded with the generated course tables.
 *
 * Needs the Debian package `mariadb-server` (`apt-get install -y mariadb-server`).
 *
 * @module
 */

import { openMysqlSource, seedMysql } from "../source/mysql_source.ts";
import { redactMysqlUrl } from "../source/mysql_url.ts";
import {
  BOOTSTRAP_SQL,
  initDataDir,
  mariadbdArgs,
  requireMariadbProgram,
  runProgram,
} from "./mariadb_setup.ts";
import { canConnect, spawnDetached } from "./process.ts";
import {
  assertPortsFree,
  endpointPort,
  pidFileService,
  type ServiceHandle,
  type ServiceStartOptions,
  waitUntilReady,
} from "./service.ts";
import { serviceDir, writePidFile } from "./pid_file.ts";

export { MARIADB_DEFAULT_URL } from "../source/mysql_url.ts";

/**
 * Default port of the local MariaDB.
 *
 * @example
 * ```ts
 * import { MARIADB_DEFAULT_PORT, mariadbUrl } from "./mariadb.ts";
 * console.log(mariadbUrl(MARIADB_DEFAULT_PORT)); // mysql://pinterest:pinterest@127.0.0.1:3306/pinterest
 * ```
 */
export const MARIADB_DEFAULT_PORT = 3306;
const NAME = "mariadb";

/**
 * The URL of the local `pinterest` database on a port.
 *
 * @example
 * ```ts
 * import { mariadbUrl } from "./mariadb.ts";
 * console.log(mariadbUrl(3306)); // mysql://pinterest:pinterest@127.0.0.1:3306/pinterest
 * ```
 */
export function mariadbUrl(port: number): string {
  return `mysql://pinterest:pinterest@127.0.0.1:${port}/pinterest`;
}

/**
 * Options of `mariadbService.start` (`readyTimeoutMs` default: 60,000).
 *
 * @example
 * ```ts
 * import { mariadbService, type MariadbStartOptions } from "./mariadb.ts";
 * const options: MariadbStartOptions = { stateDir: "/tmp/my-services", port: 13306, seedRows: 500, seed: 7 };
 * const up = () => mariadbService.start(options); // resolves to { endpoint: "mysql://pinterest:pinterest@127.0.0.1:13306/pinterest", pid }
 * ```
 */
export interface MariadbStartOptions extends ServiceStartOptions {
  /** Rows to seed when the tables are absent or empty (default 11,000; 0 skips seeding). */
  seedRows?: number;
  /** Generator seed for the seeding (default 42). */
  seed?: number;
}

async function rowsPresent(url: string): Promise<number> {
  try {
    const source = await openMysqlSource(url);
    const n = await source.rowCount();
    await source.close();
    return n;
  } catch {
    return 0;
  }
}

/** Creates the `pinterest` database and user (idempotent), as root over the socket. */
async function bootstrap(client: string, socket: string): Promise<void> {
  await runProgram(
    client,
    ["--no-defaults", `--socket=${socket}`, "-uroot", "-e", BOOTSTRAP_SQL],
    { timeoutMs: 10_000 },
  );
}

/** Seeds the course tables when they are absent or empty (unless `seedRows` is 0). */
async function seedIfEmpty(
  endpoint: string,
  options: MariadbStartOptions,
): Promise<void> {
  const rows = options.seedRows ?? 11_000;
  if (rows > 0 && (await rowsPresent(endpoint)) === 0) {
    const summary = await seedMysql(endpoint, { rows, seed: options.seed });
    options.logger?.info("mariadb seeded", {
      rows,
      ms: Math.round(summary.elapsedMs),
    });
  }
}

/**
 * What an `up` interrupted (Ctrl-C) after the server started may have left undone: the
 * database and user, the seed. Done again for a running server before it is returned.
 */
async function finishSetup(
  handle: ServiceHandle,
  options: MariadbStartOptions,
): Promise<void> {
  const dir = await Deno.realPath(serviceDir(options.stateDir, NAME));
  await bootstrap(
    await requireMariadbProgram("mariadb"),
    `${dir}/mariadb.sock`,
  );
  await seedIfEmpty(handle.endpoint, options);
}

/**
 * Starts MariaDB on 127.0.0.1, waits until it answers, creates the `pinterest` database and
 * user, and seeds the course tables when they are absent (`mariadbService.start` first reuses
 * a running server of the same state dir).
 */
async function start(
  options: MariadbStartOptions,
): Promise<ServiceHandle> {
  const { stateDir, logger: log } = options;
  await Deno.mkdir(serviceDir(stateDir, NAME), { recursive: true });
  const dir = await Deno.realPath(serviceDir(stateDir, NAME));
  const paths = {
    dataDir: `${dir}/data`,
    socket: `${dir}/mariadb.sock`,
    pidFile: `${dir}/mariadbd.pid`,
  };
  const logFile = `${dir}/mariadb.log`;
  const port = options.port ?? MARIADB_DEFAULT_PORT;
  const endpoint = mariadbUrl(port);
  const [server, installDb, client] = await Promise.all(
    ["mariadbd", "mariadb-install-db", "mariadb"].map(requireMariadbProgram),
  );
  await assertPortsFree(NAME, [port]);

  if (await initDataDir(installDb, paths.dataDir)) {
    log?.info("mariadb data directory initialised", { dir: paths.dataDir });
  }
  const pid = spawnDetached(server, mariadbdArgs(paths, port), { logFile });
  await writePidFile(stateDir, {
    name: NAME,
    record: { pid, endpoint, marker: paths.dataDir },
  });
  await waitUntilReady({
    name: NAME,
    stateDir,
    pid,
    endpoint: `127.0.0.1:${port}`,
    logFile,
    timeoutMs: options.readyTimeoutMs ?? 60_000,
    probe: async () =>
      (await canConnect("127.0.0.1", port)) &&
      (await bootstrap(client, paths.socket).then(() => true)),
  });
  log?.info("mariadb answering", { url: redactMysqlUrl(endpoint), pid });
  await seedIfEmpty(endpoint, options);
  return { endpoint, pid };
}

/**
 * The MariaDB service for `deno task services up|down|status`: `start` runs MariaDB on
 * 127.0.0.1 (or reuses the one of the same state dir, finishing the setup an interrupted
 * `up` left undone) and seeds it; `env` gives `SOURCE_URL`.
 *
 * @example
 * ```ts
 * import { mariadbService } from "./mariadb.ts";
 * const stateDir = await Deno.makeTempDir();
 * const handle = await mariadbService.start({ stateDir, port: 3307, seedRows: 1000 });
 * console.log(mariadbService.env?.(handle.endpoint)); // { SOURCE_URL: "mysql://..." }
 * await mariadbService.stop({ stateDir });
 * ```
 */
export const mariadbService = pidFileService({
  name: NAME,
  start,
  probe: (endpoint) => canConnect("127.0.0.1", endpointPort(endpoint)!),
  reuse: finishSetup,
  stopTimeoutMs: 30_000,
  env: (endpoint) => ({ SOURCE_URL: endpoint }),
});
