import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { type EmbeddedLog, openEmbeddedLog } from "./embedded_log.ts";
import { InvalidArgumentError } from "./errors.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const TOP = (1n << 128n) - 1n;

async function withLog(fn: (log: EmbeddedLog) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "stream_resharding_test_" });
  const log = await openEmbeddedLog(`${dir}/log.db`, { fsync: false });
  try {
    await fn(log);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The index of the even half (of 2) a key's MD5 falls in. */
function halfOf(key: string): number {
  const hash = BigInt("0x" + createHash("md5").update(key).digest("hex"));
  return hash < (1n << 127n) ? 0 : 1;
}

Deno.test("streams: splitShard closes the parent and routes later puts to the children", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s");
    const half = String(1n << 127n);
    await log.streams.putRecords("s", [{
      data: enc.encode("before"),
      partitionKey: "k",
    }]);
    await log.streams.splitShard("s", {
      shardId: "shardId-000000000000",
      newStartingHashKey: half,
    });
    const { shards } = await log.streams.describeStream("s");
    assert.deepEqual(
      shards.map((s) => [s.shardId, s.parentShardId, s.hashKeyRange.start]),
      [
        ["shardId-000000000000", undefined, "0"],
        ["shardId-000000000001", "shardId-000000000000", "0"],
        ["shardId-000000000002", "shardId-000000000000", half],
      ],
    );
    assert.equal(shards[0].endingSequenceNumber, "000000000000000000001");
    assert.equal(shards[1].hashKeyRange.end, String((1n << 127n) - 1n));
    const [r] = await log.streams.putRecords("s", [{
      data: enc.encode("after"),
      partitionKey: "k",
    }]);
    assert.ok("shardId" in r);
    assert.equal(
      r.shardId,
      halfOf("k") === 0 ? shards[1].shardId : shards[2].shardId,
    );
    assert.equal(r.sequenceNumber, "000000000000000000002");
    const parent = await log.streams.readShard("s", "shardId-000000000000");
    assert.deepEqual(parent.records.map((x) => dec.decode(x.data)), ["before"]);
    assert.equal(parent.shardEnded, true);
    await assert.rejects(
      log.streams.splitShard("s", {
        shardId: "shardId-000000000000",
        newStartingHashKey: half,
      }),
      InvalidArgumentError,
    );
    await log.streams.mergeShards("s", {
      shardId: "shardId-000000000001",
      adjacentShardId: "shardId-000000000002",
    });
    const merged = (await log.streams.describeStream("s")).shards[3];
    assert.deepEqual(
      [merged.parentShardId, merged.adjacentParentShardId, merged.hashKeyRange],
      ["shardId-000000000001", "shardId-000000000002", {
        start: "0",
        end: String(TOP),
      }],
    );
  });
});

Deno.test("streams: mergeShards closes both parents and routes later puts to the merged shard", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s", { shardCount: 2 });
    const keys = ["a", "b", "c", "d", "e", "f"];
    const put = (tag: string) =>
      log.streams.putRecords(
        "s",
        keys.map((k) => ({ data: enc.encode(`${k}${tag}`), partitionKey: k })),
      );
    const before = await put("1");
    before.forEach((r, i) => {
      assert.ok("shardId" in r);
      assert.equal(r.shardId, `shardId-00000000000${halfOf(keys[i])}`);
    });
    await log.streams.mergeShards("s", {
      shardId: "shardId-000000000001",
      adjacentShardId: "shardId-000000000000",
    });
    const { shards } = await log.streams.describeStream("s");
    assert.deepEqual(
      shards.map((s) => [s.shardId, s.endingSequenceNumber ?? null]),
      [
        ["shardId-000000000000", "000000000000000000007"],
        ["shardId-000000000001", "000000000000000000006"],
        ["shardId-000000000002", null],
      ],
    );
    assert.equal(shards[2].startingSequenceNumber, "000000000000000000008");
    const after = await put("2");
    assert.deepEqual(
      after.map((r) => ("shardId" in r ? [r.shardId, r.sequenceNumber] : [])),
      keys.map((
        _,
        i,
      ) => ["shardId-000000000002", `00000000000000000000${8 + i}`.slice(-21)]),
    );
    for (const id of ["shardId-000000000000", "shardId-000000000001"]) {
      const page = await log.streams.readShard("s", id);
      assert.equal(page.shardEnded, true);
      assert.ok(page.records.every((r) => r.data.at(-1) === "1".charCodeAt(0)));
    }
    const merged = await log.streams.readShard("s", "shardId-000000000002");
    assert.deepEqual(
      merged.records.map((r) => dec.decode(r.data)),
      keys.map((k) => `${k}2`),
    );
    assert.equal(merged.shardEnded, false);
    await assert.rejects(
      log.streams.mergeShards("s", {
        shardId: "shardId-000000000002",
        adjacentShardId: "shardId-000000000000",
      }),
      InvalidArgumentError,
    );
  });
});
