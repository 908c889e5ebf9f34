import assert from "node:assert/strict";
import { openS3Store } from "../adapters/s3/mod.ts";
import { withS3Server } from "../adapters/s3/test_server.ts";
import { storeWith } from "../lake/test_store.ts";
import { cleanTopic } from "./topic.ts";

const user = (ind: number) =>
  JSON.stringify({
    ind,
    first_name: "Ann",
    last_name: `L${ind}`,
    age: 20 + (ind % 40),
    date_joined: "2016-01-01 00:00:00",
  }) + "\n";

Deno.test("batch on S3: a lake of one-record objects (the course's flush.size=1) is read 32 objects at a time, in order", async () => {
  await withS3Server(async (endpoint) => {
    const lake = await openS3Store({ endpoint, bucket: "lake" });
    const n = 600;
    for (let i = 0; i < n; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          lake.put(
            `topics/pinterest.user/partition=0/pinterest.user+0+${
              String(i + j).padStart(10, "0")
            }.json`,
            // ind 7 again at offset 500: the first arrival (offset 7) is kept.
            user(i + j === 500 ? 7 : i + j),
          )),
      );
    }
    let inFlight = 0;
    let most = 0;
    const counting = storeWith(lake, {
      get: async (key) => {
        most = Math.max(most, ++inFlight);
        try {
          return await lake.get(key);
        } finally {
          inFlight--;
        }
      },
    });
    const listed: unknown[] = [];
    const { clean, summary } = await cleanTopic(counting, "user", {
      logger: {
        info: (message, context) => {
          if (context?.objectsListed !== undefined) {
            listed.push([message, context.objectsListed]);
          }
        },
        warn: () => {},
        error: () => {},
      },
      progressIntervalMs: 0,
    });
    // One page of keys: one progress line, through the counting store to the S3 store.
    assert.deepEqual(listed, [["batch user: listing", n]]);
    assert.equal(most, 32);
    assert.deepEqual(summary, {
      ...summary,
      objects: n,
      records: n,
      rows: 599,
    });
    assert.equal(summary.duplicates, 1);
    const inds = clean.getColumn("ind").toArray();
    assert.deepEqual(inds.slice(0, 3), [0, 1, 2]);
    assert.equal(inds.includes(500), false);
    assert.deepEqual(clean.getColumn("user_name").toArray().slice(7, 9), [
      "Ann L7",
      "Ann L8",
    ]);
  });
});
