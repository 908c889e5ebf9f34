import assert from "node:assert/strict";
import { GroupBusyError } from "./errors.ts";
import { groupLockPath, lockGroup } from "./group_lock.ts";

Deno.test("groupLockPath: the group's name, URI-encoded; a name too long for a file name hashed", async () => {
  assert.equal(
    await groupLockPath("/d/log.db", "s3-sink"),
    "/d/log.db.group-s3-sink.lock",
  );
  assert.equal(
    await groupLockPath("/d/log.db", "a/b c"),
    "/d/log.db.group-a%2Fb%20c.lock",
  );
  const long = await groupLockPath("/d/log.db", "g".repeat(300));
  assert.match(long, /^\/d\/log\.db\.group-sha256-[0-9a-f]{64}\.lock$/);
  assert.equal(await groupLockPath("/d/log.db", "g".repeat(300)), long);
  assert.notEqual(await groupLockPath("/d/log.db", "g".repeat(301)), long);
  // 34 characters of 3 encoded bytes each: 102 encoded characters, hashed too.
  assert.match(
    await groupLockPath("/d/log.db", "é".repeat(34)),
    /group-sha256-/,
  );
});

Deno.test("lockGroup: a long group name locks like any other", async () => {
  const dir = await Deno.makeTempDir();
  const group = "g".repeat(300);
  const lock = await lockGroup(`${dir}/log.db`, group);
  await assert.rejects(lockGroup(`${dir}/log.db`, group), GroupBusyError);
  lock.close();
  (await lockGroup(`${dir}/log.db`, group)).close();
  await Deno.remove(dir, { recursive: true });
});
