/**
 * A put that takes several PutRecords requests, of which a later one fails as a whole after
 * the SDK's retries (here: the stream deleted meanwhile, on kinesis-mock): the records the
 * earlier requests put are reported as put, the failed request's records each as failed.
 */
import assert from "node:assert/strict";
import { waitForStream } from "./describe.ts";
import { openKinesisLog } from "./mod.ts";
import { type PutBatch, putWithRetry } from "./put_records.ts";
import {
  createKinesisClient,
  DeleteStreamCommand,
  PutRecordsCommand,
} from "./sdk.ts";
import { kinesisTestTarget, uniqueStream, withKinesis } from "./test_target.ts";

const target = await kinesisTestTarget();
const enc = new TextEncoder();

Deno.test({
  name:
    "putWithRetry: a request that fails after earlier ones were put reports its records as failed, not the put",
  ignore: target.ignore,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withKinesis(target, async (endpoint) => {
      const client = createKinesisClient({ endpoint, maxAttempts: 1 });
      const log = await openKinesisLog({ endpoint });
      const stream = uniqueStream("partial");
      try {
        await log.createStream(stream);
        let calls = 0;
        let putBefore = 0;
        const send: PutBatch = async (entries) => {
          if (++calls === 2) {
            putBefore = (await log.readShard(stream, "shardId-000000000000", {
              limit: 10_000,
            })).records.length;
            await client.send(new DeleteStreamCommand({ StreamName: stream }));
            await waitForStream(client, stream, { until: "DELETED" });
          }
          const out = await client.send(
            new PutRecordsCommand({ StreamName: stream, Records: entries }),
          );
          return out.Records!;
        };
        const records = Array.from({ length: 7 }, (_, i) => ({
          data: enc.encode(String(i)),
          partitionKey: `k${i}`,
        }));
        // Before: the put threw ResourceNotFoundException, though records 0-2 were put (a
        // caller retrying it puts them twice).
        const results = await putWithRetry(send, records, { maxRecords: 3 });
        assert.equal(calls, 3);
        assert.equal(putBefore, 3);
        assert.deepEqual(
          results.slice(0, 3).map((r) => "shardId" in r && r.shardId),
          Array(3).fill("shardId-000000000000"),
        );
        const gone = {
          errorCode: "ResourceNotFoundException",
          errorMessage:
            `Stream arn arn:aws:kinesis:us-east-1:000000000000:stream/${stream} not found`,
        };
        assert.deepEqual(results.slice(3), Array(4).fill(gone));
      } finally {
        client.destroy();
        await log.close();
      }
    }),
});
