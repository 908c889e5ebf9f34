import assert from "node:assert/strict";
import { join } from "node:path";
import { BackendError, ConfigError } from "../errors.ts";
import { SourceNotFoundError } from "../source/mod.ts";
import {
  dataPaths,
  ensureDataDir,
  openLake,
  openLogs,
  openRuntime,
  openSource,
  openStreamLog,
  openTopicLog,
} from "./runtime.ts";
import { loadConfig } from "./settings.ts";

Deno.test("embedded runtime: one log file for topics and streams, the lake in a folder", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const runtime = await openRuntime(loadConfig({ dataDir }, { env: {} }));
    await runtime.topics.createTopic("t.pin");
    await runtime.streams.createStream("s-pin");
    await runtime.lake.put("topics/t.pin/x.json", "{}\n");
    assert.deepEqual(await runtime.topics.listTopics(), [{
      name: "t.pin",
      partitions: 1,
    }]);
    assert.deepEqual(await runtime.streams.listStreams(), ["s-pin"]);
    assert.equal(runtime.lake.location, join(dataDir, "lake"));
    await runtime.close();
    await runtime.close();
    assert.equal((await Deno.stat(join(dataDir, "log.db"))).isFile, true);
    assert.equal(
      await Deno.readTextFile(join(dataDir, "lake", "topics/t.pin/x.json")),
      "{}\n",
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("dataPaths names every stage's files below the data dir", () => {
  assert.deepEqual(dataPaths("/d"), {
    source: "/d/source.db",
    log: "/d/log.db",
    lake: "/d/lake",
    warehouse: "/d/warehouse",
    stream: "/d/stream",
    report: "/d/report.html",
  });
});

Deno.test("openSource: the aws profile needs SOURCE_URL; a missing SQLite file is typed", async () => {
  const aws = loadConfig({ profile: "aws" }, {
    env: { KAFKA_BROKERS: "b:9092", S3_BUCKET: "lake-bucket" },
  });
  await assert.rejects(
    () => openSource(aws),
    (e) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting SOURCE_URL (--source)="": required for the aws profile: mysql://user:pass@host:3306/db',
  );
  const dataDir = await Deno.makeTempDir();
  try {
    const path = join(dataDir, "source.db");
    await assert.rejects(
      () => openSource(loadConfig({ dataDir }, { env: {} })),
      (e: unknown) =>
        e instanceof SourceNotFoundError &&
        e.message ===
          `Source ${path}: the file does not exist. Create it with \`deno task seed\` ` +
            `(or \`deno task seed --source ${path}\`).`,
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

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

Deno.test("a data root that cannot be a folder is a ConfigError naming DATA_DIR", async () => {
  const file = await Deno.makeTempFile();
  const config = loadConfig({ dataDir: file }, { env: {} });
  try {
    for (
      const open of [() => ensureDataDir(file), () => openTopicLog(config)]
    ) {
      await assert.rejects(open, (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.context.setting, "DATA_DIR (--data-dir)");
        assert.match(
          e.message,
          new RegExp(
            `^Invalid setting DATA_DIR \\(--data-dir\\)="${file}": cannot be used as a folder \\(`,
          ),
        );
        return true;
      });
    }
  } finally {
    await Deno.remove(file);
  }
});
