import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { AlreadyExistsError, StreamNotFoundError } from "../errors.ts";
import { type EmbeddedLog, openEmbeddedLog } from "./embedded_log.ts";
import { InvalidArgumentError, ShardNotFoundError } from "./errors.ts";
import type { StreamRecordInput } from "./types.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const TOP = 340282366920938463463374607431768211455n; // 2^128 - 1

async function withLog(fn: (log: EmbeddedLog) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "stream_log_test_" });
  const log = await openEmbeddedLog(`${dir}/log.db`, { fsync: false });
  try {
    await fn(log);
  } finally {
    await log.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The shard a key must land in among `n` even shards, computed from its MD5 here. */
function expectedShard(key: string, n: number): string {
  const hash = BigInt("0x" + createHash("md5").update(key).digest("hex"));
  const width = (TOP + 1n) / BigInt(n);
  const i = Math.min(n - 1, Number(hash / width));
  return `shardId-${String(i).padStart(12, "0")}`;
}

Deno.test("streams: create, list, describe with even hash-key ranges, duplicate -> AlreadyExistsError", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s3", { shardCount: 3 });
    await log.streams.createStream("a1");
    assert.deepEqual(await log.streams.listStreams(), ["a1", "s3"]);
    const d = await log.streams.describeStream("s3");
    assert.equal(d.status, "ACTIVE");
    // Every record is kept: the longest retention Kinesis has, not its 24-hour default.
    assert.equal(d.retentionHours, 8760);
    assert.ok(Math.abs(d.createdAt - Date.now()) < 60_000);
    assert.deepEqual(
      d.shards.map((
        s,
      ) => [s.shardId, s.hashKeyRange.start, s.hashKeyRange.end]),
      [
        [
          "shardId-000000000000",
          "0",
          "113427455640312821154458202477256070484",
        ],
        [
          "shardId-000000000001",
          "113427455640312821154458202477256070485",
          "226854911280625642308916404954512140969",
        ],
        [
          "shardId-000000000002",
          "226854911280625642308916404954512140970",
          String(TOP),
        ],
      ],
    );
    assert.equal(d.shards[0].endingSequenceNumber, undefined);
    await assert.rejects(log.streams.createStream("a1"), AlreadyExistsError);
    await assert.rejects(log.streams.describeStream("zz"), StreamNotFoundError);
    await assert.rejects(
      log.streams.createStream("bad/name"),
      InvalidArgumentError,
    );
    // A name no stream can have is invalid wherever it is named, as Kinesis has it.
    const badName = (e: unknown) =>
      e instanceof InvalidArgumentError &&
      e.message ===
        'Invalid stream name "bad name": use 1 to 128 characters among a-z A-Z 0-9 _ . -';
    await assert.rejects(log.streams.describeStream("bad name"), badName);
    await assert.rejects(
      log.streams.putRecords("bad name", [{
        data: new Uint8Array(1),
        partitionKey: "k",
      }]),
      badName,
    );
    await assert.rejects(
      log.streams.readShard("bad name", "shardId-000000000000"),
      badName,
    );
    await assert.rejects(
      log.streams.createStream("x", { shardCount: 0 }),
      InvalidArgumentError,
    );
  });
});

Deno.test("streams: records route by MD5 of the partition key; sequence numbers increase", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s", { shardCount: 4 });
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const res = await log.streams.putRecords(
      "s",
      keys.map((k) => ({ data: enc.encode(`v-${k}`), partitionKey: k })),
    );
    const seqs: bigint[] = [];
    res.forEach((r, i) => {
      assert.ok("shardId" in r);
      assert.equal(r.shardId, expectedShard(keys[i], 4), keys[i]);
      assert.match(r.sequenceNumber, /^\d{21}$/);
      seqs.push(BigInt(r.sequenceNumber));
    });
    assert.deepEqual(seqs, Array.from({ length: 40 }, (_, i) => BigInt(i)));
    let total = 0;
    for (const shard of (await log.streams.describeStream("s")).shards) {
      const page = await log.streams.readShard("s", shard.shardId);
      assert.equal(page.shardEnded, false);
      total += page.records.length;
      for (const r of page.records) {
        assert.equal(r.shardId, shard.shardId);
        assert.equal(expectedShard(r.partitionKey, 4), shard.shardId);
        assert.equal(dec.decode(r.data), `v-${r.partitionKey}`);
        assert.equal(r.stream, "s");
      }
      const ordered = page.records.map((r) => BigInt(r.sequenceNumber));
      assert.deepEqual(ordered, [...ordered].sort((a, b) => (a < b ? -1 : 1)));
    }
    assert.equal(total, 40);
  });
});

Deno.test("streams: readShard after a sequence number and with a limit", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s");
    const res = await log.streams.putRecords(
      "s",
      ["a", "b", "c", "d"].map((v) => ({
        data: enc.encode(v),
        partitionKey: v,
      })),
    );
    const seq = res.map((r) => ("sequenceNumber" in r ? r.sequenceNumber : ""));
    const id = "shardId-000000000000";
    const p1 = await log.streams.readShard("s", id, { limit: 2 });
    assert.deepEqual(p1.records.map((r) => dec.decode(r.data)), ["a", "b"]);
    const p2 = await log.streams.readShard("s", id, {
      afterSequenceNumber: seq[1],
    });
    assert.deepEqual(p2.records.map((r) => r.sequenceNumber), [seq[2], seq[3]]);
    const p3 = await log.streams.readShard("s", id, {
      afterSequenceNumber: seq[3],
    });
    assert.deepEqual(p3, { records: [], shardEnded: false });
    await assert.rejects(
      log.streams.readShard("s", "shardId-000000000009"),
      ShardNotFoundError,
    );
    await assert.rejects(
      log.streams.readShard("s", id, { afterSequenceNumber: "abc" }),
      InvalidArgumentError,
    );
    await assert.rejects(
      log.streams.readShard("none", id),
      StreamNotFoundError,
    );
  });
});

Deno.test("streams: invalid records fail alone in the results; unknown stream throws", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s");
    const res = await log.streams.putRecords("s", [
      { data: enc.encode("ok"), partitionKey: "p" },
      { data: enc.encode("no key"), partitionKey: "" },
      { data: enc.encode("long"), partitionKey: "x".repeat(257) },
      { data: enc.encode("ok2"), partitionKey: "q" },
    ]);
    assert.deepEqual(
      res.map((r) => ("errorCode" in r ? r.errorCode : r.sequenceNumber)),
      [
        "000000000000000000000",
        "InvalidArgumentException",
        "InvalidArgumentException",
        "000000000000000000001",
      ],
    );
    const page = await log.streams.readShard("s", "shardId-000000000000");
    assert.deepEqual(page.records.map((r) => dec.decode(r.data)), [
      "ok",
      "ok2",
    ]);
    await assert.rejects(
      log.streams.putRecords("nope", [{
        data: enc.encode("x"),
        partitionKey: "p",
      }]),
      StreamNotFoundError,
    );
  });
});

Deno.test("streams: each record problem has its own message; bad arguments throw InvalidArgumentError", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s");
    const records = [
      { data: enc.encode("x"), partitionKey: 7 },
      { data: "text", partitionKey: "p" },
      { data: new Uint8Array(1024 * 1024 + 1), partitionKey: "p" },
      { data: new Uint8Array(1024 * 1024), partitionKey: "p" },
    ] as unknown as StreamRecordInput[];
    const res = await log.streams.putRecords("s", records);
    assert.deepEqual(
      res.map((r) => "errorMessage" in r ? r.errorMessage : r.sequenceNumber),
      [
        "PartitionKey must be a string",
        "Data must be bytes",
        "Data is larger than 1 MiB",
        "000000000000000000000",
      ],
    );
    await assert.rejects(
      log.streams.putRecords("s", "x" as unknown as StreamRecordInput[]),
      InvalidArgumentError,
    );
    // 1e300 is a whole number but not one SQLite takes as such: it read no record at all.
    for (const [limit, shown] of [[0, "0"], [1.5, "1.5"], [1e300, "1e+300"]]) {
      const err = await log.streams.readShard("s", "shardId-000000000000", {
        limit: limit as number,
      }).catch((e) => e);
      assert.ok(err instanceof InvalidArgumentError, String(err));
      assert.equal(
        err.message,
        `Invalid limit ${shown}: must be a positive integer`,
      );
    }
    const page = await log.streams.readShard("s", "shardId-000000000000");
    assert.deepEqual(page.records.map((r) => r.data.length), [1024 * 1024]);
  });
});

Deno.test("streams: deleteStream removes the stream and its records", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("s", { shardCount: 2 });
    await log.streams.createStream("keep");
    const put = (stream: string, v: string) =>
      log.streams.putRecords(stream, [{
        data: enc.encode(v),
        partitionKey: v,
      }]);
    await put("s", "old");
    await put("keep", "kept");
    await log.streams.deleteStream("s");
    assert.deepEqual(await log.streams.listStreams(), ["keep"]);
    await assert.rejects(log.streams.describeStream("s"), StreamNotFoundError);
    await assert.rejects(log.streams.deleteStream("s"), StreamNotFoundError);
    await log.streams.createStream("s", { shardCount: 2 });
    for (const id of ["shardId-000000000000", "shardId-000000000001"]) {
      assert.deepEqual(await log.streams.readShard("s", id), {
        records: [],
        shardEnded: false,
      });
    }
    const [r] = await put("s", "new");
    assert.ok(
      "sequenceNumber" in r && r.sequenceNumber === "000000000000000000000",
    );
    const kept = await log.streams.readShard("keep", "shardId-000000000000");
    assert.deepEqual(kept.records.map((x) => dec.decode(x.data)), ["kept"]);
  });
});

Deno.test("streams: a read bound to a stream's creation time is refused once the name belongs to a stream created again", async () => {
  await withLog(async (log) => {
    const shard = "shardId-000000000000";
    const put = (v: string) =>
      log.streams.putRecords("s", [{ data: enc.encode(v), partitionKey: v }]);
    await log.streams.createStream("s");
    await put("old");
    const { createdAt: was } = await log.streams.describeStream("s");
    const page = await log.streams.readShard("s", shard, {
      streamCreatedAt: was,
    });
    assert.deepEqual(page.records.map((r) => dec.decode(r.data)), ["old"]);
    await log.streams.deleteStream("s");
    await new Promise((r) => setTimeout(r, 5)); // a later creation time
    await log.streams.createStream("s");
    await put("new");
    const refused = await log.streams.readShard("s", shard, {
      streamCreatedAt: was,
    }).then(() => null, (e) => e);
    assert.ok(refused instanceof ShardNotFoundError);
    const { createdAt: now } = await log.streams.describeStream("s");
    assert.deepEqual(refused.context, {
      stream: "s",
      shardId: shard,
      streamCreatedAt: was,
      createdAt: now,
    });
    const fresh = await log.streams.readShard("s", shard, {
      streamCreatedAt: now,
    });
    assert.deepEqual(fresh.records.map((r) => dec.decode(r.data)), ["new"]);
  });
});

Deno.test("streams: puts from two connections, and a split in the same group, never reuse a sequence number", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stream_log_test_" });
  const a = await openEmbeddedLog(`${dir}/log.db`, { fsync: false });
  const b = await openEmbeddedLog(`${dir}/log.db`, { fsync: false });
  await a.streams.createStream("s", { shardCount: 2 });
  // Keys of different shards: a stale counter would not clash on the primary key.
  const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
  const k0 = keys.find((k) => expectedShard(k, 2).endsWith("0"))!;
  const k1 = keys.find((k) => expectedShard(k, 2).endsWith("1"))!;
  const put = (log: EmbeddedLog, key: string) =>
    log.streams.putRecords("s", [{ data: enc.encode(key), partitionKey: key }]);
  const seqs: string[] = [];
  const keep = (rs: Awaited<ReturnType<typeof put>>) =>
    rs.forEach((r) => "sequenceNumber" in r && seqs.push(r.sequenceNumber));
  keep(await put(a, k0)); // a caches the stream row...
  keep(await put(b, k1)); // ...b advances the counter in the file...
  keep(await put(a, k0)); // ...so a must read it again.
  // One group on a: a put, a split (which reads the counter), a put after it.
  const [p1, , p2] = await Promise.all([
    put(a, k1),
    a.streams.splitShard("s", {
      shardId: "shardId-000000000000",
      newStartingHashKey: "1000",
    }),
    put(a, k1),
  ]);
  keep(p1);
  keep(p2);
  keep(await put(b, k0));
  assert.deepEqual(seqs.map(Number), [0, 1, 2, 3, 5, 6]);
  const shards = (await a.streams.describeStream("s")).shards;
  assert.equal(shards[0].endingSequenceNumber, "000000000000000000004");
  await a.close();
  await b.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("streams: a readShard page stops at 10 MiB of data, as Kinesis' GetRecords", async () => {
  await withLog(async (log) => {
    await log.streams.createStream("big");
    const data = new Uint8Array(1_000_000);
    for (let i = 0; i < 15; i++) {
      await log.streams.putRecords("big", [{ data, partitionKey: "k" }]);
    }
    const shard = "shardId-000000000000";
    // 11 records pass 10 MiB (10,485,760 bytes): the page ends after the one that does.
    const first = await log.streams.readShard("big", shard);
    assert.equal(first.records.length, 11);
    assert.equal(first.shardEnded, false);
    const rest = await log.streams.readShard("big", shard, {
      afterSequenceNumber: first.records.at(-1)!.sequenceNumber,
    });
    assert.equal(rest.records.length, 4);
    // The count limit still holds below the byte limit.
    const three = await log.streams.readShard("big", shard, { limit: 3 });
    assert.deepEqual(
      three.records.map((r) => r.sequenceNumber),
      first.records.slice(0, 3).map((r) => r.sequenceNumber),
    );
  });
});
