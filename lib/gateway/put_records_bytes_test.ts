import assert from "node:assert/strict";
import { InvalidBodyError } from "./errors.ts";
import { checkPutRecordsBytes, KINESIS_LIMITS } from "./validate.ts";

const LIMIT = KINESIS_LIMITS.requestBytes;

Deno.test("checkPutRecordsBytes counts a key's UTF-8 bytes: exactly 5 MiB passes, a byte more is refused", () => {
  // "é" is 1 UTF-16 unit and 2 UTF-8 bytes: 4 keys of 2 bytes each.
  const at = (extra: number) => [
    { data: new Uint8Array(LIMIT - 8 - extra), partitionKey: "é" },
    ...Array.from({ length: 3 }, () => ({
      data: new Uint8Array(0),
      partitionKey: "é",
    })),
  ];
  checkPutRecordsBytes(at(0));
  const over = at(-1);
  assert.throws(() => checkPutRecordsBytes(over), (e: unknown) => {
    assert.ok(e instanceof InvalidBodyError);
    assert.equal(
      e.message,
      `"Records" hold 5242881 bytes (Data + PartitionKey); a PutRecords request holds at most 5242880 (5 MiB), as Kinesis takes: send fewer records per request.`,
    );
    return true;
  });
});

Deno.test("checkPutRecordsBytes encodes no key of a request far below 5 MiB (it runs on every PutRecords)", () => {
  const records = Array.from({ length: 500 }, (_, i) => ({
    data: new Uint8Array(1000),
    partitionKey: `pk-${i}`,
  }));
  const encode = TextEncoder.prototype.encode;
  let calls = 0;
  TextEncoder.prototype.encode = function (this: TextEncoder, s?: string) {
    calls++;
    return encode.call(this, s);
  };
  try {
    checkPutRecordsBytes(records);
  } finally {
    TextEncoder.prototype.encode = encode;
  }
  assert.equal(calls, 0);
});
