/**
 * Opening one backend of a profile: the embedded log's halves, the settings a backend refuses
 * to open without, and the Kafka client's warnings.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BackendError, ConfigError } from "../errors.ts";
import { openLake, openLogs, openStreamLog, openTopicLog } from "./backends.ts";
import { openRuntime } from "./runtime.ts";
import { loadConfig } from "./settings.ts";

Deno.test("embedded: topics or streams alone; closing the one opened closes the log file", async () => {
  const dataDir = await Deno.makeTempDir();
  const config = loadConfig({ dataDir }, { env: {} });
  const wal = join(dataDir, "log.db-wal");
  try {
    const logs = await openLogs(config);
    await logs.topics.createTopic("t.pin");
    await logs.streams.createStream("s-pin");
    await logs.close();
    await logs.close();
    const topics = await openTopicLog(config);
    assert.deepEqual(await topics.listTopics(), [{
      name: "t.pin",
      partitions: 1,
    }]);
    assert.equal((await Deno.stat(wal)).isFile, true);
    await topics.close();
    await assert.rejects(Deno.stat(wal), Deno.errors.NotFound);
    const streams = await openStreamLog(config);
    assert.deepEqual(await streams.listStreams(), ["s-pin"]);
    await streams.close();
    await assert.rejects(Deno.stat(wal), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("aws: a backend whose setting is unset refuses to open, naming it; the others do not need it", async () => {
  const aws = loadConfig({ profile: "aws" }, { env: {} });
  const named = (setting: string, message: string) => (e: unknown) =>
    e instanceof ConfigError && e.context.setting === setting &&
    e.message === `Invalid setting ${setting}="": ${message}`;
  const brokers = named(
    "KAFKA_BROKERS",
    "required for the aws profile: host:port[,host:port]",
  );
  await assert.rejects(() => openTopicLog(aws), brokers);
  await assert.rejects(() => openLogs(aws), brokers);
  await assert.rejects(() => openRuntime(aws), brokers);
  await assert.rejects(
    () => openLake(aws),
    named("S3_BUCKET", "required for the aws profile"),
  );
});

Deno.test("local: the Kafka client's warnings reach the logger given to the opener", async () => {
  const config = loadConfig({ profile: "local" }, {
    env: { KAFKA_BROKERS: "127.0.0.1:1" },
  });
  const warnings: string[] = [];
  const logger = {
    info: () => {},
    warn: (m: string) => warnings.push(m),
    error: () => {},
  };
  await assert.rejects(
    () => openTopicLog(config, { logger }),
    (e: unknown) =>
      e instanceof BackendError &&
      e.message ===
        "kafka: connect failed: no Kafka broker answered at 127.0.0.1:1; start the local one " +
          "with `deno task services up` or check KAFKA_BROKERS: Connection error: connect " +
          "ECONNREFUSED 127.0.0.1:1",
  );
  // kafkajs retried the connection a few times; each distinct line once.
  const refused = "Connection error: connect ECONNREFUSED 127.0.0.1:1";
  assert.deepEqual(warnings, [
    `kafkajs Connection: ${refused}`,
    `kafkajs BrokerPool: Failed to connect to seed broker, trying another broker from the list: ${refused}`,
  ]);
});
