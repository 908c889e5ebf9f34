// The warehouse lock across processes: a batch in another process makes this one wait,
// and a batch killed while holding it (SIGKILL) does not leave it held.
import assert from "node:assert/strict";
import { lockWarehouse } from "./warehouse_lock.ts";

Deno.test("warehouse lock: held by another process, it is waited for; once that process is killed, it is taken", async () => {
  const dir = await Deno.makeTempDir();
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const h = await Deno.open(${JSON.stringify(dir)}, { read: true });
       await h.lock(true);
       console.log("held");
       await new Promise(() => setInterval(() => {}, 1000));`,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = holder.stdout.getReader();
    const { value } = await reader.read();
    assert.equal(new TextDecoder().decode(value), "held\n");
    reader.releaseLock();
    let waits = 0;
    let taken = false;
    const lock = lockWarehouse(dir, { onWait: () => waits++ }).then((h) => {
      taken = true;
      return h;
    });
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual([taken, waits], [false, 1]);
    holder.kill("SIGKILL");
    await holder.status;
    (await lock).close();
    assert.deepEqual([taken, waits], [true, 1]);
    // No lock file: the warehouse folder holds nothing it did not before.
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await holder.stdout.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
