/**
 * Integration test of the MySQL source against a real MariaDB/MySQL server: `SOURCE_URL` when it
 * is a mysql:// URL on this machine, else the local stack's `MARIADB_DEFAULT_URL`. Under
 * `CI=true` a missing server fails the test; elsewhere it is skipped with the command to start it.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  createGenerator,
  DEFAULT_ROWS,
  DEFAULT_SEED,
  SourceAccessError,
  SourceOffsetError,
} from "./mod.ts";
import {
  openMysqlSource,
  removeAbandonedSeeds,
  seedMysql,
} from "./mysql_source.ts";
import { parseMysqlUrl, redactMysqlUrl } from "./mysql_url.ts";
import { mysqlTestServer } from "./mysql_test_server.ts";

const mariadb = await mysqlTestServer("mysql_source_test");
const URL_ = mariadb.url;

Deno.test({
  name:
    "mysql source: seedMysql loads the generated tables and readPost returns them exactly",
  ignore: mariadb.ignore,
  sanitizeResources: false,
  async fn() {
    mariadb.guard();
    const progress: number[] = [];
    // The default rows and seed: the same tables `deno task services up` loads, so other users
    // of the local stack see unchanged data.
    const summary = await seedMysql(URL_, {
      rows: DEFAULT_ROWS,
      seed: DEFAULT_SEED,
      progressEvery: 2_500,
      onProgress: (p) => progress.push(p.rows),
    });
    assert.deepEqual(progress, [2_500, 5_000, 7_500, 10_000, 11_000]);
    assert.equal(summary.rows, 11_000);
    const { user, host, port, database } = parseMysqlUrl(URL_);
    assert.equal(
      summary.location,
      `mysql://${user}@${host}:${port}/${database}`,
    );
    const source = await openMysqlSource(URL_);
    try {
      assert.equal(await source.rowCount(), 11_000);
      const gen = createGenerator({ rows: DEFAULT_ROWS, seed: DEFAULT_SEED });
      for (const offset of [0, 1, 2_718, 5_000, 10_998, 10_999]) {
        assert.deepEqual(await source.readPost(offset), gen.post(offset));
      }
      const many = await Promise.all(
        [3, 33, 333, 3_333].map((o) => source.readPost(o)),
      );
      assert.deepEqual(many, [3, 33, 333, 3_333].map((o) => gen.post(o)));
      for (const bad of [-1, 11_000, 0.5]) {
        await assert.rejects(source.readPost(bad), SourceOffsetError);
      }
    } finally {
      await source.close();
    }
  },
});

Deno.test({
  name:
    "mysql source: a wrong password is a SourceAccessError that does not print the password",
  ignore: mariadb.ignore,
  sanitizeResources: false,
  async fn() {
    mariadb.guard();
    const u = new URL(URL_);
    u.password = "definitely-Wrong-pw";
    await assert.rejects(openMysqlSource(u.toString()), (err) => {
      assert.ok(err instanceof SourceAccessError);
      assert.equal(err.code, "SOURCE_ACCESS_ERROR");
      assert.match(err.message, /Access denied/);
      assert.ok(!err.message.includes("definitely-Wrong-pw"));
      assert.equal(err.context.location, redactMysqlUrl(u.toString()));
      return true;
    });
  },
});

const MODULE = fileURLToPath(new URL("./mysql_source.ts", import.meta.url));

/**
 * Seeds `url` in a child process and kills it (SIGKILL) once it has loaded 500 rows into its
 * staging tables; then waits a second, for the server to roll those rows back and end the
 * child's session (and so its lock).
 */
async function killedSeed(url: string): Promise<void> {
  const code = `
    import { seedMysql } from ${JSON.stringify(MODULE)};
    await seedMysql(${JSON.stringify(url)}, {
      rows: 100_000,
      progressEvery: 500,
      onProgress: () => console.log("loading"),
    });
  `;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  child.kill("SIGKILL");
  await reader.cancel();
  await child.status;
  assert.match(value ?? "", /^loading/);
  await new Promise((r) => setTimeout(r, 1000));
}

Deno.test({
  name:
    "mysql source: a killed seed's staging tables are removed by the next seed; a running seed's are not",
  ignore: mariadb.ignore,
  sanitizeResources: false,
  async fn() {
    mariadb.guard();
    await removeAbandonedSeeds(URL_); // what earlier runs may have left
    const live = async () => {
      const source = await openMysqlSource(URL_);
      try {
        const rows = await source.rowCount();
        return { rows, last: await source.readPost(rows - 1) };
      } finally {
        await source.close();
      }
    };
    const before = await live();
    await killedSeed(URL_);
    // Readers still see the tables as they were, whole: the killed seed wrote only its own.
    assert.deepEqual(await live(), before);
    const removed = await removeAbandonedSeeds(URL_);
    assert.equal(removed.length, 3, removed.join(", "));
    const tag = removed[0].slice(-8);
    assert.deepEqual(removed.toSorted(), [
      `geolocation_data__seed_${tag}`,
      `pinterest_data__seed_${tag}`,
      `user_data__seed_${tag}`,
    ]);
    // seedMysql removes them itself.
    await killedSeed(URL_);
    await seedMysql(URL_, { rows: DEFAULT_ROWS, seed: DEFAULT_SEED });
    assert.deepEqual(await removeAbandonedSeeds(URL_), []);
    // A seed that is running keeps its tables and ends well: asked while it loads them.
    let asked: Promise<string[]> | undefined;
    await seedMysql(URL_, {
      rows: DEFAULT_ROWS,
      seed: DEFAULT_SEED,
      progressEvery: 1_000,
      onProgress: () => void (asked ??= removeAbandonedSeeds(URL_)),
    });
    assert.deepEqual(await asked, []);
    const source = await openMysqlSource(URL_);
    try {
      assert.equal(await source.rowCount(), DEFAULT_ROWS);
    } finally {
      await source.close();
    }
  },
});

Deno.test("mysql source: a closed port is a SourceAccessError naming `deno task services up`", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const url = `mysql://pinterest:s3cret@127.0.0.1:${port}/pinterest`;
  await assert.rejects(openMysqlSource(url), (err) => {
    assert.ok(err instanceof SourceAccessError);
    assert.match(err.message, /ECONNREFUSED.*deno task services up/);
    assert.ok(!err.message.includes("s3cret"));
    return true;
  });
});
