/**
 * The emulate job posting to another API (`api`): records the job's own backends never see
 * are counted unseen, and with `postOnly` none of the profile's backends is opened.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig, openRuntime } from "../config/mod.ts";
import { ensureTopology, serveGateway } from "../gateway/mod.ts";
import { runEmulateJob } from "./emulate.ts";
import { makeTestDir } from "../test_temp_dir.ts";

/** A gateway on its own embedded data dir; `check` gets its URL and the offsets of `topic`. */
async function withOtherGateway(
  check: (gateway: {
    url: string;
    offsets: (topic: string) => Promise<number[]>;
  }) => Promise<void>,
): Promise<void> {
  await using otherDir = await makeTestDir();
  const other = await openRuntime(
    loadConfig({ dataDir: otherDir.path }, { env: {} }),
  );
  try {
    await ensureTopology(other.topics, other.streams, { prefix: "pinterest" });
    const server = await serveGateway({
      topics: other.topics,
      streams: other.streams,
      port: 0,
    });
    try {
      await check({
        url: server.url,
        offsets: async (topic) => {
          const consumer = await other.topics.consumer("check", [topic]);
          const records = await consumer.poll({ timeoutMs: 100 });
          await consumer.close();
          return records.map((r) => r.offset);
        },
      });
    } finally {
      await server.shutdown();
    }
  } finally {
    await other.close();
  }
}

Deno.test("emulate job: an --api gateway on another data dir: its records are counted unseen, in the log they went to", async () => {
  await using tmp = await makeTestDir();
  await withOtherGateway(async (gateway) => {
    // An API behind basic auth: its password must not reach the log.
    const api = gateway.url.replace("http://", "http://user:secret@");
    const warned: unknown[] = [];
    const result = await runEmulateJob(
      loadConfig({ dataDir: tmp.path }, { env: {} }),
      {
        count: 4,
        randomSeed: 3,
        api,
        logger: {
          info: () => {},
          warn: (message, context) => warned.push([message, context]),
          error: () => {},
        },
      },
    );
    assert.deepEqual(warned.filter((w) => String(w).includes("API")), [[
      "records the API accepted were not found by this job's sink or stream catch-up (see the summary)",
      {
        api: `${gateway.url.replace("http://", "http://user@")}/`,
        topics: 12,
        streams: 12,
      },
    ]]);
    assert.equal(result.emulation.recordsAccepted, 24);
    assert.equal(result.sink?.recordsWritten, 0);
    assert.equal(result.processing!.stream?.records, 0);
    assert.deepEqual(result.unseen, { topics: 12, streams: 12 });
    // The records are in the gateway's own log, not lost.
    assert.deepEqual(await gateway.offsets("pinterest.pin"), [0, 1, 2, 3]);
  });
});

Deno.test("emulate job: postOnly with an api opens none of the profile's backends, only the source", async () => {
  await using tmp = await makeTestDir();
  await withOtherGateway(async (gateway) => {
    // The local profile's servers answer nowhere: opening any of them would fail.
    const nowhere = "127.0.0.1:1";
    const config = loadConfig({
      profile: "local",
      dataDir: tmp.path,
      source: join(tmp.path, "source.db"),
    }, {
      env: {
        KAFKA_BROKERS: nowhere,
        KINESIS_ENDPOINT: `http://${nowhere}`,
        S3_ENDPOINT: `http://${nowhere}`,
      },
    });
    const result = await runEmulateJob(config, {
      count: 4,
      randomSeed: 3,
      api: gateway.url,
      postOnly: true,
    });
    assert.equal(result.emulation.recordsAccepted, 24);
    assert.deepEqual(result.unseen, { topics: 0, streams: 0 });
    assert.deepEqual(result.locations, {
      source: join(tmp.path, "source.db"),
      api: gateway.url,
      inProcess: false,
    });
    assert.equal(result.sink, undefined);
    assert.deepEqual(await gateway.offsets("pinterest.geo"), [0, 1, 2, 3]);
  });
});
