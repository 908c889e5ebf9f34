/**
 * `deno task emulate`'s end-of-run report: counts, places, the records not found downstream,
 * and why the metrics are missing when they are.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { EmulationSummary } from "../emulator/mod.ts";
import type { TableSummary } from "../batch/mod.ts";
import type { EmulateJobResult, ProcessingResult } from "../pipeline/mod.ts";
import type { SinkStats } from "../sink/mod.ts";
import { formatEmulateResult } from "./emulate_report.ts";

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
    paths: { dataDir: ".data", warehouse: "wh", stream: "st" },
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

Deno.test("formatEmulateResult: a catch-up left to the stream processor holding the tables says so, whichever it is", () => {
  const p = processing([1, 1, 1], 0, 0, 0);
  delete p.stream;
  const text = formatEmulateResult(remote({ processing: p }));
  assert.deepEqual(linesFrom(text, "Stream:").slice(0, 1), [
    "Stream: left to the stream processor that holds the stream tables (deno task stream, or the catch-up of another emulate on this data dir); what it has not read waits in the streams; tables: stream_pin 0",
  ]);
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

Deno.test("formatEmulateResult: a password in --api is not printed", () => {
  const text = formatEmulateResult(remote({
    locations: {
      source: "src.db",
      api: "https://user:secret@proxy.example:8082/v2",
      inProcess: false,
    },
  }));
  assert.deepEqual(linesFrom(text, "Where the data is:"), [
    "Where the data is:",
    "  source: src.db",
    "  api:    https://user@proxy.example:8082/v2",
  ]);
});

Deno.test("formatEmulateResult: the metrics end with the command that charts them, for this data dir", () => {
  const p = processing([1, 1, 1], 0, 0, 0);
  p.metrics = {
    results: {
      users_joined_by_year: [{ post_year: 2015, number_users_joined: 1 }],
    },
    rows: { pin: 1, geo: 1, user: 1 },
  };
  assert.deepEqual(
    formatEmulateResult(remote({ processing: p })).split("\n").slice(-3),
    [
      "     2015                    1",
      "",
      `Charts of these answers: \`deno task report\` writes ${
        join(".data", "report.html")
      }.`,
    ],
  );
  p.paths.dataDir = "/srv/run 2";
  assert.equal(
    formatEmulateResult(remote({ processing: p })).split("\n").at(-1),
    "Charts of these answers: `deno task report --data-dir '/srv/run 2'` writes /srv/run 2/report.html.",
  );
});
