import assert from "node:assert/strict";
import { writeAll } from "./write_all.ts";

Deno.test("writeAll: every byte of a 1 MB buffer lands in the file, in order, after what was there", async () => {
  const path = await Deno.makeTempFile();
  try {
    const bytes = new Uint8Array(1_000_000).map((_, i) => i % 251);
    {
      using file = await Deno.open(path, { write: true });
      await writeAll(file, new Uint8Array([7, 7]));
      await writeAll(file, bytes);
      await writeAll(file, new Uint8Array(0));
    }
    const got = await Deno.readFile(path);
    assert.equal(got.length, 1_000_002);
    assert.deepEqual(got.subarray(0, 2), new Uint8Array([7, 7]));
    assert.deepEqual(got.subarray(2), bytes);
  } finally {
    await Deno.remove(path);
  }
});
