import assert from "node:assert/strict";
import { openEmbeddedLog } from "../log/mod.ts";
import { silentLogger } from "../logger.ts";
import { createGateway } from "./gateway.ts";
import { expectError, GOOD_TOPIC_BODY, post, TOPIC } from "./test_support.ts";

Deno.test("GET /healthz answers 503 once the log's WAL sync failed (every later write fails until a restart), 200 before", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gateway_healthz_" });
  const path = `${dir}/log.db`;
  try {
    const setup = await openEmbeddedLog(path);
    await setup.topics.createTopic(TOPIC);
    await setup.close();
    const log = await openEmbeddedLog(path);
    try {
      const gw = createGateway({
        topics: log.topics,
        streams: log.streams,
        logger: silentLogger,
      });
      const ok = await gw.handler(new Request("http://gw/healthz"));
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { status: "ok" });
      // The -wal file now names a device that cannot be synced (fdatasync: EINVAL); SQLite
      // writes on to the file it holds open, so the commit succeeds and its sync fails.
      await Deno.remove(`${path}-wal`);
      await Deno.symlink("/dev/null", `${path}-wal`);
      const failed = await gw.handler(
        post(`/topics/${TOPIC}`, GOOD_TOPIC_BODY),
      );
      const cause =
        `sqlite: could not fsync ${path}-wal: writes committed since the last sync may not survive a power loss. Check the disk, then restart the process`;
      assert.equal(
        await expectError(failed, { status: 500, errorCode: 50002 }),
        `The log failed to handle the request (${cause}); check the gateway's log and retry.`,
      );
      const res = await gw.handler(new Request("http://gw/healthz"));
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("content-type"), "application/json");
      assert.deepEqual(await res.json(), {
        status: "failing",
        message:
          `The log takes no more writes until the gateway restarts: ${cause}`,
      });
      const head = await gw.handler(
        new Request("http://gw/healthz", { method: "HEAD" }),
      );
      await head.body?.cancel();
      assert.equal(head.status, 503);
    } finally {
      await log.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
