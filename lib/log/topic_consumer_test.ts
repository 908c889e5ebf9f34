/**
 * What an embedded topic consumer reads: records in offset order from its group's committed
 * offsets, a seek, a partition's offsets, and the bounds of one poll (maxRecords, maxBytes).
 */
import assert from "node:assert/strict";
import { openEmbeddedLog } from "./embedded_log.ts";
import { InvalidPartitionError } from "./errors.ts";
import { dec, enc, fill, tempLog } from "./test_util.ts";

Deno.test("consumer: polls in offset order, respects maxRecords, resumes from committed offsets", async () => {
  const { log, path, dir } = await tempLog();
  await log.topics.createTopic("t");
  await fill(log, "t", ["a", "b", "c", "d", "e"]);
  const c1 = await log.topics.consumer("g", ["t"]);
  assert.equal(await c1.committed("t", 0), null);
  const first = await c1.poll({ maxRecords: 2, timeoutMs: 0 });
  assert.deepEqual(first.map((r) => [r.offset, dec.decode(r.value)]), [
    [0, "a"],
    [1, "b"],
  ]);
  await c1.commit([{ topic: "t", partition: 0, offset: 2 }]);
  assert.equal(await c1.committed("t", 0), 2);
  const more = await c1.poll({ maxRecords: 10, timeoutMs: 0 });
  assert.deepEqual(more.map((r) => r.offset), [2, 3, 4]);
  await c1.close();
  await log.close();

  const again = await openEmbeddedLog(path, { fsync: false });
  const c2 = await again.topics.consumer("g", ["t"]);
  assert.equal(await c2.committed("t", 0), 2);
  assert.deepEqual((await c2.poll({ timeoutMs: 0 })).map((r) => r.offset), [
    2,
    3,
    4,
  ]);
  const other = await again.topics.consumer("other", ["t"]);
  assert.deepEqual((await other.poll({ timeoutMs: 0 })).map((r) => r.offset), [
    0,
    1,
    2,
    3,
    4,
  ]);
  assert.equal(await other.committed("t", 0), null);
  await again.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: seek moves the position of one partition", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t", { partitions: 2 });
  await fill(log, "t", ["a", "b", "c"]);
  await log.topics.append("t", [{ value: enc.encode("x"), partition: 1 }]);
  const c = await log.topics.consumer("g", ["t"]);
  assert.equal((await c.poll({ timeoutMs: 0 })).length, 4);
  await c.seek({ topic: "t", partition: 0, offset: 1 });
  assert.deepEqual(
    (await c.poll({ timeoutMs: 0 })).map((
      r,
    ) => [r.partition, r.offset, dec.decode(r.value)]),
    [[0, 1, "b"], [0, 2, "c"]],
  );
  await assert.rejects(
    c.seek({ topic: "t", partition: 5, offset: 0 }),
    InvalidPartitionError,
  );
  // "u" is not read by this consumer (it does not exist either): the error says which are.
  for (
    const call of [
      () => c.seek({ topic: "u", partition: 0, offset: 0 }),
      () => c.commit([{ topic: "u", partition: 0, offset: 0 }]),
      () => c.committed("u", 0),
    ]
  ) {
    await assert.rejects(call, {
      name: "TopicNotReadError",
      code: "TOPIC_NOT_READ",
      message:
        'Invalid topic "u": the consumer of group "g" reads only t; name one of those',
    });
  }
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: offsets gives a partition's first and next offset, by partition", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t", { partitions: 2 });
  await log.topics.createTopic("u");
  const c = await log.topics.consumer("g", ["t"]);
  assert.deepEqual(await c.offsets("t", 0), { start: 0, end: 0 });
  await fill(log, "t", ["a", "b", "c"]);
  await fill(log, "u", ["x"]);
  assert.deepEqual(await c.offsets("t", 0), { start: 0, end: 3 });
  assert.deepEqual(await c.offsets("t", 1), { start: 0, end: 0 });
  await log.topics.append("t", [{ value: enc.encode("d"), partition: 1 }]);
  assert.deepEqual(await c.offsets("t", 1), { start: 0, end: 1 });
  await assert.rejects(() => c.offsets("u", 0), { name: "TopicNotReadError" });
  await assert.rejects(() => c.offsets("t", 2), {
    name: "InvalidPartitionError",
  });
  await c.close();
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: a poll stops before the record that would pass maxBytes (value bytes plus key characters), but returns one at least", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t", { partitions: 2 });
  const sized = (n: number, key: string | null, partition: number) =>
    Array.from({ length: n }, () => ({
      key,
      value: new Uint8Array(100 - (key?.length ?? 0) * 2),
      partition,
    }));
  await log.topics.append("t", sized(4, "ab", 0)); // 96 + 2 = 98 each
  await log.topics.append("t", sized(2, null, 1)); // 100 each
  const c = await log.topics.consumer("g", ["t"]);
  const at = (rs: { partition: number; offset: number }[]) =>
    rs.map((r) => [r.partition, r.offset]);
  // 3 * 98 = 294 fits; a 4th would make 392.
  assert.deepEqual(at(await c.poll({ maxBytes: 391, timeoutMs: 0 })), [
    [0, 0],
    [0, 1],
    [0, 2],
  ]);
  // The bound spans partitions: partition 1's two (200), then partition 0's last (298).
  assert.deepEqual(at(await c.poll({ maxBytes: 297, timeoutMs: 0 })), [
    [1, 0],
    [1, 1],
  ]);
  assert.deepEqual(at(await c.poll({ maxBytes: 1, timeoutMs: 0 })), [[0, 3]]);
  assert.deepEqual(await c.poll({ timeoutMs: 0 }), []);
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: by default a poll holds at most 16 MiB of records", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t");
  const big = new Uint8Array(1_000_000);
  await log.topics.append(
    "t",
    Array.from({ length: 20 }, () => ({ value: big })),
  );
  const c = await log.topics.consumer("g", ["t"]);
  // 16 records are 16,000,000 bytes; a 17th would pass 16,777,216.
  const first = await c.poll({ timeoutMs: 0 });
  assert.deepEqual(first.map((r) => r.offset), [...Array(16).keys()]);
  const rest = await c.poll({ timeoutMs: 0 });
  assert.deepEqual(rest.map((r) => r.offset), [16, 17, 18, 19]);
  await log.close();
  await Deno.remove(dir, { recursive: true });
});
