import assert from "node:assert/strict";
import { lockFreshFile, tryLockFile } from "./file_lock.ts";
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

Deno.test("lockFreshFile: locks a new file; null while another holder has it", async () => {
  await using dir = await makeTestDir();
  const path = `${dir.path}/scratch.tmp-1`;
  const lock = await lockFreshFile(path);
  assert.ok(lock !== null);
  assert.ok((await Deno.stat(path)).isFile);
  assert.equal(await lockFreshFile(path), null);
  lock.close();
});
