import assert from "node:assert/strict";
import { TopicNotFoundError } from "../errors.ts";
import { type EmbeddedLog, openEmbeddedLog } from "./embedded_log.ts";
import {
  GroupBusyError,
  InvalidArgumentError,
  InvalidPartitionError,
} from "./errors.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

async function tempLog(): Promise<
  { log: EmbeddedLog; path: string; dir: string }
> {
  const dir = await Deno.makeTempDir({ prefix: "topic_consumer_test_" });
  const path = `${dir}/log.db`;
  return { log: await openEmbeddedLog(path, { fsync: false }), path, dir };
}

async function fill(
  log: EmbeddedLog,
  topic: string,
  values: string[],
): Promise<void> {
  await log.topics.append(
    topic,
    values.map((v) => ({ value: enc.encode(v), partition: 0 })),
  );
}

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

Deno.test("consumer: poll with nothing to read returns [] within the timeout bound", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t");
  const c = await log.topics.consumer("g", ["t"]);
  for (const timeoutMs of [0, 150]) {
    const start = performance.now();
    assert.deepEqual(await c.poll({ timeoutMs }), []);
    const took = performance.now() - start;
    assert.ok(
      took >= timeoutMs - 2 && took < timeoutMs + 250,
      `took ${took} ms`,
    );
  }
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: a waiting poll wakes up when a record is appended", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t");
  const c = await log.topics.consumer("g", ["t"]);
  const start = performance.now();
  const polled = c.poll({ timeoutMs: 5000 });
  setTimeout(() => log.topics.append("t", [{ value: enc.encode("late") }]), 50);
  const records = await polled;
  assert.deepEqual(records.map((r) => dec.decode(r.value)), ["late"]);
  assert.ok(performance.now() - start < 1000);
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: an idle consumer sees another process's append within 8 poll intervals", async () => {
  const { path, dir } = await tempLog();
  // Two handles on one file, as the sink and the gateway in two processes.
  const reader = await openEmbeddedLog(path, {
    fsync: false,
    pollIntervalMs: 20,
  });
  const writer = await openEmbeddedLog(path, { fsync: false });
  await writer.topics.createTopic("t");
  const c = await reader.topics.consumer("g", ["t"]);
  // Idle long enough for the wait to reach its cap (20 ms doubling to 160 ms).
  assert.deepEqual(await c.poll({ timeoutMs: 600 }), []);
  for (const text of ["first", "second"]) {
    const polled = c.poll({ timeoutMs: 5000 });
    const appended = writer.topics.append("t", [{ value: enc.encode(text) }])
      .then(() => performance.now());
    const records = await polled;
    const seenAfter = performance.now() - await appended;
    assert.deepEqual(records.map((r) => dec.decode(r.value)), [text]);
    assert.ok(seenAfter < 160 + 100, `seen ${seenAfter} ms after the append`);
  }
  await reader.close();
  await writer.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: unknown topic -> TopicNotFoundError; close ends a waiting poll with []", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t");
  await assert.rejects(
    log.topics.consumer("g", ["t", "nope"]),
    TopicNotFoundError,
  );
  const c = await log.topics.consumer("g", ["t"]);
  const polled = c.poll({ timeoutMs: 10_000 });
  const start = performance.now();
  await log.close();
  assert.deepEqual(await polled, []);
  assert.ok(performance.now() - start < 1000);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: a group has one member at a time (GroupBusyError); other groups join; close frees it", async () => {
  const { log, path, dir } = await tempLog();
  await log.topics.createTopic("t");
  await fill(log, "t", ["a"]);
  const member = await log.topics.consumer("g", ["t"]);
  // The one member owns every partition of its topics, with no rebalances.
  const m = member.membership();
  assert.deepEqual([m.generation, m.rebalancing], [0, false]);
  assert.deepEqual([m.owns("t", 0), m.owns("t", 1), m.owns("u", 0)], [
    true,
    false,
    false,
  ]);
  const err = await log.topics.consumer("g", ["t"]).catch((e) => e);
  assert.ok(err instanceof GroupBusyError);
  assert.equal(err.code, "GROUP_BUSY");
  assert.deepEqual(err.context, { group: "g", path });
  assert.equal(
    err.message,
    `Consumer group "g" of the embedded log ${path} already has a member: another sink ` +
      "(`deno task sink`, or the one `deno task emulate` runs) is reading these topics. " +
      "Stop it first, since one sink per data dir moves the topics into the lake; or post " +
      "beside it with `deno task emulate --post-only`.",
  );
  // Also from another handle on the same file, as another process would have.
  const again = await openEmbeddedLog(path, { fsync: false });
  await assert.rejects(again.topics.consumer("g", ["t"]), GroupBusyError);
  const other = await again.topics.consumer("other", ["t"]);
  assert.equal((await other.poll({ timeoutMs: 0 })).length, 1);
  await other.close();
  await member.close();
  await member.close(); // twice is harmless
  const next = await again.topics.consumer("g", ["t"]);
  assert.equal((await next.poll({ timeoutMs: 0 })).length, 1);
  await next.close();
  await again.close();
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: closing the log (or its topics half) closes its consumers, so their groups can be joined again", async () => {
  const { log, path, dir } = await tempLog();
  await log.topics.createTopic("t");
  await fill(log, "t", ["a"]);
  await log.topics.consumer("g", ["t"]);
  await log.close();
  const again = await openEmbeddedLog(path, { fsync: false });
  const member = await again.topics.consumer("g", ["t"]);
  assert.equal((await member.poll({ timeoutMs: 0 })).length, 1);
  await again.topics.close();
  const streams = again.streams; // still open: the file stays open
  assert.deepEqual(await streams.listStreams(), []);
  const third = await openEmbeddedLog(path, { fsync: false });
  const next = await third.topics.consumer("g", ["t"]);
  await next.close();
  await third.close();
  await again.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: a timeoutMs that is not a number is refused, naming it (NaN made a poll wait for ever)", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t");
  const c = await log.topics.consumer("g", ["t"]);
  const cases: [unknown, string][] = [[NaN, "NaN"], ["100", '"100"']];
  for (const [timeoutMs, shown] of cases) {
    const err = await c.poll({ timeoutMs: timeoutMs as number }).catch((e) =>
      e
    );
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(
      err.message,
      `Invalid timeoutMs ${shown}: must be a number of milliseconds`,
    );
  }
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: a commit, seek or lookup of a partition the topic lacks says which it has, without the append's advice", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t", { partitions: 2 });
  const c = await log.topics.consumer("g", ["t"]);
  const calls = [
    () => c.commit([{ topic: "t", partition: 2, offset: 0 }]),
    () => c.seek({ topic: "t", partition: 2, offset: 0 }),
    () => c.committed("t", 2),
  ];
  for (const call of calls) {
    const err = await call().catch((e) => e);
    assert.ok(err instanceof InvalidPartitionError, String(err));
    assert.equal(
      err.message,
      'Invalid partition 2: topic "t" has partitions 0 to 1; name one of those',
    );
    assert.deepEqual(err.context, {
      argument: "partition",
      value: 2,
      topic: "t",
      partitions: 2,
    });
  }
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: a commit or seek past what a partition can hold is refused; the committed offset stays", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t");
  await fill(log, "t", ["a"]);
  const c = await log.topics.consumer("g", ["t"]);
  await c.commit([{ topic: "t", partition: 0, offset: 1 }]);
  for (
    const [offset, shown] of [[2 ** 53 + 2, "9007199254740994"], [
      1e300,
      "1e+300",
    ], [-1, "-1"]] as const
  ) {
    for (
      const call of [
        () => c.commit([{ topic: "t", partition: 0, offset }]),
        () => c.seek({ topic: "t", partition: 0, offset }),
      ]
    ) {
      const err = await call().catch((e) => e);
      assert.ok(err instanceof InvalidArgumentError, String(err));
      assert.equal(
        err.message,
        `Invalid offset ${shown}: must be an integer from 0 to 137438953471`,
      );
    }
  }
  assert.equal(await c.committed("t", 0), 1);
  await c.close();
  // The group can be joined again and resumes at its committed offset.
  const again = await log.topics.consumer("g", ["t"]);
  await fill(log, "t", ["b"]);
  assert.deepEqual((await again.poll({ timeoutMs: 0 })).map((r) => r.offset), [
    1,
  ]);
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("consumer: a maxRecords that is not a safe whole number is refused, naming it", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t");
  const c = await log.topics.consumer("g", ["t"]);
  for (
    const [maxRecords, shown] of [[0, "0"], [1.5, "1.5"], [1e300, "1e+300"]]
  ) {
    const err = await c.poll({ maxRecords: maxRecords as number, timeoutMs: 0 })
      .catch((e) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(
      err.message,
      `Invalid maxRecords ${shown}: must be a positive integer`,
    );
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

Deno.test("consumer: a maxBytes that is not a safe whole number is refused, naming it", async () => {
  const { log, dir } = await tempLog();
  await log.topics.createTopic("t");
  await fill(log, "t", ["a"]);
  const c = await log.topics.consumer("g", ["t"]);
  const cases: [unknown, string][] = [
    [0, "0"],
    [-1, "-1"],
    [1.5, "1.5"],
    [NaN, "NaN"],
    ["100", '"100"'],
  ];
  for (const [maxBytes, shown] of cases) {
    const err = await c.poll({ maxBytes: maxBytes as number, timeoutMs: 0 })
      .catch((e) => e);
    assert.ok(err instanceof InvalidArgumentError, String(err));
    assert.equal(
      err.message,
      `Invalid maxBytes ${shown}: must be a positive integer`,
    );
  }
  await log.close();
  await Deno.remove(dir, { recursive: true });
});
