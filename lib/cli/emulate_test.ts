import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type EmulationSummary, SourceReadError } from "../emulator/mod.ts";
import type { TableSummary } from "../batch/mod.ts";
import type { EmulateJobResult, ProcessingResult } from "../pipeline/mod.ts";
import type { SinkStats } from "../sink/mod.ts";
import { ConfigError } from "../errors.ts";
import { seedSqlite } from "../source/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import {
  formatEmulateResult,
  parseEmulateArgs,
  runEmulateCli,
} from "./emulate.ts";

const emulation: EmulationSummary = {
  mode: "both",
  posts: 1,
  postsOk: 1,
  postsFailed: 0,
  count: 1,
  topics: { "pinterest.pin": 1 },
  streams: {},
  recordsAccepted: 1,
  recordsFailed: 0,
  failures: {},
  retries: 0,
  elapsedMs: 1000,
  postsPerSecond: 1,
  recordsPerSecond: 1,
  stopped: "count",
};

function table(rows: number): TableSummary {
  return {
    objects: 1,
    records: rows,
    quarantined: 0,
    duplicates: 0,
    rows,
    elapsedMs: 1,
  };
}

function sink(recordsWritten: number, objectsWritten: number): SinkStats {
  return {
    recordsWritten,
    objectsWritten,
    duplicatesDropped: 0,
    staleDropped: 0,
    rewinds: 0,
    partitions: [],
  };
}

/** Processing results: batch tables of `rows` rows each, `streamRecords` in `batches`. */
function processing(
  rows: [number, number, number],
  quarantined: number,
  streamRecords: number,
  batches: number,
): ProcessingResult {
  return {
    batch: {
      tables: {
        pin: table(rows[0]),
        geo: table(rows[1]),
        user: table(rows[2]),
      },
      quarantined,
      warehouseDir: "wh",
      elapsedMs: 1,
    },
    stream: {
      batches,
      records: streamRecords,
      rows: {},
      failures: 0,
      lastBatchId: batches,
    },
    streamTables: { stream_pin: streamRecords },
    paths: { warehouse: "wh", stream: "st" },
  };
}

/** A result of posts to another API, without seeding; `fields` replace its own. */
function remote(fields: Partial<EmulateJobResult>): EmulateJobResult {
  return {
    emulation,
    sink: sink(0, 0),
    locations: {
      source: "src.db",
      lake: "/lake",
      api: "http://h:1",
      inProcess: false,
    },
    unseen: { topics: 0, streams: 0 },
    ...fields,
  };
}

/** The lines of `text` from the first one that starts with `from`. */
function linesFrom(text: string, from: string): string[] {
  const lines = text.split("\n");
  return lines.slice(lines.findIndex((l) => l.startsWith(from)));
}

Deno.test("formatEmulateResult: counts with separators and number, aligned places", () => {
  const text = formatEmulateResult({
    emulation,
    sink: sink(12_000, 1),
    locations: {
      source: "src.db",
      lake: join(Deno.cwd(), ".data", "lake"),
      api: "http://h:1",
      inProcess: true,
    },
    unseen: { topics: 0, streams: 0 },
    seededRows: 11_000,
    processing: processing([4_000, 4_000, 3_999], 1_001, 1_500, 1),
  });
  assert.deepEqual(linesFrom(text, "Sink:"), [
    "Sink: 12,000 records in 1 object",
    "Batch: pin 4,000, geo 4,000, user 3,999 rows (unique on ind); 1,001 quarantined",
    "Stream: 1,500 records in 1 micro-batch; tables: stream_pin 1,500",
    "Where the data is:",
    "  source:        src.db (seeded 11,000 rows per table)",
    "  api:           http://h:1 (in-process gateway, stopped at the end)",
    `  lake:          ${join(".data", "lake")}`,
    "  warehouse:     wh",
    "  stream tables: st",
  ]);
});

Deno.test("formatEmulateResult: without processing or seeding, three places and plurals", () => {
  const text = formatEmulateResult(remote({ sink: sink(1, 2) }));
  assert.deepEqual(linesFrom(text, "Sink:"), [
    "Sink: 1 record in 2 objects",
    "Where the data is:",
    "  source: src.db",
    "  api:    http://h:1",
    "  lake:   /lake",
  ]);
});

Deno.test("formatEmulateResult: stream-only processing says why the metrics are missing", () => {
  const text = formatEmulateResult(
    remote({
      emulation: { ...emulation, mode: "stream" },
      processing: processing([0, 0, 0], 0, 30, 2),
    }),
  );
  assert.deepEqual(linesFrom(text, "Stream:"), [
    "Stream: 30 records in 2 micro-batches; tables: stream_pin 30",
    "Where the data is:",
    "  source:        src.db",
    "  api:           http://h:1",
    "  lake:          /lake",
    "  warehouse:     wh",
    "  stream tables: st",
    "",
    "The nine metrics: not computed, the batch tables are empty. They are cleaned from the lake, which only batch-mode posts fill (--mode batch or both).",
  ]);
});

Deno.test("formatEmulateResult: empty batch tables after batch posts: nothing posted, or everything quarantined", () => {
  const none = formatEmulateResult(remote({
    emulation: { ...emulation, posts: 0, postsOk: 0, recordsAccepted: 0 },
    processing: processing([0, 0, 0], 0, 0, 0),
  }));
  assert.equal(
    none.split("\n").at(-1),
    "The nine metrics: not computed, the batch tables are empty. The lake holds no records: this run put none on the topics (no post was made, or none was accepted) and earlier runs left none.",
  );
  const bad = formatEmulateResult(
    remote({ processing: processing([0, 0, 0], 3, 0, 0) }),
  );
  assert.equal(
    bad.split("\n").at(-1),
    "The nine metrics: not computed, the batch tables are empty. The lake's 3 records could not be cleaned: see the quarantine table in the warehouse for the reasons.",
  );
});

Deno.test("formatEmulateResult: records accepted by an API that writes elsewhere are named, not taken for stream-only posts", () => {
  const text = formatEmulateResult(remote({
    unseen: { topics: 9, streams: 1 },
    processing: processing([0, 0, 0], 0, 0, 0),
  }));
  assert.deepEqual(linesFrom(text, "  stream tables:"), [
    "  stream tables: st",
    "",
    "Not found downstream: 9 topic records the API accepted were not written to the lake by this job's sink, and 1 stream record not read by its stream catch-up. Either the API writes to other backends than this job reads (--api must be a gateway on the same data dir for the embedded profile, or on the same Kafka and Kinesis for local and aws), or, on Kafka, another sink of the group holds some partitions and writes them on its own schedule.",
  ]);
});

Deno.test("formatEmulateResult: a catch-up left to the running stream processor says so", () => {
  const p = processing([1, 1, 1], 0, 0, 0);
  delete p.stream;
  const text = formatEmulateResult(remote({ processing: p }));
  assert.deepEqual(linesFrom(text, "Stream:").slice(0, 1), [
    "Stream: processed by the running stream processor (deno task stream); tables: stream_pin 0",
  ]);
});

Deno.test("parseEmulateArgs: flags to job options; --post-only is off unless given", () => {
  const plain = parseEmulateArgs(["--count", "7", "--duration", "2.5"]);
  assert.deepEqual(plain.job, {
    count: 7,
    duration: 2_500,
    rate: undefined,
    concurrency: undefined,
    mode: undefined,
    api: undefined,
    apiKey: undefined,
    postOnly: false,
    randomSeed: undefined,
  });
  const posting = parseEmulateArgs([
    "--post-only",
    "--api",
    "http://127.0.0.1:8080",
    "--mode",
    "stream",
    "--data-dir",
    "/d",
  ]);
  assert.equal(posting.job.postOnly, true);
  assert.equal(posting.job.mode, "stream");
  assert.equal(posting.flags.dataDir, "/d");
  assert.throws(() => parseEmulateArgs(["--post-only=yes"]), TypeError);
});

Deno.test("formatEmulateResult: a post-only run names the tasks its records are left to", () => {
  const text = formatEmulateResult(remote({ sink: undefined }));
  assert.deepEqual(linesFrom(text, "Posted only"), [
    "Posted only (--post-only): the topics and streams are left to the tasks that read them (deno task sink, deno task stream).",
    "Where the data is:",
    "  source: src.db",
    "  api:    http://h:1",
    "  lake:   /lake",
  ]);
});

Deno.test("parseEmulateArgs: a bad --api, a --concurrency past 1000 and a --seed past 32 bits name the flag and what is allowed", () => {
  const refused = (args: string[], message: string) =>
    assert.throws(
      () => parseEmulateArgs(args),
      (e: unknown) => e instanceof ConfigError && e.message === message,
    );
  // Refused here, before the job seeds the source or opens the log.
  refused(
    ["--api", "notaurl"],
    'Invalid setting --api="notaurl": must be an http(s) URL like http://127.0.0.1:8080',
  );
  refused(
    ["--api", "ftp://h/"],
    'Invalid setting --api="ftp://h/": must be an http(s) URL like http://127.0.0.1:8080',
  );
  // One worker per post in flight: a billion of them ran the process out of memory.
  refused(
    ["--concurrency", "1001"],
    'Invalid setting --concurrency="1001": must be a whole number from 1 to 1000',
  );
  refused(
    ["--concurrency", "0"],
    'Invalid setting --concurrency="0": must be a whole number from 1 to 1000',
  );
  // Past 2^53 a count no longer counts one by one (1e20 + 1 === 1e20).
  refused(
    ["--count", "1e20"],
    'Invalid setting --count="1e20": must be a whole number from 0 to 9007199254740991',
  );
  // The row picks use the seed's low 32 bits: 4294967296 would repeat seed 0's picks.
  refused(
    ["--seed", "4294967296"],
    'Invalid setting --seed="4294967296": must be a whole number from 0 to 4294967295',
  );
  const ok = parseEmulateArgs([
    "--api",
    "https://abc.execute-api.us-east-1.amazonaws.com/prod",
    "--concurrency",
    "1000",
    "--seed",
    "4294967295",
  ]).job;
  assert.deepEqual([ok.api, ok.concurrency, ok.randomSeed], [
    "https://abc.execute-api.us-east-1.amazonaws.com/prod",
    1000,
    4294967295,
  ]);
});

Deno.test("runEmulateCli: a run whose source fails ends the terminal's progress line and prints what it posted, then the error", async () => {
  await using tmp = await makeTestDir();
  const source = join(tmp.path, "source.db");
  await seedSqlite(source, { rows: 100 });
  const written: string[] = [];
  const printed: string[] = [];
  const terminal = {
    isTerminal: () => true,
    writeSync(bytes: Uint8Array) {
      // The source breaks once the first progress line is drawn: the next read fails.
      if (written.length === 0) Deno.truncateSync(source, 0);
      written.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
  await assert.rejects(
    runEmulateCli([
      "--post-only",
      "--count",
      "1000",
      "--rate",
      "50",
      "--profile",
      "embedded",
      "--data-dir",
      tmp.path,
      "--source",
      source,
    ], { progress: terminal, print: (text) => printed.push(text) }),
    SourceReadError,
  );
  assert.ok(written[0].startsWith("\r\x1b[2Kposts "), written[0]);
  assert.equal(written.at(-1), "\n");
  // The summary of the posts made before the source failed, the error being printed next.
  assert.equal(printed.length, 1);
  const lines = printed[0].split("\n");
  assert.match(
    lines[0],
    /^Emulation \(both\) stopped on an error after [\d.]+ s$/,
  );
  assert.match(
    lines[1],
    /^ {2}posts: \d+ of 1,000 requested, \d+ ok, 0 with failures$/,
  );
});

Deno.test("runEmulateCli: on a terminal, a log line never lands on the end of the progress line", async () => {
  await using tmp = await makeTestDir();
  const source = join(tmp.path, "source.db");
  await seedSqlite(source, { rows: 100 });
  // What the terminal shows, in order: progress writes, and log lines as "LOG ...".
  const shown: string[] = [];
  const terminal = {
    isTerminal: () => true,
    writeSync(bytes: Uint8Array) {
      shown.push(new TextDecoder().decode(bytes));
      return bytes.length;
    },
  };
  const log = (level: string) => (message: string) =>
    void shown.push(`LOG ${level} ${message}`);
  const code = await runEmulateCli(
    [
      ...["--count", "20", "--mode", "batch", "--profile", "embedded"],
      ...["--data-dir", tmp.path, "--source", source],
    ],
    {
      progress: terminal,
      print: () => {},
      logger: { info: log("INFO"), warn: log("WARN"), error: log("ERROR") },
    },
  );
  assert.equal(code, 0);
  assert.ok(
    shown.some((s) => s.startsWith("\r\x1b[2Kposts ")),
    "progress drawn",
  );
  assert.ok(shown.includes("LOG INFO sink drained"), shown.join(" | "));
  shown.forEach((s, i) => {
    const before = shown[i - 1];
    if (s.startsWith("LOG ") && before !== undefined) {
      assert.ok(
        before.startsWith("LOG ") || before.endsWith("\n"),
        `${JSON.stringify(before)} then ${JSON.stringify(s)}`,
      );
    }
  });
});

Deno.test("deno task emulate: Ctrl-C stops the posting; what was accepted is drained into the lake, the summary printed, exit code 0", async () => {
  await using tmp = await makeTestDir();
  const source = join(tmp.path, "source.db");
  await seedSqlite(source, { rows: 100 });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      fileURLToPath(new URL("./emulate.ts", import.meta.url)),
      ...["--duration", "120", "--rate", "20", "--mode", "batch"],
      ...["--profile", "embedded", "--data-dir", tmp.path, "--source", source],
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stdout = new Response(child.stdout).text();
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let err = "";
  while (!err.includes("posts ")) {
    const { value, done } = await stderr.read();
    if (done) throw new Error(`no progress line in:\n${err}`);
    err += value;
  }
  child.kill("SIGINT");
  for (let r; !(r = await stderr.read()).done;) err += r.value;
  const status = await child.status;
  const out = await stdout;
  assert.equal(status.code, 0, err);
  assert.match(
    err,
    /Stopping \(SIGINT\): posts in flight finish, the sink drains/,
  );
  assert.match(out, /^Emulation \(batch\) was interrupted after [\d.]+ s$/m);
  const accepted = Number(/records: (\d+) accepted, 0 failed/.exec(out)?.[1]);
  assert.ok(accepted > 0 && accepted % 3 === 0, out);
  assert.match(
    out,
    new RegExp(`^Sink: ${accepted} records in 3 objects$`, "m"),
  );
});
