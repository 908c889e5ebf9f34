/**
 * A stream deleted and created again at once: readers tell the two apart by the creation
 * time alone (`shard_reader.ts`, `readShard`'s `streamCreatedAt`), so it must differ.
 */
import assert from "node:assert/strict";
import { createShardReader } from "./shard_reader.ts";
import { dec, enc, tempLog } from "./test_util.ts";

const records = (values: string[]) =>
  values.map((v) => ({ data: enc.encode(v), partitionKey: v }));

Deno.test("streams: a stream deleted and created again with no pause gets a later creation time, so a reader's old positions skip none of its records", async () => {
  const { log, dir } = await tempLog();
  try {
    for (let round = 0; round < 20; round++) {
      await log.streams.createStream("s");
      await log.streams.putRecords("s", records(["a", "b", "c"]));
      const first = createShardReader(log.streams, "s", { idleMs: 0 });
      assert.equal((await first.poll()).length, 3);
      const saved = first.positions();
      const { createdAt: was } = await log.streams.describeStream("s");
      await log.streams.deleteStream("s");
      await log.streams.createStream("s");
      const { createdAt: now } = await log.streams.describeStream("s");
      assert.ok(now > was, `round ${round}: created at ${now}, before ${was}`);
      await log.streams.putRecords("s", records(["x", "y"]));
      const second = createShardReader(log.streams, "s", {
        positions: saved,
        idleMs: 0,
      });
      const read = (await second.poll()).map((r) => dec.decode(r.data));
      assert.deepEqual(read, ["x", "y"], `round ${round}`);
      await log.streams.deleteStream("s");
    }
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
});
