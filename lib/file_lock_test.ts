import assert from "node:assert/strict";
import { tryLockFile } from "./file_lock.ts";

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
