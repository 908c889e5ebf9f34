import assert from "node:assert/strict";
import { SyncMode } from "./sync_mode.ts";
import { openLogDatabase } from "./sqlite_db.ts";
import { WalSync } from "./wal_sync.ts";

Deno.test("sync mode: inline while syncs are fast, async once slow, back with hysteresis", () => {
  const mode = new SyncMode({ inlineBelowMs: 1, asyncAboveMs: 2, weight: 0.5 });
  const seen: [number, boolean][] = [];
  for (const ms of [0.4, 0.4, 4, 4, 1.5, 1.5, 0.5, 0.5, 1.5]) {
    mode.note(ms);
    seen.push([mode.averageMs, mode.inline]);
  }
  assert.deepEqual(seen, [
    [0.2, true],
    [0.30000000000000004, true],
    [2.1500000000000004, false], // over 2 ms: to the thread pool
    [3.075, false],
    [2.2875, false],
    [1.89375, false], // between the bounds: stays async
    [1.196875, false],
    [0.8484375, true], // under 1 ms: inline again
    [1.17421875, true], // between the bounds: stays inline
  ]);
});

Deno.test("wal sync: starts inline, notes each sync, and syncs on the thread pool once told the disk is slow", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sync_mode_test_" });
  const path = `${dir}/log.db`;
  const db = openLogDatabase(path);
  db.exec("CREATE TABLE t (x)");
  const wal = new WalSync(path, { weight: 1 });
  assert.equal(wal.mode.inline, true);
  await wal.sync();
  assert.ok(wal.mode.averageMs > 0);
  // Told that syncs are slow, the next one runs on the thread pool and is noted too.
  wal.mode.note(10_000);
  assert.equal(wal.mode.inline, false);
  await wal.sync();
  assert.ok(wal.mode.averageMs < 10_000, "the sync was noted");
  wal.close();
  db.close();
  await Deno.remove(dir, { recursive: true });
});
