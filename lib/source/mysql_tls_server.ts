/**
 * A MariaDB of a test's own that speaks TLS, with a certificate made by `openssl` in the
 * test's temp dir (a CA of its own, a server certificate for 127.0.0.1, and a second CA that
 * signed nothing), for the tests of the source URL's TLS options (`?ssl-ca=`...). Skipped as
 * `mysql_own_server.ts` is (`ownMariadbMissing`).
 *
 * @module
 */
import {
  BOOTSTRAP_SQL,
  initDataDir,
  mariadbdArgs,
  requireMariadbProgram,
  runProgram,
} from "../services/mariadb_setup.ts";
import { freePort } from "../services/process.ts";

/**
 * A server started by {@linkcode withTlsMariadb}.
 *
 * @example
 * ```ts
 * import { type TlsMariadb, withTlsMariadb } from "./mysql_tls_server.ts";
 * await withTlsMariadb(async (server: TlsMariadb) => {
 *   console.log(server.url, server.caFile); // mysql://pinterest:pinterest@127.0.0.1:{port}/pinterest ...
 * });
 * ```
 */
export interface TlsMariadb {
  /** The `pinterest` user's URL, without TLS options. */
  url: string;
  /** The PEM file of the CA that signed the server's certificate. */
  caFile: string;
  /** The PEM file of a CA that did not sign it. */
  otherCaFile: string;
  /** Runs `statements` as root over the server's socket; returns what they print. */
  asRoot(statements: string): Promise<string>;
}

async function openssl(args: string[]): Promise<void> {
  await runProgram("openssl", args, { timeoutMs: 60_000 });
}

/** A CA, a server certificate for 127.0.0.1 that it signs, and another CA, in `dir`. */
async function makeCertificates(dir: string): Promise<void> {
  for (const name of ["ca", "other_ca"]) {
    await openssl([
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"],
      ...["-keyout", `${dir}/${name}.key`, "-out", `${dir}/${name}.pem`],
      ...["-subj", `/CN=pinterest-pipeline test ${name}`],
    ]);
  }
  await openssl([
    ...["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1"],
    ...["-keyout", `${dir}/server.key`, "-out", `${dir}/server.csr`],
  ]);
  await Deno.writeTextFile(
    `${dir}/server.ext`,
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
  );
  await openssl([
    ...["x509", "-req", "-in", `${dir}/server.csr`, "-days", "2"],
    ...["-CA", `${dir}/ca.pem`, "-CAkey", `${dir}/ca.key`, "-CAcreateserial"],
    ...["-extfile", `${dir}/server.ext`, "-out", `${dir}/server.pem`],
  ]);
}

/**
 * Starts a MariaDB with TLS (not required: `SET GLOBAL require_secure_transport = ON` as
 * root requires it) and an empty `pinterest` database, on a free port of 127.0.0.1 (or
 * `MYSQL_TLS_TEST_PORT`), runs `fn`, stops it and removes its files.
 *
 * @throws {Error} when MariaDB or openssl is missing or the server does not start.
 * @example
 * ```ts
 * import { withTlsMariadb } from "./mysql_tls_server.ts";
 * await withTlsMariadb(async ({ url, caFile }) => console.log(`${url}?ssl-ca=${caFile}`));
 * ```
 */
export async function withTlsMariadb(
  fn: (server: TlsMariadb) => Promise<void>,
): Promise<void> {
  const [server, installDb, client] = await Promise.all(
    ["mariadbd", "mariadb-install-db", "mariadb"].map(requireMariadbProgram),
  );
  const dir = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "mysql_tls_server_" }),
  );
  const port = Number(Deno.env.get("MYSQL_TLS_TEST_PORT")) || freePort();
  const paths = {
    dataDir: `${dir}/data`,
    socket: `${dir}/mariadb.sock`,
    pidFile: `${dir}/mariadbd.pid`,
  };
  let child: Deno.ChildProcess | undefined;
  try {
    await makeCertificates(dir);
    await initDataDir(installDb, paths.dataDir);
    child = new Deno.Command(server, {
      args: [
        ...mariadbdArgs(paths, port),
        `--log-error=${dir}/mariadb.log`,
        `--ssl-ca=${dir}/ca.pem`,
        `--ssl-cert=${dir}/server.pem`,
        `--ssl-key=${dir}/server.key`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const asRoot = (statements: string) =>
      runProgram(client, [
        ...["--no-defaults", `--socket=${paths.socket}`, "--batch"],
        ...["--skip-column-names", "-uroot", "-e", statements],
      ], { timeoutMs: 20_000 });
    for (let waited = 0;; waited += 100) {
      const ready = await asRoot(BOOTSTRAP_SQL).then(() => true, () => false);
      if (ready) break;
      if (waited > 60_000) {
        const log = await Deno.readTextFile(`${dir}/mariadb.log`).catch(
          () => "",
        );
        throw new Error(`MariaDB with TLS did not start: ${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await fn({
      url: `mysql://pinterest:pinterest@127.0.0.1:${port}/pinterest`,
      caFile: `${dir}/ca.pem`,
      otherCaFile: `${dir}/other_ca.pem`,
      asRoot: (statements) => asRoot(`USE pinterest; ${statements}`),
    });
  } finally {
    if (child !== undefined) {
      child.kill("SIGTERM");
      await child.status;
    }
    await Deno.remove(dir, { recursive: true });
  }
}
