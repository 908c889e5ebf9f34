/**
 * The MySQL source's connection pool: reads in flight at once are bounded by its size (4 by
 * default, `connections` to change it), which caps the read throughput against a remote RDS
 * whatever the emulator's concurrency. On a MariaDB of the test's own
 * (`mysql_own_server.ts`), where root may lock a table so that reads wait, each on its own
 * connection, and can be counted.
 */
import assert from "node:assert/strict";
import { openMysqlSource, seedMysql } from "./mysql_source.ts";
import { ownMariadbMissing, withOwnMariadb } from "./mysql_own_server.ts";

const ignore = await ownMariadbMissing("mysql_pool_test");

Deno.test({
  name:
    "mysql pool: 8 posts read at once wait on 4 connections by default, on 8 with connections: 12; all are read once the lock goes",
  ignore,
  sanitizeResources: false,
  async fn() {
    await withOwnMariadb(async ({ url, asRoot }) => {
      await seedMysql(url, { rows: 20 });
      /** The reads of pinterest_data the server is running (waiting for the lock). */
      const waiting = async () =>
        Number(
          await asRoot(
            "SELECT COUNT(*) FROM information_schema.processlist " +
              "WHERE info LIKE 'SELECT * FROM `pinterest_data`%'",
          ),
        );
      for (const [connections, expected] of [[undefined, 4], [12, 8]]) {
        const source = await openMysqlSource(url, { connections });
        try {
          const before = await Promise.all(
            Array.from({ length: 8 }, (_, i) => source.readPost(i)),
          );
          const locker = asRoot(
            "LOCK TABLES pinterest_data WRITE; SELECT SLEEP(3); UNLOCK TABLES;",
          );
          for (let i = 0;; i++) {
            const sleeping = await asRoot(
              "SELECT COUNT(*) FROM information_schema.processlist WHERE info = 'SELECT SLEEP(3)'",
            );
            if (sleeping.trim() === "1") break;
            assert.ok(i < 200, "the locking session did not start");
            await new Promise((r) => setTimeout(r, 10));
          }
          const reads = Promise.allSettled(
            Array.from({ length: 8 }, (_, i) => source.readPost(i)),
          );
          let most = 0;
          for (let i = 0; i < 15; i++) {
            most = Math.max(most, await waiting());
            await new Promise((r) => setTimeout(r, 100));
          }
          await locker;
          assert.equal(most, expected, `connections: ${connections}`);
          assert.deepEqual(
            await reads,
            before.map((value) => ({ status: "fulfilled", value })),
          );
        } finally {
          await source.close();
        }
      }
    });
  },
});
