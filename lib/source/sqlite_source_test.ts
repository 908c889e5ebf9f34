import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { fileURLToPath } from "node:url";
import { tryLockFile } from "../file_lock.ts";
import { BackendError } from "../errors.ts";
import {
  createGenerator,
  openSqliteSource,
  seedSqlite,
  SourceNotFoundError,
  SourceOffsetError,
  toCourseJson,
} from "./mod.ts";
import { makeTestDir, type TestDir } from "../test_temp_dir.ts";

/** A source in `tmp` seeded with `rows` rows, and the progress it reported. */
async function seeded(tmp: TestDir, rows: number, seed: number) {
  const dir = tmp.path;
  const path = `${dir}/source.db`;
  const progress: number[] = [];
  const summary = await seedSqlite(path, {
    rows,
    seed,
    progressEvery: 250,
    onProgress: (p) => progress.push(p.rows),
  });
  return { dir, path, progress, summary };
}

Deno.test("sqlite source: seeded rows read back exactly at each offset", async () => {
  await using tmp = await makeTestDir();
  const { dir, path, progress, summary } = await seeded(tmp, 1_000, 5);
  assert.deepEqual(progress, [250, 500, 750, 1_000]);
  assert.equal(summary.rows, 1_000);
  assert.equal(summary.seed, 5);
  assert.equal(summary.location, path);
  const names = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  assert.deepEqual(names, ["source.db"]);
  const source = await openSqliteSource(path);
  try {
    assert.equal(source.location, path);
    assert.equal(await source.rowCount(), 1_000);
    const gen = createGenerator({ rows: 1_000, seed: 5 });
    for (const offset of [0, 1, 499, 998, 999]) {
      assert.deepEqual(await source.readPost(offset), gen.post(offset));
    }
    const { geo, user } = await source.readPost(3);
    assert.ok(
      geo.timestamp instanceof Date && user.date_joined instanceof Date,
    );
  } finally {
    await source.close();
  }
});

Deno.test("sqlite source: rowids out of order fall back to LIMIT 1 OFFSET ? with the same rows", async () => {
  await using tmp = await makeTestDir();
  const { path } = await seeded(tmp, 300, 8);
  const db = new DatabaseSync(path);
  for (const t of ["pinterest_data", "geolocation_data", "user_data"]) {
    db.exec(`UPDATE "${t}" SET rowid = rowid + 1000`);
  }
  db.close();
  const source = await openSqliteSource(path);
  const gen = createGenerator({ rows: 300, seed: 8 });
  try {
    assert.equal(await source.rowCount(), 300);
    for (const offset of [0, 150, 299]) {
      assert.deepEqual(await source.readPost(offset), gen.post(offset));
    }
  } finally {
    await source.close();
  }
});

Deno.test("sqlite source: tables without rowids and views are read with LIMIT 1 OFFSET ?, as the course reads them", async () => {
  await using tmp = await makeTestDir();
  const { path } = await seeded(tmp, 50, 4);
  const db = new DatabaseSync(path);
  // pinterest_data keyed on "index" WITHOUT ROWID; geolocation_data a view over a table.
  db.exec(`
    CREATE TABLE pin_keyed ("index" INTEGER PRIMARY KEY, unique_id TEXT, title TEXT,
      description TEXT, poster_name TEXT, follower_count TEXT, tag_list TEXT,
      is_image_or_video TEXT, image_src TEXT, downloaded INTEGER, save_location TEXT,
      category TEXT) WITHOUT ROWID;
    INSERT INTO pin_keyed SELECT * FROM pinterest_data;
    DROP TABLE pinterest_data;
    ALTER TABLE pin_keyed RENAME TO pinterest_data;
    ALTER TABLE geolocation_data RENAME TO geo_rows;
    CREATE VIEW geolocation_data AS SELECT * FROM geo_rows;
  `);
  db.close();
  const source = await openSqliteSource(path);
  try {
    assert.equal(await source.rowCount(), 50);
    // Keyed rows come in "index" order, the view's in the table's order.
    const gen = createGenerator({ rows: 50, seed: 4 });
    const byIndex = Array.from({ length: 50 }, (_, i) => gen.post(i).pin)
      .sort((a, b) => a.index - b.index);
    for (const offset of [0, 17, 49]) {
      const post = await source.readPost(offset);
      assert.deepEqual(post.pin, byIndex[offset]);
      assert.deepEqual(post.geo, gen.post(offset).geo);
      assert.deepEqual(post.user, gen.post(offset).user);
    }
  } finally {
    await source.close();
  }
});

Deno.test("sqlite source: datetime text of another shape is passed on as written, not dropped", async () => {
  await using tmp = await makeTestDir();
  const { path } = await seeded(tmp, 10, 3);
  const db = new DatabaseSync(path);
  db.exec(
    `UPDATE geolocation_data SET timestamp = '2020-08-28T03:52:47+00:00' WHERE rowid = 1;
     UPDATE user_data SET date_joined = '2016-01-01' WHERE rowid = 1`,
  );
  db.close();
  const source = await openSqliteSource(path);
  try {
    const { geo, user } = await source.readPost(0);
    assert.deepEqual(
      [toCourseJson(geo).timestamp, toCourseJson(user).date_joined],
      ["2020-08-28T03:52:47+00:00", "2016-01-01"],
    );
  } finally {
    await source.close();
  }
});

Deno.test("sqlite source: a reseed replaces the file atomically under an open reader", async () => {
  await using tmp = await makeTestDir();
  const { path } = await seeded(tmp, 200, 1);
  const before = await openSqliteSource(path);
  await seedSqlite(path, { rows: 300, seed: 2 });
  const after = await openSqliteSource(path);
  try {
    assert.deepEqual(
      await before.readPost(10),
      createGenerator({ rows: 200, seed: 1 }).post(10),
    );
    assert.equal(await after.rowCount(), 300);
    assert.deepEqual(
      await after.readPost(10),
      createGenerator({ rows: 300, seed: 2 }).post(10),
    );
  } finally {
    await before.close();
    await after.close();
  }
});

Deno.test("sqlite source: offsets outside the table are rejected with SourceOffsetError", async () => {
  await using tmp = await makeTestDir();
  const { path } = await seeded(tmp, 100, 3);
  const source = await openSqliteSource(path);
  try {
    for (const offset of [-1, 100, 1.5, Number.NaN]) {
      await assert.rejects(source.readPost(offset), (err) => {
        assert.ok(err instanceof SourceOffsetError);
        assert.equal(err.code, "SOURCE_BAD_OFFSET");
        assert.match(err.message, /from 0 to 99/);
        return true;
      });
    }
  } finally {
    await source.close();
  }
});

Deno.test("sqlite source: a missing file or missing tables name the seed command", async () => {
  await using dirTmp = await makeTestDir();
  const dir = dirTmp.path;
  await assert.rejects(openSqliteSource(`${dir}/nope.db`), (err) => {
    assert.ok(err instanceof SourceNotFoundError);
    assert.equal(err.code, "SOURCE_NOT_FOUND");
    assert.match(err.message, /does not exist.*deno task seed/);
    return true;
  });
  const db = new DatabaseSync(`${dir}/empty.db`);
  db.exec('CREATE TABLE "user_data" (ind INTEGER)');
  db.close();
  await assert.rejects(openSqliteSource(`${dir}/empty.db`), (err) => {
    assert.ok(err instanceof SourceNotFoundError);
    assert.match(
      err.message,
      /lacks the table\(s\) pinterest_data, geolocation_data/,
    );
    return true;
  });
  // A file that is not SQLite at all: typed too, and seeding replaces it.
  const garbage = `${dir}/garbage.db`;
  await Deno.writeTextFile(garbage, "not a database, not even close\n");
  await assert.rejects(openSqliteSource(garbage), (err) => {
    assert.ok(err instanceof SourceNotFoundError);
    assert.equal(
      err.message,
      `Source ${garbage}: the file is not a readable SQLite database (file is not a database); ` +
        "seeding replaces only SQLite files, so delete it first if it is yours to lose. " +
        `Create it with \`deno task seed\` (or \`deno task seed --source ${garbage}\`).`,
    );
    return true;
  });
  // A path below a file cannot be written: a BackendError naming it.
  await assert.rejects(
    seedSqlite(`${garbage}/source.db`, { rows: 3 }),
    (err) => {
      assert.ok(err instanceof BackendError);
      assert.match(
        err.message,
        new RegExp(
          `^sqlite: cannot write the source file ${garbage}/source\\.db \\(.+\\); check that its folder can be created and written and has free space, or pass another --source$`,
        ),
      );
      return true;
    },
  );
  // A failure after the rows were written (here the rename, onto a folder) is typed
  // too, and leaves no temp file behind.
  const taken = `${dir}/taken.db`;
  await Deno.mkdir(`${taken}/inside`, { recursive: true });
  await assert.rejects(seedSqlite(taken, { rows: 3 }), (err) => {
    assert.ok(err instanceof BackendError);
    assert.match(
      err.message,
      new RegExp(
        `^sqlite: cannot write the source file ${taken} \\(.+\\); check that its folder can be created and written and has free space, or pass another --source$`,
      ),
    );
    return true;
  });
  assert.deepEqual(
    [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
    ["empty.db", "garbage.db", "taken.db"],
  );
  // A damaged SQLite file (its header kept) is replaced by a seed.
  const damaged = `${dir}/damaged.db`;
  await Deno.writeTextFile(damaged, "SQLite format 3\u0000" + "?".repeat(100));
  await assert.rejects(openSqliteSource(damaged), (err) => {
    assert.ok(err instanceof SourceNotFoundError);
    assert.match(err.message, /; seeding replaces it\. Create it with/);
    return true;
  });
  await seedSqlite(damaged, { rows: 3 });
  const source = await openSqliteSource(damaged);
  assert.equal(await source.rowCount(), 3);
  await source.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("sqlite source: a killed seed's temp file is removed by the next seed; a running seed's is not", async () => {
  await using tmp = await makeTestDir();
  const path = `${tmp.path}/source.db`;
  const cli = fileURLToPath(new URL("../cli/seed.ts", import.meta.url));
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cli, "--rows", "5000000", "--source", path],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const temps = () =>
    [...Deno.readDirSync(tmp.path)].map((e) => e.name).filter((n) =>
      n.startsWith("source.db.tmp-")
    );
  try {
    // Killed once its temp file holds some rows.
    for (let i = 0; i < 600; i++) {
      const name = temps().find((n) => !n.endsWith("-journal"));
      if (name && Deno.statSync(`${tmp.path}/${name}`).size > 1 << 20) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
  assert.equal(temps().filter((n) => !n.endsWith("-journal")).length, 1);
  // A seed running now (its lock held) keeps its temp file.
  const live = await tryLockFile(`${path}.tmp-live`);
  await seedSqlite(path, { rows: 10, seed: 1 });
  assert.deepEqual(
    [...Deno.readDirSync(tmp.path)].map((e) => e.name).sort(),
    ["source.db", "source.db.tmp-live"],
  );
  live?.close();
  await seedSqlite(path, { rows: 10, seed: 1 });
  assert.deepEqual(temps(), []);
});
