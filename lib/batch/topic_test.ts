import assert from "node:assert/strict";
import { openDirStore } from "../lake/mod.ts";
import type { LogContext, Logger } from "../logger.ts";
import { createSink } from "../sink/mod.ts";
import { sinkFixture } from "../sink/test_util.ts";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { storeWith } from "../lake/test_store.ts";
import { LakeObjectError, LakeObjectGoneError } from "./errors.ts";
import { cleanTopic } from "./topic.ts";
import { makeTestDir, type TestDir } from "../test_temp_dir.ts";

/** A logger that keeps its info lines. */
function recorder(): Logger & { lines: [string, LogContext | undefined][] } {
  const lines: [string, LogContext | undefined][] = [];
  return {
    lines,
    info: (message, context) => lines.push([message, context]),
    warn: () => {},
    error: () => {},
  };
}

/** A lake in `dir` with three user objects of `perObject` records each. */
async function userLake(dir: TestDir, perObject: number) {
  const store = openDirStore(dir.path);
  for (let o = 0; o < 3; o++) {
    const start = o * perObject;
    const lines = Array.from({ length: perObject }, (_, i) =>
      JSON.stringify({
        ind: start + i,
        first_name: "A",
        last_name: "B",
        age: 30,
        date_joined: "2016-01-01 00:00:00",
      }));
    await store.put(
      `topics/pinterest.user/partition=0/pinterest.user+0+${
        String(start).padStart(10, "0")
      }.json`,
      lines.join("\n") + "\n",
    );
  }
  return store;
}

Deno.test("cleanTopic: a long table logs its progress between groups, never after the last", async () => {
  await using dir = await makeTestDir();
  const store = await userLake(dir, 4);
  const logger = recorder();
  // One object per group (1-byte groups), and a progress line whenever one is due.
  const { summary } = await cleanTopic(store, "user", {
    logger,
    chunkBytes: 1,
    progressIntervalMs: 0,
  });
  assert.equal(summary.records, 12);
  assert.equal(summary.rows, 12);
  assert.deepEqual(
    logger.lines
      .filter(([, c]) => c?.groups !== undefined)
      .map(([m, c]) => [m, { ...c, seconds: 0 }]),
    [
      ["batch user: cleaning", { groups: "1/3", records: 4, seconds: 0 }],
      ["batch user: cleaning", { groups: "2/3", records: 8, seconds: 0 }],
    ],
  );
});

Deno.test("cleanTopic: small objects are read into memory, with progress per object; large ones are scanned in place", async () => {
  // 4 users per object (~360 bytes): read, each read counted in the progress lines.
  await using smallDir = await makeTestDir();
  await using largeDir = await makeTestDir();
  const small = recorder();
  await cleanTopic(await userLake(smallDir, 4), "user", {
    logger: small,
    progressIntervalMs: 0,
  });
  assert.deepEqual(
    small.lines.map(([, c]) => c?.objectsRead).filter((r) => r !== undefined),
    ["1/3", "2/3", "3/3"],
  );
  // 3,000 users per object (~270 KiB, over the 256 KiB average): scanned by polars in place.
  const large = recorder();
  const { clean } = await cleanTopic(await userLake(largeDir, 3_000), "user", {
    logger: large,
    progressIntervalMs: 0,
  });
  assert.equal(clean.height, 9_000);
  assert.deepEqual(clean.getColumn("ind").toArray().slice(2_998, 3_002), [
    2_998,
    2_999,
    3_000,
    3_001,
  ]);
  // No object read into memory: the only line is the listing's total.
  assert.deepEqual(large.lines.map(([m, c]) => [m, { ...c, seconds: 0 }]), [
    ["batch user: listing", { objectsListed: 3, seconds: 0 }],
  ]);
});

Deno.test("cleanTopic: a long listing logs how many objects are listed so far (each 1,000)", async () => {
  await using dir = await makeTestDir();
  // 2,100 one-record objects, as the course's connector (flush.size=1) writes them; written
  // directly, since a put fsyncs twice per object.
  const folder = join(dir.path, "topics", "pinterest.user", "partition=0");
  await Deno.mkdir(folder, { recursive: true });
  for (let i = 0; i < 2_100; i++) {
    await Deno.writeTextFile(
      join(folder, `pinterest.user+0+${String(i).padStart(10, "0")}.json`),
      JSON.stringify({
        ind: i,
        first_name: "A",
        last_name: "B",
        age: 30,
        date_joined: "2016-01-01 00:00:00",
      }) + "\n",
    );
  }
  const logger = recorder();
  const { summary } = await cleanTopic(openDirStore(dir.path), "user", {
    logger,
    progressIntervalMs: 0,
  });
  assert.equal(summary.rows, 2_100);
  assert.deepEqual(
    logger.lines
      .filter(([, c]) => c?.objectsListed !== undefined)
      .map(([m, c]) => [m, { ...c, seconds: 0 }]),
    [1_000, 2_000, 2_100].map((n) => [
      "batch user: listing",
      { objectsListed: n, seconds: 0 },
    ]),
  );
  // Listed before any object is read.
  assert.equal(logger.lines[2][1]?.objectsListed, 2_100);
  assert.equal(logger.lines[3][1]?.objectsRead, "1/2100");
});

Deno.test("cleanTopic: no progress line before the interval has passed", async () => {
  await using dir = await makeTestDir();
  const store = await userLake(dir, 2);
  const logger = recorder();
  await cleanTopic(store, "user", {
    logger,
    chunkBytes: 1,
    progressIntervalMs: 60_000,
  });
  assert.deepEqual(logger.lines, []);
});

Deno.test("cleanTopic: a record nested too deep for polars, produced past the gateway, is quarantined, not a crash", async () => {
  const fx = await sinkFixture({ "pinterest.geo": 1 });
  try {
    const geo = (ind: number) =>
      JSON.stringify({
        ind,
        timestamp: "2020-01-02 03:04:05",
        latitude: 1.5,
        longitude: 2,
        country: "Chad",
      });
    // 20,000 levels: read by polars as they are, a segmentation fault of the whole process.
    const deep = `{"ind":${"[".repeat(20_000)}${"]".repeat(20_000)}}`;
    await fx.append("pinterest.geo", [geo(1), deep, geo(3)]);
    const sink = createSink({
      log: fx.log.topics,
      store: fx.store,
      topics: ["pinterest.geo"],
    });
    await sink.drain({ idleMs: 100 });
    const { clean, quarantine, summary } = await cleanTopic(fx.store, "geo");
    assert.deepEqual(clean.getColumn("ind").toArray(), [1, 3]);
    assert.deepEqual(quarantine, [{
      table: "geo",
      reason: "malformed JSON: nested deeper than 1000 levels",
      raw: JSON.stringify(deep),
    }]);
    assert.equal(summary.records, 3);
  } finally {
    await fx.cleanup();
  }
});

Deno.test("cleanTopic: gzip objects (.json.gz) are decompressed and read in offset order with plain ones", async () => {
  await using dir = await makeTestDir();
  const store = openDirStore(dir.path);
  const key = (offset: number, ext: string) =>
    `topics/pinterest.user/partition=0/pinterest.user+0+${
      String(offset).padStart(10, "0")
    }${ext}`;
  const users = (from: number, n: number) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        ind: from + i,
        first_name: "Zip",
        last_name: `N${from + i}`,
        age: 40,
        date_joined: "2017-05-06 07:08:09",
      }) + "\n").join("");
  const gzip = (text: string) => new Uint8Array(gzipSync(text));
  await store.put(key(0, ".json.gz"), gzip(users(0, 3)));
  await store.put(key(3, ".json"), users(3, 2));
  await store.put(key(5, ".json.gz"), gzip(users(5, 1)));
  const { clean, summary } = await cleanTopic(store, "user");
  assert.deepEqual(clean.getColumn("ind").toArray(), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(clean.getColumn("user_name").toArray().slice(0, 2), [
    "Zip N0",
    "Zip N1",
  ]);
  assert.equal(summary.objects, 3);
  assert.equal(summary.records, 6);

  // An object named .json.gz that is not gzip stops the batch, naming it.
  await store.put(key(6, ".json.gz"), users(6, 1));
  await assert.rejects(cleanTopic(store, "user"), (e: unknown) => {
    assert.ok(e instanceof LakeObjectError);
    assert.equal(e.context.key, key(6, ".json.gz"));
    assert.match(
      e.message,
      /^Lake object topics\/pinterest\.user\/partition=0\/pinterest\.user\+0\+0000000006\.json\.gz in .+ is named \.json\.gz but is not gzip data \(.+\)\. The batch stops rather than leave its records out/,
    );
    return true;
  });
});

Deno.test("cleanTopic: an object removed after it was listed is a LakeObjectGoneError naming it, read into memory or scanned in place", async () => {
  for (const perObject of [4, 3_000]) {
    await using dir = await makeTestDir();
    const lake = await userLake(dir, perObject);
    const gone = `topics/pinterest.user/partition=0/pinterest.user+0+${
      String(perObject).padStart(10, "0")
    }.json`;
    const store = storeWith(lake, {
      list: async (prefix) => {
        const listed = await lake.list(prefix);
        await lake.delete(gone);
        return listed;
      },
    });
    await assert.rejects(cleanTopic(store, "user"), (e: unknown) => {
      assert.ok(e instanceof LakeObjectGoneError, `${perObject}: ${e}`);
      assert.equal(e.code, "LAKE_OBJECT_GONE");
      assert.deepEqual(e.context, { location: dir.path, key: gone });
      assert.equal(
        e.message,
        `Lake object ${gone} in ${dir.path} was listed but is gone before the batch could read it (removed while the batch ran). Nothing was written: run \`deno task batch\` again.`,
      );
      return true;
    });
  }
});

Deno.test("cleanTopic: the memory of each group is released once it is cleaned", async () => {
  await using dir = await makeTestDir();
  const store = await userLake(dir, 1);
  let released = 0;
  // One object per group (1-byte groups): three groups.
  const { summary } = await cleanTopic(store, "user", {
    chunkBytes: 1,
    releaseMemory: () => void released++,
  });
  assert.deepEqual([summary.records, summary.rows, released], [3, 3, 3]);
});
