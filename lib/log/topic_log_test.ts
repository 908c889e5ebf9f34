import assert from "node:assert/strict";
import { AlreadyExistsError, TopicNotFoundError } from "../errors.ts";
import { type EmbeddedLog, openEmbeddedLog } from "./embedded_log.ts";
import { InvalidArgumentError, InvalidPartitionError } from "./errors.ts";
import { partitionForKey } from "./partitioner.ts";
import type { TopicRecord } from "./types.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function withLog(fn: (log: EmbeddedLog) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "topic_log_test_" });
  const log = await openEmbeddedLog(`${dir}/log.db`, { fsync: false });
  try {
    await fn(log);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function readAll(
  log: EmbeddedLog,
  topic: string,
): Promise<TopicRecord[]> {
  const c = await log.topics.consumer(`reader-${crypto.randomUUID()}`, [topic]);
  const all: TopicRecord[] = [];
  for (let batch; (batch = await c.poll({ timeoutMs: 0 })).length > 0;) {
    all.push(...batch);
  }
  await c.close();
  return all.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

Deno.test("topics: create, list sorted, describe, duplicate -> AlreadyExistsError", async () => {
  await withLog(async (log) => {
    await log.topics.createTopic("b.geo", { partitions: 3 });
    await log.topics.createTopic("a.pin");
    assert.deepEqual(await log.topics.listTopics(), [
      { name: "a.pin", partitions: 1 },
      { name: "b.geo", partitions: 3 },
    ]);
    assert.deepEqual(await log.topics.describeTopic("b.geo"), {
      name: "b.geo",
      partitions: 3,
    });
    await assert.rejects(log.topics.createTopic("a.pin"), AlreadyExistsError);
    await assert.rejects(log.topics.describeTopic("nope"), TopicNotFoundError);
    await assert.rejects(
      log.topics.createTopic("bad name!"),
      InvalidArgumentError,
    );
    await assert.rejects(
      log.topics.createTopic("z", { partitions: 0 }),
      InvalidArgumentError,
    );
  });
});

Deno.test("topics: offsets are dense per partition; unkeyed round robin; explicit partition", async () => {
  await withLog(async (log) => {
    await log.topics.createTopic("t", { partitions: 3 });
    const v = (s: string) => ({ value: enc.encode(s) });
    assert.deepEqual(
      await log.topics.append("t", [v("a"), v("b"), v("c"), v("d")]),
      [
        { partition: 0, offset: 0 },
        { partition: 1, offset: 0 },
        { partition: 2, offset: 0 },
        { partition: 0, offset: 1 },
      ],
    );
    assert.deepEqual(
      await log.topics.append("t", [{ ...v("e"), partition: 2 }]),
      [
        { partition: 2, offset: 1 },
      ],
    );
    const all = await readAll(log, "t");
    assert.deepEqual(
      all.map((r) => [r.partition, r.offset, dec.decode(r.value), r.key]),
      [[0, 0, "a", null], [0, 1, "d", null], [1, 0, "b", null], [
        2,
        0,
        "c",
        null,
      ], [
        2,
        1,
        "e",
        null,
      ]],
    );
    assert.equal(all[0].topic, "t");
    assert.ok(Math.abs(all[0].timestamp - Date.now()) < 60_000);
  });
});

Deno.test("topics: keyed records go to murmur2(key) % partitions and keep their key", async () => {
  await withLog(async (log) => {
    await log.topics.createTopic("k", { partitions: 4 });
    const keys = ["21", "foobar", "abc", "user-1", "user-2", "user-3"];
    const res = await log.topics.append(
      "k",
      keys.map((key) => ({ key, value: enc.encode(key) })),
    );
    // Kafka's murmur2 test vectors: "21" -> -973932308, "foobar" -> -790332482, "abc" -> 479470107.
    assert.equal(res[0].partition, (-973932308 & 0x7fffffff) % 4);
    assert.equal(res[1].partition, (-790332482 & 0x7fffffff) % 4);
    assert.equal(res[2].partition, 479470107 % 4);
    keys.forEach((key, i) =>
      assert.equal(res[i].partition, partitionForKey(key, 4))
    );
    const all = await readAll(log, "k");
    assert.deepEqual(all.map((r) => r.key).sort(), [...keys].sort());
    for (const r of all) assert.equal(r.key, dec.decode(r.value));
  });
});

Deno.test("topics: unknown topic -> TopicNotFoundError and nothing appended", async () => {
  await withLog(async (log) => {
    await log.topics.createTopic("t");
    await assert.rejects(
      log.topics.append("missing", [{ value: enc.encode("x") }]),
      (e: unknown) =>
        e instanceof TopicNotFoundError && e.context.topic === "missing",
    );
    assert.deepEqual((await log.topics.listTopics()).map((t) => t.name), ["t"]);
    assert.deepEqual(
      await log.topics.append("t", [{ value: enc.encode("y") }]),
      [
        { partition: 0, offset: 0 },
      ],
    );
  });
});

Deno.test("topics: invalid partition -> InvalidPartitionError and nothing of that append is written", async () => {
  await withLog(async (log) => {
    await log.topics.createTopic("t", { partitions: 2 });
    for (const partition of [2, -1, 0.5]) {
      await assert.rejects(
        log.topics.append("t", [{ value: enc.encode("ok"), partition: 0 }, {
          value: enc.encode("bad"),
          partition,
        }]),
        (e: unknown) =>
          e instanceof InvalidPartitionError &&
          e.code === "PARTITION_NOT_FOUND",
      );
    }
    assert.deepEqual(await readAll(log, "t"), []);
    assert.deepEqual(
      await log.topics.append("t", [{ value: enc.encode("z"), partition: 1 }]),
      [
        { partition: 1, offset: 0 },
      ],
    );
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      log.topics.append("t", [{ value: "not bytes" as any }]),
      InvalidArgumentError,
    );
  });
});

Deno.test("topics: malformed appends and an empty group name are refused, naming the argument; nothing is written", async () => {
  await withLog(async (log) => {
    await log.topics.createTopic("t");
    const ok = { value: enc.encode("ok") };
    const cases: [unknown, string][] = [
      [ok, 'Invalid records "object": must be an array'],
      [
        [ok, { value: "text" }],
        "Invalid records[1].value: must be a Uint8Array (the JSON text of the value)",
      ],
      [
        [ok, null],
        "Invalid records[1].value: must be a Uint8Array (the JSON text of the value)",
      ],
      [[{ ...ok, key: 7 }], "Invalid records[0].key: must be a string or null"],
      [
        [ok, { value: new Uint8Array(999_999), key: "é" }],
        "Invalid records[1]: holds 1000001 bytes (value + key); a topic record holds at most 1000000, as a Kafka broker takes by default",
      ],
    ];
    for (const [records, message] of cases) {
      await assert.rejects(
        // deno-lint-ignore no-explicit-any
        log.topics.append("t", records as any),
        (e: unknown) =>
          e instanceof InvalidArgumentError && e.message === message &&
          e.code === "INVALID_ARGUMENT",
      );
    }
    assert.deepEqual(await readAll(log, "t"), []);
    // Exactly the limit is taken (a 2-byte key of 1 UTF-16 unit).
    await log.topics.append("t", [{
      value: new Uint8Array(999_998),
      key: "é",
    }]);
    assert.equal((await readAll(log, "t"))[0].value.byteLength, 999_998);
    await assert.rejects(
      log.topics.consumer("", ["t"]),
      (e: unknown) =>
        e instanceof InvalidArgumentError &&
        e.message === 'Invalid group "": must be a non-empty string',
    );
  });
});

Deno.test("topics: offsets continue densely after reopening the file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "topic_log_test_" });
  const path = `${dir}/log.db`;
  let log = await openEmbeddedLog(path);
  await log.topics.createTopic("t");
  await log.topics.append("t", [{ value: enc.encode("1") }, {
    value: enc.encode("2"),
  }]);
  await log.close();
  log = await openEmbeddedLog(path);
  assert.deepEqual(await log.topics.append("t", [{ value: enc.encode("3") }]), [
    { partition: 0, offset: 2 },
  ]);
  assert.deepEqual((await readAll(log, "t")).map((r) => dec.decode(r.value)), [
    "1",
    "2",
    "3",
  ]);
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("topics: the names '.' and '..' are refused, as a Kafka broker refuses them (they would name folders of the lake)", async () => {
  await withLog(async (log) => {
    for (const name of [".", ".."]) {
      const err = await log.topics.createTopic(name).catch((e) => e);
      assert.ok(err instanceof InvalidArgumentError, String(err));
      assert.equal(
        err.message,
        `Invalid topic name ${
          JSON.stringify(name)
        }: use 1 to 249 characters among a-z A-Z 0-9 . _ -, other than "." and ".."`,
      );
    }
    await log.topics.createTopic("...");
    assert.deepEqual((await log.topics.listTopics()).map((t) => t.name), [
      "...",
    ]);
  });
});
