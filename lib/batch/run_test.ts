import assert from "node:assert/strict";
import { join } from "node:path";
import { pl } from "../clean/mod.ts";
import { openDirStore } from "../lake/mod.ts";
import type { ObjectStore } from "../lake/types.ts";
import { silentLogger } from "../logger.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import { WarehouseWriteError } from "./errors.ts";
import { runBatch } from "./run.ts";
import {
  beginWarehouseWrite,
  readWarehouse,
  WAREHOUSE_TABLES,
} from "./warehouse.ts";

const key = (topic: string, p: number, offset: number) =>
  `topics/${topic}/partition=${p}/${topic}+${p}+${
    String(offset).padStart(10, "0")
  }.json`;

const ndjson = (...values: unknown[]) =>
  values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(
    "\n",
  ) + "\n";

const pin = (index: number, title: string, follower_count = "5k") => ({
  index,
  unique_id: `u${index}`,
  title,
  description: "d",
  poster_name: "P",
  follower_count,
  tag_list: "t",
  is_image_or_video: "image",
  image_src: "s",
  downloaded: 1,
  save_location: "Local save in /data/art",
  category: "art",
});
const geo = (
  ind: number,
  country: string,
  timestamp = "2019-03-04 05:06:07",
) => ({
  ind,
  timestamp,
  latitude: 1.5,
  longitude: -2.5,
  country,
});
const user = (ind: number, first: string, age: unknown = 30) => ({
  ind,
  first_name: first,
  last_name: "L",
  age,
  date_joined: "2016-01-02 03:04:05",
});

/** A lake with duplicates across partitions (2 before 10), stray keys and one bad record of each kind. */
async function fillLake(store: ObjectStore) {
  const t = "demo";
  await store.put(key(`${t}.pin`, 10, 0), ndjson(pin(1, "late"), pin(3, "p3")));
  await store.put(key(`${t}.pin`, 2, 0), ndjson(pin(1, "first"), pin(2, "p2")));
  await store.put(
    key(`${t}.pin`, 2, 2),
    ndjson(
      pin(2, "again"),
      { title: "no index" },
      pin(4, "x", "12x"),
      "{broken",
    ),
  );
  await store.put(`topics/${t}.pin/partition=2/notes.txt`, "not a sink object");
  await store.put(
    key(`${t}.geo`, 0, 0),
    ndjson(geo(1, "Chad"), geo(2, "Peru")),
  );
  await store.put(
    key(`${t}.geo`, 0, 2),
    ndjson(geo(1, "Later"), geo(5, "Bad", "2020-02-30 00:00:00"), "[1,2]"),
  );
  await store.put(
    key(`${t}.user`, 0, 0),
    ndjson(user(1, "Ada"), user(2, "Bo", true), user(3, "Cy"), user(3, "Dup")),
  );
}

Deno.test("batch: cleans, keeps first arrival per ind, quarantines bad records and finishes", async () => {
  const root = await Deno.makeTempDir();
  const store = openDirStore(join(root, "lake"));
  await fillLake(store);
  const warehouseDir = join(root, "warehouse");
  const summary = await runBatch({ store, warehouseDir, prefix: "demo" });

  assert.deepEqual(summary.tables.pin, {
    ...summary.tables.pin,
    objects: 3,
    records: 8,
    quarantined: 3,
    duplicates: 2,
    rows: 3,
  });
  assert.deepEqual(
    [
      summary.tables.geo.records,
      summary.tables.geo.quarantined,
      summary.tables.geo.rows,
    ],
    [5, 2, 2],
  );
  assert.deepEqual(
    [
      summary.tables.user.duplicates,
      summary.tables.user.quarantined,
      summary.tables.user.rows,
    ],
    [1, 1, 2],
  );
  assert.equal(summary.quarantined, 6);

  const w = await readWarehouse(warehouseDir, WAREHOUSE_TABLES);
  assert.deepEqual(w.pin.select("ind", "title", "follower_count").toRecords(), [
    { ind: 1, title: "first", follower_count: 5000 },
    { ind: 2, title: "p2", follower_count: 5000 },
    { ind: 3, title: "p3", follower_count: 5000 },
  ]);
  assert.deepEqual(w.geo.toRecords(), [
    {
      ind: 1,
      country: "Chad",
      coordinates: [1.5, -2.5],
      timestamp: new Date("2019-03-04T05:06:07Z"),
    },
    {
      ind: 2,
      country: "Peru",
      coordinates: [1.5, -2.5],
      timestamp: new Date("2019-03-04T05:06:07Z"),
    },
  ]);
  assert.deepEqual(w.user.select("ind", "user_name").toRecords(), [
    { ind: 1, user_name: "Ada L" },
    { ind: 3, user_name: "Cy L" },
  ]);
  assert.deepEqual(
    w.quarantine.select("table", "reason").toRecords().map((r) =>
      `${r.table}: ${r.reason}`
    ),
    [
      "pin: malformed JSON",
      "pin: missing ind",
      "pin: unparseable follower_count",
      "geo: malformed JSON: not an object",
      "geo: unparseable timestamp",
      "user: wrong type: age must be a whole number",
    ],
  );
  assert.deepEqual(w.quarantine.getColumn("raw").toArray(), [
    "{broken",
    JSON.stringify({ title: "no index" }),
    JSON.stringify(pin(4, "x", "12x")),
    "[1,2]",
    JSON.stringify(geo(5, "Bad", "2020-02-30 00:00:00")),
    JSON.stringify(user(2, "Bo", true)),
  ]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("batch: a rerun writes byte-identical tables and leaves no temp files", async () => {
  const root = await Deno.makeTempDir();
  const store = openDirStore(join(root, "lake"));
  await fillLake(store);
  const warehouseDir = join(root, "warehouse");
  await runBatch({ store, warehouseDir, prefix: "demo", chunkBytes: 1 });
  const first = WAREHOUSE_TABLES.map((t) =>
    Deno.readFileSync(join(warehouseDir, `${t}.parquet`))
  );
  await runBatch({ store, warehouseDir, prefix: "demo" });
  const second = WAREHOUSE_TABLES.map((t) =>
    Deno.readFileSync(join(warehouseDir, `${t}.parquet`))
  );
  assert.deepEqual(second, first);
  const names = [...Deno.readDirSync(warehouseDir)].map((e) => e.name).sort();
  assert.deepEqual(names, [
    ".batch-tables.lock",
    ".batch.lock",
    "geo.parquet",
    "pin.parquet",
    "quarantine.parquet",
    "user.parquet",
  ]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("batch: a store without local files (read into memory) writes the same tables", async () => {
  const root = await Deno.makeTempDir();
  const dir = openDirStore(join(root, "lake"));
  await fillLake(dir);
  const { localPath: _, ...remote } = dir; // as an S3 store: get/list only
  const bytes = async (store: ObjectStore, name: string) => {
    const warehouseDir = join(root, name);
    await runBatch({ store, warehouseDir, prefix: "demo", chunkBytes: 200 });
    return WAREHOUSE_TABLES.map((t) =>
      Deno.readFileSync(join(warehouseDir, `${t}.parquet`))
    );
  };
  assert.deepEqual(await bytes(remote, "remote"), await bytes(dir, "local"));
  await Deno.remove(root, { recursive: true });
});

Deno.test("batch: an empty lake writes empty tables with the clean columns and warns why", async () => {
  const root = await Deno.makeTempDir();
  const warehouseDir = join(root, "warehouse");
  const warnings: string[] = [];
  const summary = await runBatch({
    store: openDirStore(join(root, "lake")),
    warehouseDir,
    logger: { ...silentLogger, warn: (m) => warnings.push(m) },
  });
  assert.equal(summary.tables.pin.rows, 0);
  assert.deepEqual(warnings, [
    "the lake has no objects under topics/pinterest.*: no batch-mode post has reached it yet (`deno task emulate` posts in both modes by default; `--mode stream` posts to the streams only)",
  ]);
  const w = await readWarehouse(warehouseDir, WAREHOUSE_TABLES);
  assert.deepEqual(w.geo.columns, [
    "ind",
    "country",
    "coordinates",
    "timestamp",
  ]);
  assert.equal(w.user.height, 0);
  assert.deepEqual(w.quarantine.columns, ["table", "reason", "raw"]);
  await Deno.remove(root, { recursive: true });
});

Deno.test("batch: reading a warehouse without tables says to run the batch first", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    () => readWarehouse(dir, ["pin", "geo"]),
    /no pin\.parquet, geo\.parquet: run `deno task batch` first/,
  );
  await Deno.remove(dir);
});

Deno.test("batch: a table that cannot be renamed into place (a folder named pin.parquet) is a WarehouseWriteError, the old tables stay and no staging is left", async () => {
  await using tmp = await makeTestDir();
  const store = openDirStore(join(tmp.path, "lake"));
  await fillLake(store);
  const warehouseDir = join(tmp.path, "warehouse");
  await Deno.mkdir(join(warehouseDir, "pin.parquet"), { recursive: true });
  await Deno.writeTextFile(join(warehouseDir, "geo.parquet"), "old geo");
  // The commit fails and releases the staging folder; the batch then aborts, which
  // released it again and threw BadResource (closing the lock twice) over the real error.
  const error = await runBatch({ store, warehouseDir, prefix: "demo" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof WarehouseWriteError, String(error));
  assert.equal(error.code, "WAREHOUSE_WRITE");
  assert.ok(
    error.cause instanceof Deno.errors.IsADirectory,
    String(error.cause),
  );
  const names = [...Deno.readDirSync(warehouseDir)].map((e) => e.name).sort();
  assert.deepEqual(names, [".batch.lock", "geo.parquet", "pin.parquet"]);
  assert.equal(
    await Deno.readTextFile(join(warehouseDir, "geo.parquet")),
    "old geo",
  );
});

Deno.test("batch: a table that cannot be renamed into place after others could (a folder named user.parquet) leaves every old table, as the error says", async () => {
  // pin and geo were renamed before user failed: the warehouse mixed two runs, and the
  // error said 'the previous tables are unchanged'.
  await using tmp = await makeTestDir();
  const store = openDirStore(join(tmp.path, "lake"));
  await fillLake(store);
  const warehouseDir = join(tmp.path, "warehouse");
  await Deno.mkdir(join(warehouseDir, "user.parquet"), { recursive: true });
  await Deno.writeTextFile(join(warehouseDir, "pin.parquet"), "old pin");
  const error = await runBatch({ store, warehouseDir, prefix: "demo" }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof WarehouseWriteError, String(error));
  assert.match(
    error.message,
    /user\.parquet.*the previous tables are unchanged/,
  );
  const names = [...Deno.readDirSync(warehouseDir)].map((e) => e.name).sort();
  assert.deepEqual(names, [".batch.lock", "pin.parquet", "user.parquet"]);
  assert.equal(
    await Deno.readTextFile(join(warehouseDir, "pin.parquet")),
    "old pin",
  );
});

Deno.test("batch: a batch started while another writes the warehouse says so and waits for it, then writes its tables", async () => {
  await using tmp = await makeTestDir();
  const store = openDirStore(join(tmp.path, "lake"));
  await fillLake(store);
  const warehouseDir = join(tmp.path, "warehouse");
  const other = await beginWarehouseWrite(warehouseDir);
  const warnings: [string, unknown][] = [];
  let done = false;
  const run = runBatch({
    store,
    warehouseDir,
    prefix: "demo",
    logger: { ...silentLogger, warn: (m, f) => warnings.push([m, f]) },
  }).then((summary) => {
    done = true;
    return summary;
  });
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual([done, warnings], [false, [[
    "batch: another batch is writing this warehouse; waiting for it to finish",
    { dir: warehouseDir },
  ]]]);
  other.stage("pin", pl.DataFrame({ ind: [99] }));
  await other.commit();
  assert.equal((await run).tables.pin.rows, 3);
  const { pin } = await readWarehouse(warehouseDir, ["pin"]);
  assert.deepEqual(pin.getColumn("ind").toArray(), [1, 2, 3]);
});

Deno.test("batch: a topic without objects while the others have some is named in a warning; its table is written empty", async () => {
  await using tmp = await makeTestDir();
  const store = openDirStore(join(tmp.path, "lake"));
  await store.put(key("demo.geo", 0, 0), ndjson(geo(1, "Chad")));
  await store.put("topics/demo.user/partition=0/_SUCCESS", "");
  const warnings: [string, unknown][] = [];
  const summary = await runBatch({
    store,
    warehouseDir: join(tmp.path, "warehouse"),
    prefix: "demo",
    logger: { ...silentLogger, warn: (m, f) => warnings.push([m, f]) },
  });
  assert.deepEqual(
    [
      summary.tables.pin.rows,
      summary.tables.geo.rows,
      summary.tables.user.rows,
    ],
    [0, 1, 0],
  );
  assert.deepEqual(warnings, [
    ["not a sink object, skipped", {
      key: "topics/demo.user/partition=0/_SUCCESS",
    }],
    [
      "the lake has no objects under topics/demo.pin/ and topics/demo.user/: the pin and user tables are written empty, so joins on ind with them find nothing. Check that the sink consumes those topics",
      { lake: store.location },
    ],
  ]);
});

Deno.test("batch: 150,000 records that cannot be cleaned all go to quarantine and the batch finishes", async () => {
  // Pushed as spread arguments, so many rows overflowed the stack (RangeError) and failed
  // the batch, which must never fail on bad records.
  await using tmp = await makeTestDir();
  const store = openDirStore(join(tmp.path, "lake"));
  await store.put(key("demo.geo", 0, 0), "x\n".repeat(150_000));
  const warehouseDir = join(tmp.path, "warehouse");
  const summary = await runBatch({ store, warehouseDir, prefix: "demo" });
  assert.deepEqual(
    [
      summary.quarantined,
      summary.tables.geo.quarantined,
      summary.tables.geo.rows,
    ],
    [150_000, 150_000, 0],
  );
  const { quarantine } = await readWarehouse(warehouseDir, ["quarantine"]);
  assert.equal(quarantine.height, 150_000);
  assert.deepEqual(quarantine.row(149_999), ["geo", "malformed JSON", "x"]);
});
