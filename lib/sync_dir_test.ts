import assert from "node:assert/strict";
import { syncDir } from "./sync_dir.ts";

Deno.test("syncDir: fsyncs an existing folder; a missing one is NotFound, not skipped", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a`, "x");
    assert.equal(await syncDir(dir), undefined);
    await assert.rejects(syncDir(`${dir}/missing`), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
