/**
 * How an embedded topic consumer's poll waits: the timeout bound, waking up on an append
 * (of this handle or of another process), and ending when the log closes.
 */
import assert from "node:assert/strict";
import { TopicNotFoundError } from "../errors.ts";
import { openEmbeddedLog } from "./embedded_log.ts";
import { dec, enc, tempLog } from "./test_util.ts";

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
