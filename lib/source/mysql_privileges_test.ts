/**
 * The MySQL source with users of fewer privileges than the local stack's: a read-only user
 * (as a course's RDS reader may be) and one that may create but not drop tables. On a MariaDB
 * of the test's own (`mysql_own_server.ts`), where root may create users.
 */
import assert from "node:assert/strict";
import { SourceAccessError, SourceNotFoundError } from "./errors.ts";
import { createGenerator } from "./generator.ts";
import { openMysqlSource, seedMysql } from "./mysql_source.ts";
import { ownMariadbMissing, withOwnMariadb } from "./mysql_own_server.ts";

const ignore = await ownMariadbMissing("mysql_privileges_test");

Deno.test({
  name:
    "mysql privileges: a read-only user reads the source; seeding as it or as a user that may not drop says which privileges a seed needs",
  ignore,
  sanitizeResources: false,
  async fn() {
    await withOwnMariadb(async ({ url, asRoot }) => {
      await seedMysql(url, { rows: 20 });
      await asRoot(
        `CREATE USER reader@'127.0.0.1' IDENTIFIED BY 'r3ad';
         GRANT SELECT ON pinterest.* TO reader@'127.0.0.1';
         CREATE USER loader@'127.0.0.1' IDENTIFIED BY 'l0ad';
         GRANT SELECT, INSERT, CREATE ON pinterest.* TO loader@'127.0.0.1';`,
      );
      const port = new URL(url).port;
      const reader = `mysql://reader:r3ad@127.0.0.1:${port}/pinterest`;
      const source = await openMysqlSource(reader);
      try {
        assert.equal(await source.rowCount(), 20);
        assert.deepEqual(
          await source.readPost(19),
          createGenerator({ rows: 20 }).post(19),
        );
      } finally {
        await source.close();
      }
      const needs =
        /seeding failed: (CREATE|DROP, ALTER) command denied .*; a seed needs the SELECT, INSERT, CREATE, ALTER and DROP privileges on the database \(reading needs SELECT only\)$/;
      for (
        const user of [
          reader,
          `mysql://loader:l0ad@127.0.0.1:${port}/pinterest`,
        ]
      ) {
        await assert.rejects(seedMysql(user, { rows: 5 }), (err) => {
          assert.ok(err instanceof SourceAccessError);
          assert.match(err.message, needs);
          assert.equal(err.retryable, false);
          return true;
        });
      }
      const check = await openMysqlSource(url);
      try {
        assert.equal(await check.rowCount(), 20);
      } finally {
        await check.close();
      }
    });
  },
});

Deno.test({
  name:
    "mysql privileges: a user whose authentication plugin the driver lacks (MariaDB's ed25519) is refused with the plugin named and what to use instead",
  ignore,
  sanitizeResources: false,
  async fn() {
    await withOwnMariadb(async ({ url, asRoot }) => {
      await asRoot(
        `INSTALL SONAME 'auth_ed25519';
         CREATE USER ed@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('3d');
         CREATE USER ed@'localhost' IDENTIFIED VIA ed25519 USING PASSWORD('3d');`,
      );
      const port = new URL(url).port;
      const ed = `mysql://ed:3d@127.0.0.1:${port}/pinterest`;
      await assert.rejects(openMysqlSource(ed), (err) => {
        assert.ok(err instanceof SourceAccessError);
        assert.equal(
          err.message,
          `Source mysql://ed@127.0.0.1:${port}/pinterest: opening the source failed: ` +
            "Server requests authentication using unknown plugin client_ed25519; " +
            "the driver (mysql2) logs in with mysql_native_password, caching_sha2_password " +
            "or sha256_password only: give the user one of those (MySQL: ALTER USER ... " +
            "IDENTIFIED WITH caching_sha2_password BY '...'; MariaDB: ALTER USER ... " +
            "IDENTIFIED VIA mysql_native_password USING PASSWORD('...'))",
        );
        assert.equal(err.retryable, false);
        return true;
      });
    });
  },
});

Deno.test({
  name:
    "mysql privileges: a database that does not exist is a SourceNotFoundError saying to create it on the server before seeding, not to seed (a seed does not create it)",
  ignore,
  sanitizeResources: false,
  async fn() {
    await withOwnMariadb(async ({ url, asRoot }) => {
      await asRoot(
        `CREATE USER adm@'127.0.0.1' IDENTIFIED BY 'adm1n';
         CREATE USER adm@'localhost' IDENTIFIED BY 'adm1n';
         GRANT ALL ON *.* TO adm@'127.0.0.1';
         GRANT ALL ON *.* TO adm@'localhost';`,
      );
      const port = new URL(url).port;
      const missing = `mysql://adm:adm1n@127.0.0.1:${port}/shop`;
      const expected =
        `Source mysql://adm@127.0.0.1:${port}/shop: the database shop does not exist. ` +
        "Create it on the server (CREATE DATABASE `shop` CHARACTER SET utf8mb4, as a user " +
        "allowed to), then seed it with `deno task seed --source " +
        `mysql://adm@127.0.0.1:${port}/shop\`, the URL with its password if it has one.`;
      for (
        const attempt of [
          () => openMysqlSource(missing),
          () => seedMysql(missing, { rows: 5 }),
        ]
      ) {
        await assert.rejects(attempt(), (err) => {
          assert.ok(err instanceof SourceNotFoundError);
          assert.equal(err.message, expected);
          return true;
        });
      }
    });
  },
});
