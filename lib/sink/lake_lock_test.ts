/**
 * The lock a sink holds on the lake folder it writes: a second lock is refused, naming the
 * holder; a lake without local files (S3) is not locked; a lock that cannot be taken is a
 * BackendError.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { BackendError } from "../errors.ts";
import { tryLockFile } from "../file_lock.ts";
import { openDirStore } from "../lake/dir_store.ts";
import { LakeBusyError } from "./errors.ts";
import { lockLake } from "./lake_lock.ts";

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lake_lock_test_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("lake lock: a second lock of a folder lake is refused naming the holder, and taken once the first is released", async () => {
  await withDir(async (dir) => {
    const store = openDirStore(join(dir, "data", "lake"));
    const lockPath = join(dir, "data", "lake.sink.lock");
    const first = await lockLake(store, {
      group: "s3-sink",
      topics: ["p.pin"],
    });
    assert.equal(first.path, lockPath);
    const holder = JSON.parse(await Deno.readTextFile(lockPath));
    assert.deepEqual(Object.keys(holder), ["pid", "group", "topics", "since"]);
    assert.deepEqual(
      [holder.pid, holder.group, holder.topics],
      [Deno.pid, "s3-sink", ["p.pin"]],
    );
    await assert.rejects(
      lockLake(store, { group: "other", topics: ["p.pin"] }),
      (e) => {
        assert.ok(e instanceof LakeBusyError);
        assert.equal(e.code, "LAKE_BUSY");
        assert.equal(
          e.message,
          `The lake ${store.location} is being written by another sink: a sink of this ` +
            `process (consumer group "s3-sink", running since ${holder.since}) holds its ` +
            `lock ${lockPath}. Two sinks on one lake, whatever their consumer groups, each ` +
            `write every record, in objects of their own boundaries, so the lake would hold ` +
            `records twice. Stop that sink first, or leave the topics to it (\`deno task ` +
            `emulate --post-only\` posts beside it).`,
        );
        return true;
      },
    );
    first.release();
    const second = await lockLake(store, { group: "other", topics: ["q.pin"] });
    const next = JSON.parse(await Deno.readTextFile(lockPath));
    assert.deepEqual([next.group, next.topics], ["other", ["q.pin"]]);
    second.release();
  });
});

Deno.test("lake lock: a holder that has not recorded itself yet is named as such", async () => {
  await withDir(async (dir) => {
    const store = openDirStore(join(dir, "lake"));
    const lockPath = join(dir, "lake.sink.lock");
    const held = await tryLockFile(lockPath);
    assert.ok(held);
    try {
      await assert.rejects(
        lockLake(store, { group: "s3-sink", topics: ["p.pin"] }),
        (e) => {
          assert.ok(e instanceof LakeBusyError);
          assert.deepEqual(e.context, {
            lake: store.location,
            lockPath,
            pid: null,
            group: null,
          });
          assert.ok(
            e.message.startsWith(
              `The lake ${store.location} is being written by another sink: a sink that ` +
                `has not recorded its process id yet holds its lock ${lockPath}. `,
            ),
          );
          return true;
        },
      );
    } finally {
      held.close();
    }
  });
});

Deno.test("lake lock: a lake without local files (S3) is not locked", async () => {
  await withDir(async (dir) => {
    const { localPath: _, ...remote } = openDirStore(join(dir, "lake"));
    const first = await lockLake(remote, { group: "a", topics: ["p.pin"] });
    const second = await lockLake(remote, { group: "b", topics: ["p.pin"] });
    assert.deepEqual([first.path, second.path], [null, null]);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
    first.release();
    second.release();
  });
});

Deno.test("lake lock: a lock file that cannot be created is a BackendError naming it", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "data"), "a file, not a folder");
    const store = openDirStore(join(dir, "data", "lake"));
    const lockPath = join(dir, "data", "lake.sink.lock");
    await assert.rejects(
      lockLake(store, { group: "s3-sink", topics: ["p.pin"] }),
      (e) => {
        assert.ok(e instanceof BackendError);
        assert.deepEqual(e.context, { backend: "lake", path: lockPath });
        assert.ok(
          e.message.startsWith(
            `lake: taking the sink's lock ${lockPath} failed: `,
          ),
        );
        assert.ok(
          e.message.endsWith(
            "; check that its folder can be created and written, or set --data-dir " +
              "(DATA_DIR) to another folder",
          ),
        );
        return true;
      },
    );
  });
});
