import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { createGenerator, openSqliteSource } from "../source/mod.ts";
import { BackendError } from "../errors.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import {
  DEFAULT_SOURCE_PATH,
  parseSeedArgs,
  runSeedCli,
  SEED_USAGE,
} from "./seed.ts";

Deno.test("seed cli: defaults, SOURCE_URL, and --source taking precedence", () => {
  assert.deepEqual(parseSeedArgs([], {}), {
    rows: 11_000,
    seed: 42,
    source: DEFAULT_SOURCE_PATH,
  });
  const env = { SOURCE_URL: "mysql://u:p@127.0.0.1:3306/db" };
  assert.equal(parseSeedArgs([], env).source, env.SOURCE_URL);
  assert.deepEqual(
    parseSeedArgs(["--rows", "250", "--seed=-7", "--source", "x.db"], env),
    {
      rows: 250,
      seed: -7,
      source: "x.db",
    },
  );
  assert.equal(
    parseSeedArgs(["--profile", "local"], {}).source,
    "mysql://pinterest:pinterest@127.0.0.1:3306/pinterest",
  );
  assert.equal(parseSeedArgs(["--data-dir", "/d"], {}).source, "/d/source.db");
  assert.throws(
    () =>
      parseSeedArgs(["--profile", "aws"], {
        KAFKA_BROKERS: "b:9092",
        S3_BUCKET: "lake-b",
      }),
    /SOURCE_URL \(--source\)="": required for the aws profile/,
  );
});

Deno.test("seed cli: unknown flags are parseArgs errors, bad numbers ConfigErrors naming the flag", () => {
  assert.throws(
    () => parseSeedArgs(["--rowz", "5"], {}),
    (e: unknown) =>
      e instanceof TypeError && e.message === "Unknown option '--rowz'",
  );
  assert.throws(
    () => parseSeedArgs(["extra"], {}),
    (e: unknown) =>
      e instanceof TypeError &&
      e.message ===
        "Unexpected argument 'extra'. This command does not take positional arguments",
  );
  for (const rows of ["0", "abc", "1.5", "10000001"]) {
    assert.throws(
      () => parseSeedArgs(["--rows", rows], {}),
      /Invalid setting --rows=/,
    );
  }
  assert.throws(
    () => parseSeedArgs(["--seed", "4294967296"], {}),
    /Invalid setting --seed=/,
  );
});

Deno.test("seed cli: writes the SQLite source with progress and a summary", async () => {
  await using dir = await makeTestDir();
  const path = `${dir.path}/nested/source.db`;
  const progress: [string, boolean][] = [];
  const printed: string[] = [];
  const summary = await runSeedCli([
    "--rows",
    "3000",
    "--seed",
    "11",
    "--source",
    path,
  ], {
    env: {},
    progress: (line, final) => progress.push([line, final]),
    print: (line) => printed.push(line),
  });
  assert.equal(summary?.rows, 3_000);
  assert.deepEqual(progress.map(([line]) => line), [
    `Seeding 3,000 rows per table (seed 11) into ${path}`,
    "  1,000 / 3,000 rows (33%)",
    "  2,000 / 3,000 rows (66%)",
    "  3,000 / 3,000 rows (100%)",
  ]);
  assert.deepEqual(progress.map(([, final]) => final), [
    true,
    false,
    false,
    true,
  ]);
  assert.equal(printed.length, 1);
  assert.match(
    printed[0],
    new RegExp(
      `^Seeded pinterest_data, geolocation_data, user_data: 3,000 rows each, seed 11, in \\d+\\.\\d\\d s \\([\\d,]+ rows/s in all\\) -> ${path}$`,
    ),
  );
  const source = await openSqliteSource(path);
  try {
    assert.deepEqual(
      await source.readPost(2_999),
      createGenerator({ rows: 3_000, seed: 11 }).post(2_999),
    );
  } finally {
    await source.close();
  }
});

Deno.test("seed cli: a seed that fails ends its live progress line, so the error starts on a line of its own", async () => {
  await using dir = await makeTestDir();
  // A folder where the file should go: the rows are written, the final rename fails.
  await Deno.mkdir(`${dir.path}/source.db/in-the-way`, { recursive: true });
  const progress: [string, boolean][] = [];
  await assert.rejects(
    runSeedCli(["--rows", "2500", "--source", `${dir.path}/source.db`], {
      env: {},
      progress: (line, final) => progress.push([line, final]),
      print: () => {},
    }),
    BackendError,
  );
  assert.deepEqual(progress.slice(1), [
    ["  1,000 / 2,500 rows (40%)", false],
    ["  2,000 / 2,500 rows (80%)", false],
    ["  2,000 / 2,500 rows (80%)", true],
  ]);
});

Deno.test("seed cli: `deno task seed` exits 2 with the usage on an unknown flag", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "seed", "--bogus"],
    cwd: fileURLToPath(new URL("../..", import.meta.url)),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 2);
  assert.match(
    stderr,
    /^seed: Unknown option '--bogus'$/m,
  );
  assert.ok(stderr.includes("Usage: deno task seed [options]"));
  assert.equal(new TextDecoder().decode(out.stdout), "");
});

Deno.test("seed cli: --help gives the source's default below the data root, as it is taken", () => {
  // It said `else .data/source.db`, whatever --data-dir or DATA_DIR gave.
  const line = SEED_USAGE.split("\n").find((l) => l.includes("--source"));
  assert.equal(
    line,
    "  --source WHERE  a SQLite path or a mysql:// URL (default $SOURCE_URL, else {data-dir}/source.db or, for local, the MariaDB)",
  );
  assert.equal(parseSeedArgs([], { DATA_DIR: "/d" }).source, "/d/source.db");
});
