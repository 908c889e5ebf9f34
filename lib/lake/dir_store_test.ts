import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import { join } from "node:path";
import { LEFTOVER_TEMP_AGE_MS, openDirStore } from "./dir_store.ts";
import { InvalidKeyError, ObjectNotFoundError } from "./errors.ts";
import { makeTestDir } from "../test_temp_dir.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("dir store: put/get round trip, bytes and strings, overwrite", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = openDirStore(dir);
    assert.equal(store.location, dir);
    await store.put("a/b/c.json", '{"n":1}\n');
    await store.put("bin", new Uint8Array([0, 1, 2, 255]));
    assert.equal(text(await store.get("a/b/c.json")), '{"n":1}\n');
    assert.deepEqual(await store.get("bin"), new Uint8Array([0, 1, 2, 255]));
    await store.put("a/b/c.json", "x");
    assert.equal(text(await store.get("a/b/c.json")), "x");
    assert.equal(await Deno.readTextFile(join(dir, "a", "b", "c.json")), "x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir store: location is absolute even for a relative dir", () => {
  const store = openDirStore("some/rel");
  assert.equal(store.location, join(Deno.cwd(), "some", "rel"));
});

Deno.test("dir store: localPath is the object's file; invalid keys throw", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = openDirStore(dir);
    await store.put("topics/t/a.json", '{"n":1}\n');
    const path = store.localPath?.("topics/t/a.json");
    assert.equal(path, join(dir, "topics", "t", "a.json"));
    assert.equal(await Deno.readTextFile(path!), '{"n":1}\n');
    assert.throws(() => store.localPath?.("../x"), InvalidKeyError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir store: get of a missing key throws ObjectNotFoundError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = openDirStore(dir);
    await store.put("x/y", "1");
    for (const key of ["nope", "x", "x/y/z"]) {
      await assert.rejects(store.get(key), (e) => {
        assert.ok(e instanceof ObjectNotFoundError);
        assert.equal(e.code, "OBJECT_NOT_FOUND");
        assert.equal(e.context.key, key);
        assert.equal(e.context.location, dir);
        return true;
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir store: list is recursive, sorted, prefix-filtered, skips temp files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = openDirStore(dir);
    assert.deepEqual(await store.list(""), []);
    for (
      const k of ["t/p=1/b", "t/p=1/a", "t/p=10/a", "t/q", "u", "t/p=1/sub/c"]
    ) {
      await store.put(k, k);
    }
    await Deno.writeTextFile(join(dir, "t", "p=1", ".tmp-crashed"), "partial");
    assert.deepEqual(await store.list(""), [
      { key: "t/p=1/a", size: 7 },
      { key: "t/p=1/b", size: 7 },
      { key: "t/p=1/sub/c", size: 11 },
      { key: "t/p=10/a", size: 8 },
      { key: "t/q", size: 3 },
      { key: "u", size: 1 },
    ]);
    assert.deepEqual((await store.list("t/p=1/")).map((o) => o.key), [
      "t/p=1/a",
      "t/p=1/b",
      "t/p=1/sub/c",
    ]);
    assert.deepEqual((await store.list("t/p=1")).map((o) => o.key), [
      "t/p=1/a",
      "t/p=1/b",
      "t/p=1/sub/c",
      "t/p=10/a",
    ]);
    assert.deepEqual((await store.list("t/p=1/a")).map((o) => o.key), [
      "t/p=1/a",
    ]);
    assert.deepEqual(await store.list("missing/"), []);
    assert.deepEqual(await openDirStore(join(dir, "absent")).list(""), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir store: put leaves no temp file behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = openDirStore(dir);
    for (let i = 0; i < 20; i++) await store.put("p/k", `v${i}`);
    const names = await Array.fromAsync(
      Deno.readDir(join(dir, "p")),
      (e) => e.name,
    );
    assert.deepEqual(names, ["k"]);
    assert.equal(text(await store.get("p/k")), "v19");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir store: delete removes, absent keys are ignored", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = openDirStore(dir);
    await store.put("a/b", "1");
    await store.put("a/c", "2");
    await store.delete("a/b");
    await store.delete("a/b");
    await store.delete("zzz/none");
    await store.delete("a");
    assert.deepEqual(await store.list(""), [{ key: "a/c", size: 1 }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir store: invalid keys throw InvalidKeyError and touch nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = openDirStore(join(dir, "lake"));
    const bad: [string, string][] = [
      ["", "it is empty"],
      ["/etc/passwd", "it is absolute"],
      ["../escape", 'segment ".." is not allowed'],
      ["a/../../b", 'segment ".." is not allowed'],
      ["a/./b", 'segment "." is not allowed'],
      ["a//b", "it has an empty segment"],
      ["a/", "it has an empty segment"],
      ["a\\b", "it contains a backslash"],
      ["a\0b", "it contains a NUL byte"],
      ["a/.tmp-x", 'segments starting ".tmp-" are reserved for temp files'],
    ];
    for (const [key, problem] of bad) {
      for (
        const op of [
          () => store.put(key, "x"),
          () => store.get(key),
          () => store.delete(key),
        ]
      ) {
        await assert.rejects(op(), (e) => {
          assert.ok(e instanceof InvalidKeyError, `${key}: ${e}`);
          assert.equal(e.context.problem, problem);
          return true;
        });
      }
    }
    await assert.rejects(store.list("../"), InvalidKeyError);
    await assert.rejects(store.list("/abs"), InvalidKeyError);
    assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir store: a file-system failure is a BackendError naming the operation and the path", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const store = openDirStore(dir);
    // A file where the store needs a folder: every operation under it fails.
    await Deno.writeTextFile(`${dir}/topics`, "in the way");
    const expect = (op: string, path: string, call: string) => (e: unknown) => {
      assert.ok(e instanceof BackendError, String(e));
      assert.equal(
        e.message,
        `lake: ${op} ${path} failed: Not a directory (os error 20): ${call}; check the free ` +
          "space, permissions and open-file limit (ulimit -n) there, or set --data-dir " +
          "(DATA_DIR) to another folder: the embedded lake is {data-dir}/lake",
      );
      assert.deepEqual(e.context, { backend: "lake", op, path });
      return true;
    };
    await assert.rejects(
      store.put("topics/t/a.json", "x"),
      expect("put", `${dir}/topics/t/a.json`, `stat '${dir}/topics/t'`),
    );
    await assert.rejects(
      store.delete("topics/t/a.json"),
      expect(
        "delete",
        `${dir}/topics/t/a.json`,
        `lstat '${dir}/topics/t/a.json'`,
      ),
    );
    // Reading through a file is "no such object", as before.
    await assert.rejects(store.get("topics/t/a.json"), ObjectNotFoundError);
    assert.deepEqual(await store.list("topics/t/"), []);
    assert.equal(await Deno.readTextFile(`${dir}/topics`), "in the way");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dir store: list follows links to objects and folders (a lake assembled by hand), not loops or links to nothing", async () => {
  await using tmp = await makeTestDir();
  const lake = join(tmp.path, "lake");
  const store = openDirStore(lake);
  await store.put("t/p=0/a", "a\n");
  const elsewhere = join(tmp.path, "elsewhere");
  await Deno.mkdir(join(elsewhere, "p=1"), { recursive: true });
  await Deno.writeTextFile(join(elsewhere, "b"), "bb\n");
  await Deno.writeTextFile(join(elsewhere, "p=1", "c"), "ccc\n");
  await Deno.symlink(join(elsewhere, "b"), join(lake, "t", "p=0", "b"));
  await Deno.symlink(join(elsewhere, "p=1"), join(lake, "t", "p=1"));
  await Deno.symlink(join(lake, "t"), join(lake, "t", "p=0", "loop"));
  await Deno.symlink(join(tmp.path, "absent"), join(lake, "t", "p=0", "gone"));
  assert.deepEqual(await store.list("t/"), [
    { key: "t/p=0/a", size: 2 },
    { key: "t/p=0/b", size: 3 },
    { key: "t/p=1/c", size: 4 },
  ]);
  assert.equal(new TextDecoder().decode(await store.get("t/p=1/c")), "ccc\n");
});

Deno.test("dir store: a lake folder that is a file or a link to nothing fails list, while a missing one is empty", async () => {
  await using tmp = await makeTestDir();
  assert.deepEqual(await openDirStore(join(tmp.path, "none")).list(""), []);
  const file = join(tmp.path, "file");
  await Deno.writeTextFile(file, "not a lake");
  await assert.rejects(openDirStore(file).list("topics/"), (e) => {
    assert.ok(e instanceof BackendError, String(e));
    assert.equal(
      e.message,
      `lake: list ${file}/topics/ failed: the lake ${file} is not a folder; move that ` +
        "file away, or set --data-dir (DATA_DIR) to another folder: the embedded lake is " +
        "{data-dir}/lake",
    );
    return true;
  });
  const link = join(tmp.path, "link");
  const target = join(tmp.path, "unmounted", "lake");
  await Deno.symlink(target, link);
  await assert.rejects(openDirStore(link).list(""), (e) => {
    assert.ok(e instanceof BackendError, String(e));
    assert.equal(
      e.message,
      `lake: list ${link} failed: the lake ${link} is a link to ${target}, which does not ` +
        `exist; mount or create ${target}, or set --data-dir (DATA_DIR) to another ` +
        "folder: the embedded lake is {data-dir}/lake",
    );
    return true;
  });
});

Deno.test("dir store: list reports progress every 1,000 objects it keeps, the last call with the total", async () => {
  await using tmp = await makeTestDir();
  // Written directly (not put, which fsyncs twice an object): list reads any files.
  const write = async (folder: string, n: number) => {
    await Deno.mkdir(join(tmp.path, folder), { recursive: true });
    for (let i = 0; i < n; i++) {
      await Deno.writeTextFile(join(tmp.path, folder, `k${i}`), "x");
    }
  };
  await write("t/a", 2_000);
  await write("t/b", 500);
  const calls = async (prefix: string, dir = tmp.path) => {
    const listed: number[] = [];
    const found = await openDirStore(dir).list(prefix, {
      onProgress: (n) => listed.push(n),
    });
    assert.equal(found.length, listed.at(-1));
    return listed;
  };
  assert.deepEqual(await calls("t/"), [1_000, 2_000, 2_500]);
  assert.deepEqual(await calls("t/a/"), [1_000, 2_000]);
  // Both walked from t/, where only the objects of the prefix count.
  assert.deepEqual(await calls("t/a"), [1_000, 2_000]);
  assert.deepEqual(await calls("t/b"), [500]);
  assert.deepEqual(await calls("none/"), [0]);
  assert.deepEqual(await calls("", join(tmp.path, "absent")), [0]);
});

Deno.test("dir store: list removes the temp files of killed puts once an hour old, and nothing else", async () => {
  await using tmp = await makeTestDir();
  const store = openDirStore(tmp.path);
  await store.put("t/p=0/a.json", "a");
  const folder = join(tmp.path, "t", "p=0");
  const uuid = () => crypto.randomUUID();
  const killed = `.tmp-${uuid()}`; // a put killed mid-write, 61 minutes ago
  const writing = `.tmp-${uuid()}`; // a put another process is writing now
  const recent = `.tmp-${uuid()}`; // killed, or stalled, 59 minutes ago
  const other = ".tmp-crashed"; // not a name put makes
  const lock = `.tmp-${uuid()}.lock`;
  const dir = `.tmp-${uuid()}`; // a folder: put makes files only
  for (const name of [killed, writing, recent, other, lock]) {
    await Deno.writeTextFile(join(folder, name), "partial");
  }
  await Deno.mkdir(join(folder, dir));
  const ago = (ms: number) => new Date(Date.now() - ms);
  const old = ago(LEFTOVER_TEMP_AGE_MS + 60_000);
  for (const name of [killed, other, lock, dir]) {
    await Deno.utime(join(folder, name), old, old);
  }
  const young = ago(LEFTOVER_TEMP_AGE_MS - 60_000);
  await Deno.utime(join(folder, recent), young, young);
  assert.deepEqual(await store.list("t/"), [{ key: "t/p=0/a.json", size: 1 }]);
  const names = await Array.fromAsync(Deno.readDir(folder), (e) => e.name);
  assert.deepEqual(
    names.sort(),
    ["a.json", writing, recent, other, lock, dir].sort(),
  );
  assert.equal(LEFTOVER_TEMP_AGE_MS, 3_600_000);
});
