/**
 * The MySQL source over TLS (`?ssl-ca=`, `?ssl=verify`, `?ssl=rds`), against a MariaDB of the
 * test's own that requires it (`require_secure_transport`, as an RDS may), with a certificate
 * made by openssl (`mysql_tls_server.ts`).
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { SourceAccessError } from "./errors.ts";
import { openMysqlSource, seedMysql } from "./mysql_source.ts";
import { ownMariadbMissing } from "./mysql_own_server.ts";
import { withTlsMariadb } from "./mysql_tls_server.ts";

const ignore = await ownMariadbMissing("mysql_tls_test");

const SUGGEST_TLS =
  "; check the user and password in the URL, or, if the server requires TLS (an RDS with " +
  "require_secure_transport, a user created REQUIRE SSL), add ?ssl=rds (Amazon RDS), " +
  "?ssl=verify (a certificate of a public CA) or ?ssl-ca=/path/to/ca.pem to it";
const UNVERIFIED =
  "self-signed certificate in certificate chain; the server's TLS certificate is not " +
  "signed by a CA the URL trusts: ?ssl-ca= must name the CA certificate (PEM) that signed " +
  "it, ?ssl=rds trusts Amazon RDS's CAs only, ?ssl=verify the public ones";

Deno.test({
  name:
    "mysql tls: on a server requiring TLS, ?ssl-ca= seeds and reads; without TLS the login is refused saying TLS may be required; a CA that did not sign the certificate is a certificate error",
  ignore,
  sanitizeResources: false,
  async fn() {
    await withTlsMariadb(async ({ url, caFile, otherCaFile, asRoot }) => {
      await asRoot("SET GLOBAL require_secure_transport = ON;");
      const port = new URL(url).port;
      const shown = `mysql://pinterest@127.0.0.1:${port}/pinterest`;
      const tls = `${url}?ssl-ca=${caFile}`;
      await seedMysql(tls, { rows: 5 });
      const source = await openMysqlSource(tls);
      try {
        assert.equal(source.location, `${shown}?ssl-ca=${caFile}`);
        assert.equal(await source.rowCount(), 5);
        const index = await asRoot(
          "SELECT `index` FROM pinterest_data LIMIT 3, 1",
        );
        assert.equal((await source.readPost(3)).pin.index, Number(index));
      } finally {
        await source.close();
      }

      await assert.rejects(openMysqlSource(url), (err) => {
        assert.ok(err instanceof SourceAccessError);
        assert.equal(
          err.message,
          `Source ${shown}: opening the source failed: Access denied for user ` +
            `'pinterest'@'localhost' (using password: YES)${SUGGEST_TLS}`,
        );
        assert.equal(err.retryable, false);
        return true;
      });
      // With TLS, a refused login is about the user and password only.
      const wrongPassword =
        `mysql://pinterest:nope@127.0.0.1:${port}/pinterest?ssl-ca=${caFile}`;
      await assert.rejects(openMysqlSource(wrongPassword), (err) => {
        assert.ok(err instanceof SourceAccessError);
        assert.equal(
          err.message,
          `Source ${shown}?ssl-ca=${caFile}: opening the source failed: Access denied for ` +
            "user 'pinterest'@'localhost' (using password: YES); check the user and password in the URL",
        );
        return true;
      });

      for (const option of [`ssl-ca=${otherCaFile}`, "ssl=verify", "ssl=rds"]) {
        await assert.rejects(openMysqlSource(`${url}?${option}`), (err) => {
          assert.ok(err instanceof SourceAccessError, option);
          assert.equal(
            err.message,
            `Source ${shown}?${option}: opening the source failed: ${UNVERIFIED}`,
          );
          assert.equal(err.retryable, false);
          return true;
        });
      }
    });
  },
});

Deno.test("mysql tls: an ssl-ca file that is missing or holds no certificate is a ConfigError naming SOURCE_URL, before connecting", async () => {
  const dir = await Deno.makeTempDir({ prefix: "mysql_tls_test_" });
  try {
    await Deno.writeTextFile(`${dir}/empty.pem`, "");
    // Port 9 (discard): nothing would answer, so the error cannot come from a connection.
    const url = (file: string) =>
      `mysql://u:secret@127.0.0.1:9/db?ssl-ca=${file}`;
    const cases: [string, string][] = [
      [
        `${dir}/missing.pem`,
        `Invalid setting SOURCE_URL="mysql://u@127.0.0.1:9/db?ssl-ca=${dir}/missing.pem": ` +
        `ssl-ca names ${dir}/missing.pem, which does not exist; give the CA certificate (PEM) that signed the server's`,
      ],
      [
        dir,
        `Invalid setting SOURCE_URL="mysql://u@127.0.0.1:9/db?ssl-ca=${dir}": ` +
        `ssl-ca names ${dir}, which cannot be read (Is a directory (os error 21): readfile '${dir}'); give the CA certificate (PEM) that signed the server's`,
      ],
      [
        `${dir}/empty.pem`,
        `Invalid setting SOURCE_URL="mysql://u@127.0.0.1:9/db?ssl-ca=${dir}/empty.pem": ` +
        `ssl-ca names ${dir}/empty.pem, which holds no PEM certificate (-----BEGIN CERTIFICATE-----); give the CA certificate (PEM) that signed the server's`,
      ],
    ];
    for (const [file, message] of cases) {
      for (
        const attempt of [
          () => openMysqlSource(url(file)),
          () => seedMysql(url(file), { rows: 1 }),
        ]
      ) {
        await assert.rejects(attempt(), (err) => {
          assert.ok(err instanceof ConfigError, String(err));
          assert.equal(err.message, message);
          assert.equal(err.context.setting, "SOURCE_URL");
          return true;
        });
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
