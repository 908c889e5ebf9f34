/**
 * Opening every backend of a profile at once: the embedded runtime's log file and lake
 * folder, and the source each profile needs.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { SourceNotFoundError } from "../source/mod.ts";
import { openRuntime, openSource } from "./runtime.ts";
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
