/**
 * The consumer group of the embedded log: one member at a time, other groups beside it,
 * and a group freed when its member, the log or the log's topics half closes.
 */
import assert from "node:assert/strict";
import { openEmbeddedLog } from "./embedded_log.ts";
import { GroupBusyError } from "./errors.ts";
import { fill, tempLog } from "./test_util.ts";

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
