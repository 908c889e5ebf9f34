import assert from "node:assert/strict";
import {
  expectError,
  put,
  stored,
  STREAM,
  withGateway,
} from "./test_support.ts";

const MIB = 1024 * 1024;

/** `n` records of exactly 1 MiB each (Data + PartitionKey "p"), Data as a string. */
function stringRecords(n: number) {
  const Data = "x".repeat(MIB - 1);
  return Array.from({ length: n }, () => ({ Data, PartitionKey: "p" }));
}

/** `n` records of exactly 1 MiB each, Data as an object (the bytes-level fast path). */
function objectRecords(n: number) {
  const Data = { p: "x".repeat(MIB - 1 - '{"p":""}'.length) };
  return Array.from({ length: n }, () => ({ Data, PartitionKey: "p" }));
}

Deno.test("PutRecords over 5 MiB in all (Data + PartitionKey): 422 42202 as Kinesis refuses it, nothing appended", async () => {
  await withGateway(async (gw, log) => {
    for (const records of [stringRecords(6), objectRecords(6)]) {
      const res = await gw.handler(
        put(`/streams/${STREAM}/records`, { Records: records }),
      );
      assert.equal(
        await expectError(res, { status: 422, errorCode: 42202 }),
        '"Records" hold 6291456 bytes (Data + PartitionKey); a PutRecords request holds at most 5242880 (5 MiB), as Kinesis takes: send fewer records per request.',
      );
    }
    assert.deepEqual(await stored(log), { topic: 0, stream: 0 });
  });
});

Deno.test("PutRecords of exactly 5 MiB in all is taken", async () => {
  await withGateway(async (gw, log) => {
    const res = await gw.handler(
      put(`/streams/${STREAM}/records`, { Records: objectRecords(5) }),
    );
    assert.equal(res.status, 200);
    assert.equal((await res.json()).FailedRecordCount, 0);
    assert.deepEqual(await stored(log), { topic: 0, stream: 5 });
  });
});
