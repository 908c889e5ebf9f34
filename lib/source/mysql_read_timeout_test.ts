/**
 * A read of the MySQL source that the server does not answer (a table locked by another
 * session, as an `ALTER TABLE` or `LOCK TABLES` holds it; a connection black-holed by a
 * failover) fails after the read timeout as a retryable error, instead of waiting as long as
 * the lock (a year by default) or TCP: the emulator then retries it, counts it, and stops on
 * Ctrl-C. On a MariaDB of the test's own (`mysql_own_server.ts`), where root may lock tables.
 */
import assert from "node:assert/strict";
import { SourceAccessError } from "./errors.ts";
import { openMysqlSource, seedMysql } from "./mysql_source.ts";
import { ownMariadbMissing, withOwnMariadb } from "./mysql_own_server.ts";

const ignore = await ownMariadbMissing("mysql_read_timeout_test");

Deno.test({
  name:
    "mysql read timeout: a read blocked by a lock fails after readTimeoutMs, retryable, as do counting the rows and opening the source; the pool reads again once the lock is gone",
  ignore,
  sanitizeResources: false,
  async fn() {
    await withOwnMariadb(async ({ url, asRoot }) => {
      await seedMysql(url, { rows: 20 });
      const source = await openMysqlSource(url, { readTimeoutMs: 300 });
      try {
        const before = await source.readPost(7);
        // A session holding the lock for 4 s, then releasing it as it ends.
        const locker = asRoot(
          "LOCK TABLES pinterest_data WRITE; SELECT SLEEP(4); UNLOCK TABLES;",
        );
        for (let i = 0;; i++) {
          const sleeping = await asRoot(
            "SELECT COUNT(*) FROM information_schema.processlist WHERE info = 'SELECT SLEEP(4)'",
          );
          if (sleeping.trim() === "1") break;
          assert.ok(i < 200, "the locking session did not start");
          await new Promise((r) => setTimeout(r, 10));
        }
        // More blocked reads than the pool has connections: each fails on its own.
        const started = performance.now();
        const results = await Promise.allSettled(
          [1, 2, 3, 4, 5, 6].map((o) => source.readPost(o)),
        );
        const elapsed = performance.now() - started;
        for (const r of results) {
          assert.equal(r.status, "rejected");
          const err = (r as PromiseRejectedResult).reason;
          assert.ok(err instanceof SourceAccessError, String(err));
          assert.equal(err.retryable, true);
          assert.match(
            err.message,
            /: reading row \d failed: no answer within 0\.3 s \(a table locked by another session, a failover\?\)$/,
          );
        }
        assert.ok(elapsed < 2_000, `the reads took ${elapsed} ms`);
        // Counting the rows, as the emulator does first, and opening the source, likewise.
        const counting =
          /: counting rows failed: no answer within 0\.3 s \(a table locked by another session, a failover\?\)$/;
        const counted = performance.now();
        for (
          const attempt of [
            () => source.rowCount(),
            () => openMysqlSource(url, { readTimeoutMs: 300 }),
          ]
        ) {
          await assert.rejects(attempt(), (err) => {
            assert.ok(err instanceof SourceAccessError, String(err));
            assert.equal(err.retryable, true);
            assert.match(err.message, counting);
            return true;
          });
        }
        const countElapsed = performance.now() - counted;
        assert.ok(countElapsed < 1_500, `the counts took ${countElapsed} ms`);
        await locker;
        assert.deepEqual(await source.readPost(7), before);
      } finally {
        await source.close();
      }
    });
  },
});
