/**
 * The arguments an embedded topic consumer refuses, each with a message naming it:
 * timeoutMs, maxRecords and maxBytes of a poll, and the partition or offset of a commit,
 * seek or lookup.
 */
import assert from "node:assert/strict";
import { InvalidArgumentError, InvalidPartitionError } from "./errors.ts";
import { fill, tempLog } from "./test_util.ts";

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
