import assert from "node:assert/strict";
import { join } from "node:path";
import { ScratchWriteError } from "./errors.ts";
import { parseNdjsonFiles, parseRawNdjson } from "./parse.ts";
import { parseRawRecords } from "./parse_lines.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("parse: the scratch file goes away; a given tempDir is kept", async () => {
  const dir = await Deno.makeTempDir();
  await parseRawRecords("geo", ['{"ind": 1}'], { tempDir: dir });
  await parseRawNdjson("geo", [enc('{"ind": 1}\n')], { tempDir: dir });
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir);
});

Deno.test("parse: scratch space that cannot be written (a file where its folder should be) is a ScratchWriteError", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const notDir = `${dir}/not-a-folder`;
    await Deno.writeTextFile(notDir, "x");
    await assert.rejects(
      parseRawNdjson("geo", [enc('{"ind": 1}\n')], { tempDir: notDir }),
      (e: unknown) => {
        assert.ok(e instanceof ScratchWriteError);
        assert.match(
          String(e.context.path),
          new RegExp(`^${notDir}/raw-[0-9a-f-]{36}\\.ndjson\\.tmp$`),
        );
        assert.match(
          e.message,
          /^Could not write .*, scratch space for the raw records polars reads \(Not a directory \(os error 20\).*\)\. Free disk space there \(or check its permissions\), then run again\.$/,
        );
        return true;
      },
    );
    const lake = `${dir}/a.json`;
    await Deno.writeTextFile(lake, '{"ind": 1}\n');
    await assert.rejects(
      parseNdjsonFiles("geo", [lake], { tempDir: notDir }),
      (e: unknown) =>
        e instanceof ScratchWriteError && e.context.path === notDir,
    );
    assert.equal(await Deno.readTextFile(notDir), "x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parse: parseRawRecords with scratch space that cannot be written is a ScratchWriteError, not every record quarantined as malformed", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const notDir = `${dir}/not-a-folder`;
    await Deno.writeTextFile(notDir, "x");
    const refused = (e: unknown) => {
      assert.ok(e instanceof ScratchWriteError);
      assert.match(
        String(e.context.path),
        new RegExp(`^${notDir}/raw-[0-9a-f-]{36}\\.ndjson\\.tmp$`),
      );
      return true;
    };
    await assert.rejects(
      parseRawRecords("user", ['{"ind": 1}', '{"ind": 2}', "not json"], {
        tempDir: notDir,
      }),
      refused,
    );
    // Only lines that are no records at all: nothing to scan, but still no endless split.
    await assert.rejects(
      parseRawRecords("user", ["[1]"], { tempDir: notDir }),
      refused,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parse: lines with nothing to scan (blank, too deep, none) write no scratch file, so scratch space that cannot be written is not reached", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const notDir = `${dir}/not-a-folder`;
    await Deno.writeTextFile(notDir, "x");
    const deep = "[".repeat(1001) + "]".repeat(1001);
    const parsed = await parseRawRecords("user", ["", deep], {
      tempDir: notDir,
    });
    assert.equal(parsed.df.height, 0);
    assert.deepEqual(parsed.quarantine.map((q) => q.raw), [deep]);
    assert.equal(
      (await parseRawRecords("user", [], { tempDir: notDir })).df.height,
      0,
    );
    assert.equal(await Deno.readTextFile(notDir), "x");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parse: records in a scratch folder named with glob characters are all read (polars took the path as a pattern and read nothing)", async () => {
  const root = await Deno.makeTempDir();
  try {
    const tempDir = join(root, "my data [2024] *?");
    await Deno.mkdir(tempDir);
    const body = enc('{"ind": 1, "age": 20}\n{"ind": 2, "age": 30}\n');
    const parsed = await parseRawNdjson("user", [body], { tempDir });
    assert.deepEqual(parsed.df.getColumn("ind").toArray(), ["1", "2"]);
    assert.deepEqual(parsed.quarantine, []);
    const lines = await parseRawRecords("user", ['{"ind": 3}', "not json"], {
      tempDir,
    });
    assert.deepEqual(lines.df.getColumn("ind").toArray(), ["3"]);
    assert.equal(lines.quarantine.length, 1);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
