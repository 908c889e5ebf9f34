/**
 * The data root: the names of every stage's files below it, and a root that cannot be a folder.
 */
import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { openTopicLog } from "./backends.ts";
import { dataPaths, ensureDataDir } from "./data_paths.ts";
import { loadConfig } from "./settings.ts";

Deno.test("dataPaths names every stage's files below the data dir", () => {
  assert.deepEqual(dataPaths("/d"), {
    source: "/d/source.db",
    log: "/d/log.db",
    lake: "/d/lake",
    warehouse: "/d/warehouse",
    stream: "/d/stream",
    report: "/d/report.html",
  });
});

Deno.test("a data root that cannot be a folder is a ConfigError naming DATA_DIR", async () => {
  const file = await Deno.makeTempFile();
  const config = loadConfig({ dataDir: file }, { env: {} });
  try {
    for (
      const open of [() => ensureDataDir(file), () => openTopicLog(config)]
    ) {
      await assert.rejects(open, (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.context.setting, "DATA_DIR (--data-dir)");
        assert.match(
          e.message,
          new RegExp(
            `^Invalid setting DATA_DIR \\(--data-dir\\)="${file}": cannot be used as a folder \\(`,
          ),
        );
        return true;
      });
    }
  } finally {
    await Deno.remove(file);
  }
});
