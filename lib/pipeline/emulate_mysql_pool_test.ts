/**
 * The emulate job on a MySQL source opens as many connections as its posts in flight read at
 * once (3 each: the pin, geolocation and user rows), up to 32: a pool of 4 capped the posts
 * read at once at about 1 whatever `concurrency` said, against a remote RDS the reads' round
 * trips. On a MariaDB of the test's own, whose three tables root locks so that every read
 * waits on a connection of its own and can be counted.
 */
import assert from "node:assert/strict";
import { loadConfig } from "../config/mod.ts";
import { seedMysql } from "../source/mysql_source.ts";
import {
  ownMariadbMissing,
  withOwnMariadb,
} from "../source/mysql_own_server.ts";
import { runEmulateJob } from "./emulate.ts";

const ignore = await ownMariadbMissing("emulate_mysql_pool_test");

Deno.test({
  name:
    "emulate job on MySQL: concurrency 4 reads on 12 connections at once, concurrency 20 on 32 (the cap)",
  ignore,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withOwnMariadb(async ({ url, asRoot }) => {
      await seedMysql(url, { rows: 50 });
      /** The reads of the course tables the server is running (waiting for the locks). */
      const waiting = async () =>
        Number(
          await asRoot(
            "SELECT COUNT(*) FROM information_schema.processlist " +
              "WHERE info LIKE 'SELECT * FROM `%` LIMIT %'",
          ),
        );
      for (const [concurrency, expected] of [[4, 12], [20, 32]]) {
        const dataDir = await Deno.makeTempDir({ prefix: "emulate_pool_" });
        try {
          const config = loadConfig({ dataDir, source: url }, { env: {} });
          const executed = async () =>
            Number(
              (await asRoot("SHOW GLOBAL STATUS LIKE 'Com_stmt_execute'"))
                .split("\t")[1],
            );
          const before = await executed();
          const job = runEmulateJob(config, {
            duration: 6_000,
            concurrency,
            mode: "batch",
          });
          // Once the job reads rows, the tables are locked: the reads then in flight wait.
          for (let i = 0; (await executed()) === before; i++) {
            assert.ok(i < 1000, "the job read no row");
            await new Promise((r) => setTimeout(r, 10));
          }
          const locker = asRoot(
            "LOCK TABLES pinterest_data WRITE, geolocation_data WRITE, user_data WRITE; " +
              "SELECT SLEEP(3); UNLOCK TABLES;",
          );
          let most = 0;
          for (let i = 0; i < 20; i++) {
            most = Math.max(most, await waiting());
            await new Promise((r) => setTimeout(r, 100));
          }
          await locker;
          const result = await job;
          assert.equal(most, expected, `concurrency ${concurrency}: ${most}`);
          assert.equal(result.emulation.recordsFailed, 0);
        } finally {
          await Deno.remove(dataDir, { recursive: true });
        }
      }
    });
  },
});
