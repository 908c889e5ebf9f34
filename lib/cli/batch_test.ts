import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";
import { openDirStore } from "../lake/mod.ts";
import { silentLogger } from "../logger.ts";
import { parseBatchArgs, runBatchCli } from "./batch.ts";

Deno.test("batch cli: flags over environment, profile validated", () => {
  const config = parseBatchArgs(["--prefix", "demo"], { DATA_DIR: "/env" });
  assert.deepEqual([config.profile, config.dataDir, config.prefix], [
    "embedded",
    "/env",
    "demo",
  ]);
  assert.throws(() => parseBatchArgs(["--profile", "cloudy"], {}), ConfigError);
  assert.throws(() => parseBatchArgs(["--nope"], {}), TypeError);
});

Deno.test("batch cli: cleans the embedded lake of --data-dir into its warehouse", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const lake = openDirStore(join(dataDir, "lake"));
    const user = (ind: number, first: string) =>
      JSON.stringify({
        ind,
        first_name: first,
        last_name: "Lee",
        age: 30,
        date_joined: "2016-01-02 03:04:05",
      });
    await lake.put(
      "topics/cli.user/partition=0/cli.user+0+0000000000.json",
      [user(7, "Ann"), user(8, "Bo"), user(7, "Ann")].join("\n") + "\n",
    );
    const summary = await runBatchCli([
      "--data-dir",
      dataDir,
      "--prefix",
      "cli",
    ], { logger: silentLogger });
    assert.deepEqual(summary.tables.user, {
      ...summary.tables.user,
      objects: 1,
      records: 3,
      duplicates: 1,
      quarantined: 0,
      rows: 2,
    });
    assert.equal(summary.tables.pin.rows, 0);
    assert.equal(summary.warehouseDir, join(dataDir, "warehouse"));
    assert.equal(
      (await Deno.stat(join(dataDir, "warehouse", "user.parquet"))).isFile,
      true,
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
