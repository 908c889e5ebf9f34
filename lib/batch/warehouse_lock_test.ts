// The warehouse lock across processes: a batch in another process makes this one wait,
// and a batch killed while holding it (SIGKILL) does not leave it held.
import assert from "node:assert/strict";
import { lockWarehouse, warehouseLockPath } from "./warehouse_lock.ts";

Deno.test("warehouse lock: held by another process, it is waited for; once that process is killed, it is taken", async () => {
  const dir = await Deno.makeTempDir();
  const holder = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `const h = await Deno.open(${
        JSON.stringify(warehouseLockPath(dir))
      }, { create: true, write: true });
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
    // The lock file stays, empty.
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      ".batch.lock",
    ]);
    assert.equal((await Deno.stat(warehouseLockPath(dir))).size, 0);
  } finally {
    await holder.stdout.cancel().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
