import assert from "node:assert/strict";
import type { StreamRecordInput } from "../../log/types.ts";
import { openKinesisLog } from "./mod.ts";
import {
  chunkIndexes,
  PUT_RECORDS_LIMITS,
  type PutBatch,
  putWithRetry,
} from "./put_records.ts";
import {
  createKinesisClient,
  type KinesisClient,
  PutRecordsCommand,
} from "./sdk.ts";
import { kinesisTestTarget, uniqueStream, withKinesis } from "./test_target.ts";

const target = await kinesisTestTarget();
const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("chunkIndexes: at most maxRecords and maxBytes per request, a big record alone", () => {
  assert.deepEqual(chunkIndexes([], { maxRecords: 2, maxBytes: 10 }), []);
  assert.deepEqual(
    chunkIndexes([1, 1, 1, 1, 1], { maxRecords: 2, maxBytes: 10 }),
    [[0, 1], [2, 3], [4]],
  );
  assert.deepEqual(
    chunkIndexes([4, 4, 3, 20, 1], { maxRecords: 500, maxBytes: 10 }),
    [[0, 1], [2], [3], [4]],
  );
  assert.deepEqual(
    chunkIndexes([5, 5, 5], { maxRecords: 500, maxBytes: 10 }),
    [[0, 1], [2]],
  );
  assert.deepEqual(PUT_RECORDS_LIMITS, {
    maxRecords: 500,
    maxBytes: 5_242_880,
  });
});

/** The PutRecords call of the adapter, on a real client. */
function realSend(client: KinesisClient, stream: string): PutBatch {
  return async (entries) =>
    (await client.send(
      new PutRecordsCommand({ StreamName: stream, Records: entries }),
    )).Records!;
}

async function readAll(endpoint: string, stream: string) {
  const log = await openKinesisLog({ endpoint });
  try {
    const page = await log.readShard(stream, "shardId-000000000000", {
      limit: 10_000,
    });
    return page.records;
  } finally {
    await log.close();
  }
}

Deno.test({
  name: "putWithRetry against kinesis-mock",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: (t) =>
    withKinesis(target, async (endpoint) => {
      const client = createKinesisClient({ endpoint });
      const log = await openKinesisLog({ endpoint });
      try {
        await t.step(
          "only failed entries are sent again, with backoff; the rest is reported in input order",
          async () => {
            // kinesis-mock never throttles, so a stand-in in front of it answers the per-record
            // throttling / internal-failure entries Kinesis sends (same shape, not sent on);
            // every other entry goes to the real server.
            const stream = uniqueStream("retry");
            await log.createStream(stream);
            const failures: Record<string, string[]> = {
              t1: ["ProvisionedThroughputExceededException"],
              t2: ["InternalFailure", "InternalFailure"],
              always: Array(10).fill("ProvisionedThroughputExceededException"),
              kms: ["KMSAccessDeniedException"],
            };
            const calls: string[][] = [];
            const send = realSend(client, stream);
            const throttled: PutBatch = async (entries) => {
              const call = calls.push(entries.map((e) => e.PartitionKey!)) - 1;
              const code = (key: string) => failures[key]?.[call];
              const through = entries.filter((e) => !code(e.PartitionKey!));
              const out = through.length > 0 ? await send(through) : [];
              let k = 0;
              return entries.map((e) => {
                const c = code(e.PartitionKey!);
                return c
                  ? { ErrorCode: c, ErrorMessage: `${c} (stand-in)` }
                  : out[k++];
              });
            };
            const keys = ["ok0", "t1", "ok1", "t2", "always", "kms", "ok2"];
            const records = keys.map((k) => ({
              data: enc.encode(k),
              partitionKey: k,
            }));
            const delays: number[] = [];
            const results = await putWithRetry(throttled, records, {
              maxRetries: 3,
              baseDelayMs: 100,
              sleep: (ms) => {
                delays.push(ms);
                return Promise.resolve();
              },
            });
            assert.deepEqual(calls, [
              keys,
              ["t1", "t2", "always"],
              ["t2", "always"],
              ["always"],
            ]);
            assert.equal(delays.length, 3);
            [[50, 100], [100, 200], [200, 400]].forEach(([lo, hi], i) =>
              assert.ok(
                delays[i] >= lo && delays[i] <= hi,
                `delay ${i}: ${delays[i]}`,
              )
            );
            assert.deepEqual(results[4], {
              errorCode: "ProvisionedThroughputExceededException",
              errorMessage: "ProvisionedThroughputExceededException (stand-in)",
            });
            assert.deepEqual(results[5], {
              errorCode: "KMSAccessDeniedException",
              errorMessage: "KMSAccessDeniedException (stand-in)",
            });
            const read = await readAll(endpoint, stream);
            assert.deepEqual(
              read.map((r) => dec.decode(r.data)),
              ["ok0", "ok1", "ok2", "t1", "t2"],
            );
            for (const r of read) {
              const i = keys.indexOf(r.partitionKey);
              assert.deepEqual(results[i], {
                shardId: "shardId-000000000000",
                sequenceNumber: r.sequenceNumber,
              });
            }
            await log.deleteStream(stream);
          },
        );

        await t.step(
          "a real per-record failure of kinesis-mock is reported in place and not retried",
          async () => {
            const stream = uniqueStream("oversize");
            await log.createStream(stream);
            const records: StreamRecordInput[] = [
              { data: enc.encode("a"), partitionKey: "a" },
              { data: new Uint8Array(1024 * 1024 + 1), partitionKey: "big" },
              { data: enc.encode("b"), partitionKey: "" },
              { data: enc.encode("c"), partitionKey: "c" },
            ];
            let sent = 0;
            const send = realSend(client, stream);
            const results = await putWithRetry((entries) => {
              sent += entries.length;
              return send(entries);
            }, records);
            assert.equal(sent, 3); // the empty partition key is never sent
            assert.deepEqual(results[1], {
              errorCode: "InvalidArgumentException",
              errorMessage:
                "Record data size 1048577 exceeds the stream's max record size of 1048576 bytes",
            });
            assert.deepEqual(results[2], {
              errorCode: "InvalidArgumentException",
              errorMessage: "PartitionKey must have 1 to 256 characters",
            });
            const read = await readAll(endpoint, stream);
            assert.deepEqual(read.map((r) => dec.decode(r.data)), ["a", "c"]);
            assert.deepEqual(
              [results[0], results[3]],
              read.map((r) => ({
                shardId: r.shardId,
                sequenceNumber: r.sequenceNumber,
              })),
            );
            await log.deleteStream(stream);
          },
        );

        await t.step(
          "a partition key past 256 UTF-16 code units fails alone, not the request",
          async () => {
            // kinesis-mock (as the embedded log and the gateway) counts a key's length in
            // UTF-16 code units: an emoji is 2. Before: 129 emoji (129 code points) were
            // sent, and kinesis-mock refused the whole request ('Partition key must be
            // between 1 and 256 in length'), thrown as INVALID_ARGUMENT for all 3 records.
            const stream = uniqueStream("unicode-key");
            await log.createStream(stream);
            const keys = ["a", "😀".repeat(128), "😀".repeat(129)];
            const results = await log.putRecords(
              stream,
              keys.map((k, i) => ({
                data: enc.encode(`${i}`),
                partitionKey: k,
              })),
            );
            assert.deepEqual(results[2], {
              errorCode: "InvalidArgumentException",
              errorMessage: "PartitionKey must have 1 to 256 characters",
            });
            const read = await readAll(endpoint, stream);
            assert.deepEqual(
              read.map((r) => [dec.decode(r.data), r.partitionKey]),
              [["0", keys[0]], ["1", keys[1]]],
            );
            assert.deepEqual(
              results.slice(0, 2),
              read.map((r) => ({
                shardId: r.shardId,
                sequenceNumber: r.sequenceNumber,
              })),
            );
            await log.deleteStream(stream);
          },
        );

        await t.step(
          "large puts go in requests of at most 500 records (and maxBytes)",
          async () => {
            // kinesis-mock takes seconds per MiB, so the byte limit is exercised with a small
            // maxBytes; the default (5 MiB) is checked above.
            const stream = uniqueStream("chunks");
            await log.createStream(stream);
            const sizes: number[] = [];
            const send = realSend(client, stream);
            const counting: PutBatch = (entries) => {
              sizes.push(entries.length);
              return send(entries);
            };
            const small = Array.from({ length: 1201 }, (_, i) => ({
              data: enc.encode(String(i)),
              partitionKey: `p${i % 13}`,
            }));
            const big = Array.from({ length: 7 }, (_, i) => ({
              data: new Uint8Array(1000).fill(i),
              partitionKey: `b${i}`,
            }));
            const r1 = await putWithRetry(counting, small);
            const r2 = await putWithRetry(counting, big, { maxBytes: 3000 });
            assert.deepEqual(sizes, [500, 500, 201, 2, 2, 2, 1]);
            const read = await readAll(endpoint, stream);
            assert.equal(read.length, 1208);
            assert.deepEqual(
              read.map((r) => r.sequenceNumber),
              [...r1, ...r2].map((r) =>
                "sequenceNumber" in r ? r.sequenceNumber : r.errorCode
              ),
            );
            assert.deepEqual(
              read.slice(0, 1201).map((r) => dec.decode(r.data)),
              small.map((_, i) => String(i)),
            );
            assert.deepEqual(
              read.slice(1201).map((
                r,
              ) => [r.data.length, r.data[0], r.data[999]]),
              big.map((_, i) => [1000, i, i]),
            );
            await log.deleteStream(stream);
          },
        );
      } finally {
        client.destroy();
        await log.close();
      }
    }),
});
