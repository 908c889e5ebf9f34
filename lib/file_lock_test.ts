import assert from "node:assert/strict";
import { lockNewFile, tryLockFile } from "./file_lock.ts";
import { makeTestDir } from "./test_temp_dir.ts";

Deno.test("tryLockFile: one holder at a time, in this process too; closing releases; the file is created", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/_lock`;
  const first = await tryLockFile(path);
  assert.ok(first !== null);
  assert.ok((await Deno.stat(path)).isFile);
  assert.equal(await tryLockFile(path), null);
  first.close();
  const second = await tryLockFile(path);
  assert.ok(second !== null);
  second.close();
  await assert.rejects(
    tryLockFile(`${dir}/missing/_lock`),
    Deno.errors.NotFound,
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("lockNewFile: creates and locks a fresh name; names that are taken are skipped, 10 at most", async () => {
  await using dir = await makeTestDir();
  const held = await tryLockFile(`${dir.path}/a`);
  const names = ["a", "b"];
  const { path, lock } = await lockNewFile(() =>
    `${dir.path}/${names.shift()}`
  );
  assert.equal(path, `${dir.path}/b`);
  assert.ok((await Deno.stat(path)).isFile);
  assert.equal(await tryLockFile(path), null);
  let tries = 0;
  await assert.rejects(
    lockNewFile(() => {
      tries++;
      return `${dir.path}/a`;
    }),
    /could not create and lock a new file like .*\/a in 10 tries/,
  );
  assert.equal(tries, 11); // 10 tries, and the name in the message
  lock.close();
  held?.close();
});

Deno.test("tryLockFile: with waitMs it takes a lock released meanwhile, and gives up after it", async () => {
  await using dir = await makeTestDir();
  const path = `${dir.path}/_lock`;
  const held = await tryLockFile(path);
  assert.ok(held !== null);
  setTimeout(() => held.close(), 100);
  const started = performance.now();
  const waited = await tryLockFile(path, { waitMs: 2000 });
  assert.ok(waited !== null);
  assert.ok(performance.now() - started >= 100);
  const busy = performance.now();
  assert.equal(await tryLockFile(path, { waitMs: 150 }), null);
  assert.ok(performance.now() - busy >= 150);
  waited.close();
});
