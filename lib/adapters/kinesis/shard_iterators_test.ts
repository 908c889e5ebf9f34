import assert from "node:assert/strict";
import { openKinesisLog } from "./mod.ts";
import { createKinesisClient } from "./sdk.ts";
import { IteratorCache, readOn, ShardPager } from "./shard_iterators.ts";
import { kinesisTestTarget, uniqueStream, withKinesis } from "./test_target.ts";
import { answerWithErrors } from "./test_stub.ts";

const target = await kinesisTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("readOn: an empty answer behind the tip is followed; records, the tip or a closed shard stop", () => {
  const record = {
    SequenceNumber: "1",
    PartitionKey: "k",
    Data: new Uint8Array([1]),
  };
  const cases: [Parameters<typeof readOn>[0], boolean][] = [
    [
      { Records: [], NextShardIterator: "A", MillisBehindLatest: 86_400_000 },
      true,
    ],
    [{ NextShardIterator: "A", MillisBehindLatest: 1 }, true],
    [{ Records: [], NextShardIterator: "A", MillisBehindLatest: 0 }, false],
    [{ Records: [], NextShardIterator: "A" }, false],
    [{ Records: [], MillisBehindLatest: 5000 }, false], // closed shard: no next iterator
    [
      { Records: [record], NextShardIterator: "A", MillisBehindLatest: 5000 },
      false,
    ],
  ];
  for (const [out, expected] of cases) {
    assert.equal(readOn(out), expected, JSON.stringify(out));
  }
});

Deno.test("IteratorCache: one use per entry, keyed by position, oldest evicted, stale ignored", () => {
  const at = (stream: string, shard: number, after?: string) => ({
    stream,
    shardId: `shardId-${String(shard).padStart(12, "0")}`,
    after,
  });
  const cache = new IteratorCache({ maxEntries: 2 });
  cache.put(at("s", 0), "it-start");
  cache.put(at("s", 0, "7"), "it-7");
  assert.equal(cache.take(at("s", 0, "8")), undefined);
  assert.equal(cache.take(at("s", 1, "7")), undefined);
  assert.equal(cache.take(at("s", 0, "7")), "it-7");
  assert.equal(cache.take(at("s", 0, "7")), undefined);
  cache.put(at("s", 0, "9"), "it-9");
  cache.put(at("t", 0, "9"), "t-9");
  assert.equal(cache.size, 2);
  assert.equal(cache.take(at("s", 0)), undefined); // evicted
  cache.clear("s");
  assert.equal(cache.size, 1);
  assert.equal(cache.take(at("t", 0, "9")), "t-9");

  // By default an iterator is used for 4 minutes (Kinesis lets it expire after 5).
  const now = Date.now;
  try {
    const aged = new IteratorCache();
    let clock = 1_000_000;
    Date.now = () => clock;
    aged.put(at("s", 0, "1"), "fresh");
    aged.put(at("s", 0, "2"), "old");
    clock += 239_999;
    assert.equal(aged.take(at("s", 0, "1")), "fresh");
    clock += 1;
    assert.equal(aged.take(at("s", 0, "2")), undefined);
  } finally {
    Date.now = now;
  }

  const stale = new IteratorCache({ maxAgeMs: 0 });
  stale.put(at("s", 0, "1"), "old");
  assert.equal(stale.take(at("s", 0, "1")), undefined);
  assert.equal(stale.size, 0);
});

Deno.test({
  name: "ShardPager against kinesis-mock",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: (t) =>
    withKinesis(target, async (endpoint) => {
      const log = await openKinesisLog({ endpoint });
      const client = createKinesisClient({ endpoint });
      const calls: string[] = [];
      client.middlewareStack.add(
        (next, context) => (args) => {
          calls.push(String(context.commandName));
          return next(args);
        },
        { step: "initialize", name: "countCommands" },
      );
      const stream = uniqueStream("pager");
      try {
        await log.createStream(stream);
        await log.putRecords(
          stream,
          ["a", "b", "c", "d", "e"].map((v) => ({
            data: enc.encode(v),
            partitionKey: v,
          })),
        );
        const pager = new ShardPager(client);
        const shard = "shardId-000000000000";

        await t.step(
          "polling from where it stopped costs one GetRecords per call",
          async () => {
            const seen: string[] = [];
            let after: string | undefined;
            for (let i = 0; i < 5; i++) {
              const page = await pager.read(stream, shard, {
                afterSequenceNumber: after,
                limit: 2,
              });
              assert.equal(page.shardEnded, false);
              seen.push(...page.records.map((r) => dec.decode(r.data)));
              after = page.records.at(-1)?.sequenceNumber ?? after;
            }
            assert.deepEqual(seen, ["a", "b", "c", "d", "e"]);
            assert.deepEqual(calls, [
              "GetShardIteratorCommand",
              ...Array(5).fill("GetRecordsCommand"),
            ]);
            assert.equal(pager.cache.size, 1);
            await log.putRecords(stream, [{
              data: enc.encode("f"),
              partitionKey: "f",
            }]);
            const next = await pager.read(stream, shard, {
              afterSequenceNumber: after,
            });
            assert.deepEqual(next.records.map((r) => dec.decode(r.data)), [
              "f",
            ]);
            assert.equal(calls.at(-1), "GetRecordsCommand");
            assert.equal(calls.length, 7);
          },
        );

        await t.step(
          "a position without a cached iterator asks for one",
          async () => {
            const first = await pager.read(stream, shard, { limit: 1 });
            calls.length = 0;
            const page = await pager.read(stream, shard, {
              afterSequenceNumber: first.records[0].sequenceNumber,
              limit: 100,
            });
            assert.deepEqual(
              page.records.map((r) => dec.decode(r.data)),
              ["b", "c", "d", "e", "f"],
            );
            assert.deepEqual(calls, ["GetRecordsCommand"]); // cached by the read above
            calls.length = 0;
            const again = await pager.read(stream, shard, {
              afterSequenceNumber: first.records[0].sequenceNumber,
              limit: 1,
            });
            assert.deepEqual(again.records.map((r) => dec.decode(r.data)), [
              "b",
            ]);
            assert.deepEqual(calls, [
              "GetShardIteratorCommand",
              "GetRecordsCommand",
            ]);
          },
        );
      } finally {
        await log.deleteStream(stream).catch(() => {});
        client.destroy();
        await log.close();
      }
    }),
});

Deno.test({
  name:
    "ShardPager on kinesis-mock: a cached iterator that expired is replaced once by a fresh one",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withKinesis(target, async (endpoint) => {
      const log = await openKinesisLog({ endpoint });
      const client = createKinesisClient({ endpoint, maxAttempts: 1 });
      // Iterators expire after 5 minutes: a stand-in answers the first GetRecords of a
      // cached iterator as Kinesis does then, the rest goes to kinesis-mock.
      const calls: string[] = [];
      let expire = false;
      answerWithErrors(client, ({ op }) => {
        calls.push(op);
        if (!(expire && op === "GetRecords")) return undefined;
        expire = false;
        return {
          type: "ExpiredIteratorException",
          message: "Iterator expired. The iterator was created at time ...",
        };
      });
      const stream = uniqueStream("expired");
      try {
        await log.createStream(stream);
        await log.putRecords(
          stream,
          ["a", "b", "c"].map((v) => ({
            data: enc.encode(v),
            partitionKey: v,
          })),
        );
        const pager = new ShardPager(client);
        const shard = "shardId-000000000000";
        const first = await pager.read(stream, shard, { limit: 1 });
        assert.deepEqual(first.records.map((r) => dec.decode(r.data)), ["a"]);
        calls.length = 0;
        expire = true;
        const page = await pager.read(stream, shard, {
          afterSequenceNumber: first.records[0].sequenceNumber,
        });
        assert.deepEqual(page.records.map((r) => dec.decode(r.data)), [
          "b",
          "c",
        ]);
        assert.deepEqual(calls, [
          "GetRecords",
          "GetShardIterator",
          "GetRecords",
        ]);
        assert.equal(pager.cache.size, 1);
      } finally {
        await log.deleteStream(stream).catch(() => {});
        client.destroy();
        await log.close();
      }
    }),
});
