/**
 * The sink against a real s3rver that goes down in the middle of a run and comes back: the
 * failed object is written again once the server answers, and every record lands once.
 */
import assert from "node:assert/strict";
import { openS3Store } from "../adapters/s3/mod.ts";
import { storeWith } from "../lake/test_store.ts";
import { type LogContext, silentLogger } from "../logger.ts";
import { freePort } from "../services/process.ts";
import { s3Service } from "../services/s3.ts";
import { createSink } from "./sink.ts";
import { ndjson, partitionKeys, sinkFixture, values } from "./test_util.ts";

/** The key of the object of t.pin, partition 0, starting at `startOffset`. */
const pinKey = partitionKeys("t.pin");

Deno.test("sink on S3: the server stops mid-run and restarts; the write is tried again and every record lands once", async () => {
  const fx = await sinkFixture({ "t.pin": 1 });
  const stateDir = await Deno.makeTempDir({ prefix: "s3-outage-" });
  const port = freePort();
  const up = () => s3Service.start({ stateDir, port, buckets: ["lake"] });
  let restarted: Promise<unknown> | undefined;
  try {
    const { endpoint } = await up();
    const lake = await openS3Store({ endpoint, bucket: "lake" });
    await fx.append("t.pin", values(9));
    let puts = 0;
    // The second object's first put finds the server stopped; it is back 1.5 s later.
    const outage = storeWith(lake, {
      async put(key, body) {
        if (++puts === 2) {
          await s3Service.stop({ stateDir });
          restarted = new Promise((r) => setTimeout(r, 1_500)).then(up);
        }
        await lake.put(key, body);
      },
    });
    const warnings: LogContext[] = [];
    const sink = createSink({
      log: fx.log.topics,
      store: outage,
      topics: ["t.pin"],
      flushSize: 3,
      lakeRetry: { attempts: 20, baseDelayMs: 100, maxDelayMs: 400 },
      logger: { ...silentLogger, warn: (_m, c) => warnings.push(c ?? {}) },
    });
    await sink.drain({ idleMs: 300 });
    await restarted;
    assert.ok(warnings.length >= 1, "no retry was logged");
    assert.ok(warnings.every((w) => w.key === pinKey(3)));
    const text = new TextDecoder();
    const objects: Record<string, string> = {};
    for (const { key } of await lake.list("topics/")) {
      objects[key] = text.decode(await lake.get(key));
    }
    assert.deepEqual(objects, {
      [pinKey(0)]: ndjson(3, 0),
      [pinKey(3)]: ndjson(3, 3),
      [pinKey(6)]: ndjson(3, 6),
    });
    assert.equal(await fx.committed("t.pin", 0), 9);
  } finally {
    await restarted?.catch(() => {}); // a restart still due would outlive the test
    await s3Service.stop({ stateDir });
    await fx.cleanup();
    await Deno.remove(stateDir, { recursive: true });
  }
});
