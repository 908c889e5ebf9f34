// The warehouse's commit mark: set before the renames of a commit, cleared after them.
import assert from "node:assert/strict";
import {
  clearCommitMark,
  commitMarkPath,
  isCommitMarked,
  markCommit,
} from "./commit_mark.ts";

Deno.test("commit mark: set, seen, cleared; one a stopped commit left is set again and cleared", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.equal(await isCommitMarked(dir), false);
    await markCommit(dir);
    assert.equal(await isCommitMarked(dir), true);
    assert.equal((await Deno.stat(commitMarkPath(dir))).size, 0);
    // A commit after a stopped one finds the mark already there.
    await markCommit(dir);
    await clearCommitMark(dir);
    assert.equal(await isCommitMarked(dir), false);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
