/**
 * Starts a real MariaDB in a temp state dir on a free port, reads the seeded tables through the
 * MySQL source, and stops it. Skipped (with how to install) when `mariadbd` is missing, except
 * under `CI=true`, where a missing MariaDB fails.
 */
import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import { openMysqlSource } from "../source/mysql_source.ts";
import { createGenerator, SourceAccessError } from "../source/mod.ts";
import { mariadbService, mariadbUrl } from "./mariadb.ts";
import { findMariadbProgram, runProgram } from "./mariadb_setup.ts";
import { canConnect, freePort, isAlive } from "./process.ts";
import { readPidFile } from "./pid_file.ts";

const installed = (await findMariadbProgram("mariadbd")) !== undefined &&
  (await findMariadbProgram("mariadb-install-db")) !== undefined;
const IN_CI = Deno.env.get("CI") === "true";
const HOW = "mariadbd is not installed: `apt-get install -y mariadb-server`";
if (!installed && !IN_CI) console.warn(`mariadb_test skipped: ${HOW}`);

Deno.test({
  name:
    "mariadb: starts on 127.0.0.1 with its own datadir, seeds, reuses, and stops its PID",
  ignore: !installed && !IN_CI,
  async fn() {
    if (!installed) throw new Error(HOW);
    // A path with a space and brackets: mariadb-install-db does not quote it everywhere.
    const stateDir = await Deno.makeTempDir({ prefix: "mariadb test [x] " });
    const port = freePort();
    try {
      const handle = await mariadbService.start({
        stateDir,
        port,
        seedRows: 300,
        seed: 3,
      });
      assert.equal(handle.endpoint, mariadbUrl(port));
      assert.equal(
        handle.endpoint,
        `mysql://pinterest:pinterest@127.0.0.1:${port}/pinterest`,
      );
      assert.ok(await isAlive(handle.pid));
      const cmdline = await Deno.readTextFile(`/proc/${handle.pid}/cmdline`);
      assert.ok(cmdline.includes("--bind-address=127.0.0.1"));
      assert.ok(
        cmdline.includes(`${await Deno.realPath(stateDir)}/mariadb/data`),
      );
      assert.deepEqual(await mariadbService.status({ stateDir }), {
        running: true,
        endpoint: handle.endpoint,
        pid: handle.pid,
      });
      assert.equal((await readPidFile(stateDir, "mariadb"))?.pid, handle.pid);
      assert.deepEqual(mariadbService.env?.(handle.endpoint), {
        SOURCE_URL: handle.endpoint,
      });

      const again = await mariadbService.start({ stateDir, port });
      assert.equal(again.pid, handle.pid);

      const source = await openMysqlSource(handle.endpoint);
      try {
        assert.equal(await source.rowCount(), 300);
        const gen = createGenerator({ rows: 300, seed: 3 });
        for (const offset of [0, 150, 299]) {
          assert.deepEqual(await source.readPost(offset), gen.post(offset));
        }
      } finally {
        await source.close();
      }
      const u = new URL(handle.endpoint);
      u.password = "not-the-password";
      await assert.rejects(openMysqlSource(u.toString()), SourceAccessError);

      await mariadbService.stop({ stateDir });
      assert.equal(await isAlive(handle.pid), false);
      assert.equal(await canConnect("127.0.0.1", port), false);
      assert.deepEqual(await mariadbService.status({ stateDir }), {
        running: false,
      });
      assert.equal(await readPidFile(stateDir, "mariadb"), null);
      await mariadbService.stop({ stateDir });
    } finally {
      await mariadbService.stop({ stateDir });
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "mariadb: a port already in use is a BackendError and starts nothing",
  ignore: !installed && !IN_CI,
  async fn() {
    if (!installed) throw new Error(HOW);
    const stateDir = await Deno.makeTempDir({ prefix: "mariadb_test_" });
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    try {
      await assert.rejects(
        mariadbService.start({ stateDir, port, seedRows: 0 }),
        (err) => {
          assert.ok(err instanceof BackendError);
          assert.equal(
            err.message,
            `mariadb: port ${port} on 127.0.0.1 is taken by another process; stop it, or ` +
              "start mariadb on another port with `deno task services up --port mariadb=N`",
          );
          return true;
        },
      );
      assert.equal(await readPidFile(stateDir, "mariadb"), null);
    } finally {
      listener.close();
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "mariadb: start again after an interrupted one (no user, no tables yet) finishes the setup",
  ignore: !installed && !IN_CI,
  async fn() {
    if (!installed) throw new Error(HOW);
    const stateDir = await Deno.makeTempDir({ prefix: "mariadb_resume_" });
    const port = freePort();
    try {
      const handle = await mariadbService.start({
        stateDir,
        port,
        seedRows: 0,
      });
      // What an `up` stopped by Ctrl-C before its bootstrap (or during its seed) leaves.
      const client = (await findMariadbProgram("mariadb"))!;
      await runProgram(client, [
        "--no-defaults",
        `--socket=${stateDir}/mariadb/mariadb.sock`,
        "-uroot",
        "-e",
        "DROP DATABASE pinterest; DROP USER 'pinterest'@'127.0.0.1'; DROP USER 'pinterest'@'localhost'",
      ], { timeoutMs: 10_000 });
      const again = await mariadbService.start({
        stateDir,
        port,
        seedRows: 200,
        seed: 3,
      });
      assert.deepEqual(again, handle);
      // Before: the running server was returned as it was: access denied, no tables.
      const source = await openMysqlSource(handle.endpoint);
      try {
        assert.equal(await source.rowCount(), 200);
      } finally {
        await source.close();
      }
    } finally {
      await mariadbService.stop({ stateDir });
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});
