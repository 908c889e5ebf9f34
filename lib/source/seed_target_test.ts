import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { SeedTargetError } from "./errors.ts";
import { checkSeedTarget } from "./seed_target.ts";
import { seedSqlite } from "./sqlite_source.ts";

const SQLITE_HEADER = "SQLite format 3\u0000";

Deno.test("seed target: a missing file, an empty one, a seeded source and a damaged SQLite file may be replaced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await checkSeedTarget(`${dir}/missing.db`);
    await Deno.writeFile(`${dir}/empty.db`, new Uint8Array());
    await checkSeedTarget(`${dir}/empty.db`);
    await seedSqlite(`${dir}/source.db`, { rows: 3 });
    await checkSeedTarget(`${dir}/source.db`);
    // A SQLite header over garbage: a source file that was damaged.
    await Deno.writeTextFile(
      `${dir}/damaged.db`,
      SQLITE_HEADER + "x".repeat(200),
    );
    await checkSeedTarget(`${dir}/damaged.db`);
    const summary = await seedSqlite(`${dir}/damaged.db`, { rows: 3 });
    assert.equal(summary.rows, 3);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seed target: a file that is not SQLite is refused and left as it was", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const notes = `${dir}/notes.md`;
    await Deno.writeTextFile(notes, "# my notes\n");
    await assert.rejects(seedSqlite(notes, { rows: 3 }), (err) => {
      assert.ok(err instanceof SeedTargetError, String(err));
      assert.equal(
        err.message,
        `Refusing to seed ${notes}: it is not a SQLite database, so not a source file a seed ` +
          "wrote, and seeding would replace it. Pass another --source, or delete the file " +
          "if it is yours to lose.",
      );
      assert.equal(err.context.path, notes);
      return true;
    });
    assert.equal(await Deno.readTextFile(notes), "# my notes\n");
    assert.deepEqual(
      [...Deno.readDirSync(dir)].map((e) => e.name),
      ["notes.md"],
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seed target: a SQLite database holding other tables (the embedded log, say) is refused and left as it was", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const log = `${dir}/log.db`;
    const db = new DatabaseSync(log);
    db.exec("CREATE TABLE records (id INTEGER PRIMARY KEY, value BLOB)");
    db.exec("CREATE TABLE user_data (ind INTEGER)");
    db.exec("CREATE TABLE offsets (grp TEXT)");
    db.exec("INSERT INTO records (value) VALUES (x'01')");
    db.close();
    await assert.rejects(seedSqlite(log, { rows: 3 }), (err) => {
      assert.ok(err instanceof SeedTargetError, String(err));
      assert.equal(
        err.message,
        `Refusing to seed ${log}: it holds tables a source does not (offsets, records), ` +
          "and seeding would replace it. Pass another --source, or delete the file if it is " +
          "yours to lose.",
      );
      return true;
    });
    const again = new DatabaseSync(log, { readOnly: true });
    assert.equal(
      again.prepare("SELECT COUNT(*) AS n FROM records").get()?.n,
      1,
    );
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
