import assert from "node:assert/strict";
import { createLogCore } from "./log_core.ts";
import { makeTestDir } from "../test_temp_dir.ts";

Deno.test("log core: the change stamp moves with commits of this connection and of another, not otherwise", async () => {
  await using tmp = await makeTestDir();
  const path = `${tmp.path}/log.db`;
  const a = createLogCore(path, { fsync: false });
  const b = createLogCore(path, { fsync: false });
  const write = (core: typeof a) =>
    core.committer.submit((db) =>
      db.exec(
        "CREATE TABLE IF NOT EXISTS t (n INTEGER); INSERT INTO t VALUES (1)",
      )
    );
  const first = a.changeStamp();
  assert.equal(a.changeStamp(), first); // nothing committed: the same stamp
  await write(a);
  const own = a.changeStamp();
  assert.notEqual(own, first);
  await write(b);
  const other = a.changeStamp();
  assert.notEqual(other, own);
  assert.equal(a.changeStamp(), other);
  await a.close();
  await b.close();
});
