/**
 * The emulator reading from MariaDB (the course's RDS path): `runEmulation` over
 * `openMysqlSource`, posting to the project's gateway on 127.0.0.1 with an embedded log in a
 * temp dir. Every record that landed must equal, in the course's JSON, the generated row with
 * its index. Needs a server at `SOURCE_URL` (a local mysql:// URL) or `MARIADB_DEFAULT_URL`:
 * under `CI=true` a missing server fails; elsewhere the test is skipped with the command to run.
 */
import assert from "node:assert/strict";
import { runEmulation } from "../emulator/mod.ts";
import { ensureTopology, serveGateway } from "../gateway/mod.ts";
import { openEmbeddedLog, type TopicLog } from "../log/mod.ts";
import {
  createGenerator,
  DEFAULT_ROWS,
  DEFAULT_SEED,
  type Post,
  toCourseJson,
} from "./mod.ts";
import { openMysqlSource, seedMysql } from "./mysql_source.ts";
import { mysqlTestServer } from "./mysql_test_server.ts";
import { createRng } from "./prng.ts";

const mariadb = await mysqlTestServer("mysql_emulate_test");
const URL_ = mariadb.url;

async function drainTopic(topics: TopicLog, topic: string): Promise<unknown[]> {
  const consumer = await topics.consumer(`t-${crypto.randomUUID()}`, [topic]);
  const out: unknown[] = [];
  for (let i = 0; i < 50; i++) {
    const batch = await consumer.poll({ maxRecords: 1000, timeoutMs: 20 });
    if (batch.length === 0) break;
    out.push(
      ...batch.map((r) => JSON.parse(new TextDecoder().decode(r.value))),
    );
  }
  await consumer.close();
  return out;
}

Deno.test({
  name:
    "emulator reads MariaDB rows and posts them: every landed record is the generated row",
  ignore: mariadb.ignore,
  async fn() {
    mariadb.guard();
    const gen = createGenerator({ rows: DEFAULT_ROWS, seed: DEFAULT_SEED });
    let source = await openMysqlSource(URL_);
    const current = await source.rowCount() === DEFAULT_ROWS &&
      JSON.stringify(await source.readPost(0)) === JSON.stringify(gen.post(0));
    if (!current) {
      await source.close();
      await seedMysql(URL_, { rows: DEFAULT_ROWS, seed: DEFAULT_SEED });
      source = await openMysqlSource(URL_);
    }
    const byInd = new Map<number, Post>();
    for (let i = 0; i < gen.rows; i++) {
      const post = gen.post(i);
      byInd.set(post.pin.index, post);
    }
    const dir = await Deno.makeTempDir({ prefix: "mysql_emulate_" });
    const log = await openEmbeddedLog(`${dir}/log.db`);
    await ensureTopology(log.topics, log.streams, { prefix: "pinterest" });
    const server = await serveGateway({
      topics: log.topics,
      streams: log.streams,
    });
    try {
      const rng = createRng(2024);
      const summary = await runEmulation({
        source,
        api: server.url,
        mode: "both",
        count: 30,
        concurrency: 4,
        random: () => rng.next(),
      });
      assert.deepEqual(
        [summary.posts, summary.postsOk, summary.recordsFailed],
        [30, 30, 0],
      );
      const tables = [["pin", "index"], ["geo", "ind"], [
        "user",
        "ind",
      ]] as const;
      for (const [table, key] of tables) {
        const values = await drainTopic(log.topics, `pinterest.${table}`);
        const stream = `streaming-pinterest-${table}`;
        const [shard] = (await log.streams.describeStream(stream)).shards;
        const page = await log.streams.readShard(stream, shard.shardId, {
          limit: 1000,
        });
        values.push(
          ...page.records.map((r) =>
            JSON.parse(new TextDecoder().decode(r.data))
          ),
        );
        assert.equal(
          values.length,
          60,
          `${table}: 30 on the topic and 30 on the stream`,
        );
        for (const value of values as Record<string, number>[]) {
          const post = byInd.get(value[key]);
          assert.ok(post, `${table} ${key}=${value[key]} is a generated row`);
          assert.deepEqual(value, toCourseJson(post[table]));
        }
      }
    } finally {
      await server.shutdown();
      await log.close();
      await source.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
