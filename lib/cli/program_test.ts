import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { BackendError, ConfigError } from "../errors.ts";
import { batchProgram } from "./batch.ts";
import { emulateProgram } from "./emulate.ts";
import { gatewayProgram } from "./gateway.ts";
import { metricsProgram } from "./metrics.ts";
import {
  type CliProgram,
  formatUsage,
  positiveFlag,
  runCli,
  wantsHelp,
} from "./program.ts";
import { reportProgram } from "./report.ts";
import { seedProgram } from "./seed.ts";
import { servicesProgram } from "./services.ts";
import { sinkProgram } from "./sink.ts";
import { streamProgram } from "./stream.ts";

/** Runs `program` on `args`, collecting what it prints. */
async function outcome(program: CliProgram, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(program, args, {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
  });
  return { code, out, err };
}

/** A program whose body does `body` and records that it ran. */
function demo(body: (args: string[]) => Promise<number | void>) {
  const calls: string[][] = [];
  const program: CliProgram = {
    name: "demo",
    usage: "Usage: deno task demo",
    run: (args) => {
      calls.push(args);
      return body(args);
    },
  };
  return { program, calls };
}

Deno.test("cli program: --help and -h print the usage and skip the command; after -- they are arguments", async () => {
  const { program, calls } = demo(() => Promise.resolve());
  for (const args of [["--help"], ["--once", "-h"]]) {
    assert.deepEqual(await outcome(program, args), {
      code: 0,
      out: ["Usage: deno task demo"],
      err: [],
    });
  }
  assert.deepEqual(calls, []);
  assert.equal(wantsHelp(["--", "--help"]), false);
  assert.equal((await outcome(program, ["--once", "--", "-h"])).code, 0);
  assert.deepEqual(calls, [["--once", "--", "-h"]]);
});

Deno.test("cli program: a leading -- (npm's habit: deno task metrics -- --json) is dropped, not taken for the end of the flags", async () => {
  const { program, calls } = demo(() => Promise.resolve());
  assert.equal((await outcome(program, ["--", "--json"])).code, 0);
  assert.deepEqual(calls, [["--json"]]);
  assert.deepEqual(await outcome(program, ["--", "--help"]), {
    code: 0,
    out: ["Usage: deno task demo"],
    err: [],
  });
  assert.deepEqual(calls, [["--json"]]);
});

Deno.test("cli program: exit codes for the command's result and for each kind of failure", async () => {
  const run = (body: () => Promise<number | void>) =>
    outcome(demo(body).program, []);
  assert.deepEqual(await run(() => Promise.resolve()), {
    code: 0,
    out: [],
    err: [],
  });
  assert.equal((await run(() => Promise.resolve(1))).code, 1);
  const unknownFlag = () =>
    Promise.resolve(
      parseArgs({ args: ["--x"], options: {} }) && undefined,
    );
  assert.deepEqual(await run(unknownFlag), {
    code: 2,
    out: [],
    err: ["demo: Unknown option '--x'\n\nUsage: deno task demo"],
  });
  assert.deepEqual(
    await run(() =>
      Promise.reject(new ConfigError("--n", "must be > 0", { value: "0" }))
    ),
    { code: 2, out: [], err: ['demo: Invalid setting --n="0": must be > 0'] },
  );
  assert.deepEqual(
    await run(() =>
      Promise.reject(new BackendError("kafka", "connection refused"))
    ),
    { code: 1, out: [], err: ["demo: kafka: connection refused"] },
  );
  await assert.rejects(
    run(() => Promise.reject(new RangeError("a bug"))),
    RangeError,
  );
});

Deno.test("cli program: an error's text from data (a setting, an answer) reaches the terminal escaped", async () => {
  const run = (body: () => Promise<number | void>) =>
    outcome(demo(body).program, []);
  assert.deepEqual(
    await run(() =>
      Promise.reject(
        new BackendError("kinesis", "stream \x1b[2Jx\u009b31m\u202egone"),
      )
    ),
    {
      code: 1,
      out: [],
      err: ["demo: kinesis: stream \\u001b[2Jx\\u009b31m\\u202egone"],
    },
  );
  assert.deepEqual(
    await run(unknownFlagNamed("--\x1b]0;title\x07")),
    {
      code: 2,
      out: [],
      err: [
        "demo: Unknown option '--\\u001b]0;title\\u0007'\n\nUsage: deno task demo",
      ],
    },
  );
});

/** A command body that fails parsing `flag`, as an unknown option. */
function unknownFlagNamed(flag: string): () => Promise<void> {
  return () =>
    Promise.resolve(parseArgs({ args: [flag], options: {} }) && undefined);
}

Deno.test("cli program: an error of SQLite itself prints what to do about the file, exit 1", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A real SQLite error: a file that is not a database.
    const path = `${dir}/log.db`;
    await Deno.writeTextFile(path, "not a database at all ".repeat(10));
    const { program } = demo(() => {
      const db = new DatabaseSync(path);
      try {
        db.prepare("SELECT * FROM sqlite_master").all();
      } finally {
        db.close();
      }
      return Promise.resolve();
    });
    assert.deepEqual(await outcome(program, []), {
      code: 1,
      out: [],
      err: [
        "demo: SQLite: file is not a database; a SQLite file of the data dir is damaged (the embedded log log.db, or the source): move it away to start afresh, or restore it from a copy",
      ],
    });
    // Other SQLite messages get their own advice.
    const fail = (message: string) =>
      outcome(
        demo(() =>
          Promise.reject(
            Object.assign(new Error(message), { code: "ERR_SQLITE_ERROR" }),
          )
        ).program,
        [],
      );
    assert.deepEqual((await fail("database or disk is full")).err, [
      "demo: SQLite: database or disk is full; free disk space, then run again",
    ]);
    assert.deepEqual((await fail("database is locked")).err, [
      "demo: SQLite: database is locked; another program holds the file; stop it, then run again",
    ]);
    assert.deepEqual((await fail("disk I/O error")).err, [
      "demo: SQLite: disk I/O error; check the data dir's files and disk, then run again",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli program: formatUsage aligns the flags and adds -h, --help", () => {
  assert.equal(
    formatUsage("demo [options]", {
      summary: "Does it.",
      flags: [
        ["--a N", "first"],
        ["--long-flag", "second"],
      ],
    }),
    [
      "Usage: deno task demo [options]",
      "",
      "Does it.",
      "",
      "  --a N        first",
      "  --long-flag  second",
      "  -h, --help   show this help",
    ].join("\n"),
  );
});

Deno.test("cli program: every task answers --help with its usage and an unknown flag with exit code 2", async () => {
  const programs = [
    batchProgram,
    emulateProgram,
    gatewayProgram,
    metricsProgram,
    reportProgram,
    seedProgram,
    servicesProgram,
    sinkProgram,
    streamProgram,
  ];
  for (const program of programs) {
    const help = await outcome(program, ["--help"]);
    assert.equal(help.code, 0, program.name);
    assert.equal(help.out.length, 1, program.name);
    assert.ok(
      help.out[0].startsWith(`Usage: deno task ${program.name} `),
      help.out[0],
    );
    assert.match(
      help.out[0].split("\n").at(-1)!,
      /^ {2}-h, --help +show this help$/,
      program.name,
    );
    const args = program === servicesProgram
      ? ["status", "--no-such-flag"]
      : ["--no-such-flag"];
    const bad = await outcome(program, args);
    assert.deepEqual(bad, {
      code: 2,
      out: [],
      err: [
        `${program.name}: Unknown option '--no-such-flag'\n\n${program.usage}`,
      ],
    });
  }
});

Deno.test("cli program: positiveFlag takes numbers > 0 (whole ones with whole) and names the flag otherwise", () => {
  assert.equal(positiveFlag("--rate", "2.5"), 2.5);
  assert.equal(positiveFlag("--posts", "10", { whole: true }), 10);
  for (const text of ["0", "-1", "", "x", "Infinity"]) {
    assert.throws(
      () => positiveFlag("--rate", text),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `Invalid setting --rate=${
            JSON.stringify(text)
          }: must be a number > 0`,
    );
  }
  assert.throws(
    () => positiveFlag("--posts", "1.5", { whole: true }),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting --posts="1.5": must be a whole number >= 1',
  );
});
