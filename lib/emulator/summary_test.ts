import assert from "node:assert/strict";
import { targetsFor } from "./targets.ts";
import { createTally, formatSummary } from "./summary.ts";

function sampleTally() {
  const targets = targetsFor("both", "demo");
  const tally = createTally("both", targets, { count: 4 });
  for (let i = 0; i < 3; i++) {
    tally.postStarted();
    for (const t of targets) tally.accept(t);
    tally.postFinished(true);
  }
  tally.postStarted();
  for (const t of targets.slice(0, 5)) tally.accept(t);
  tally.fail(
    targets[5],
    "HTTP 503 from PUT /streams/streaming-demo-user/record: busy",
  );
  tally.postFinished(false);
  tally.retried(4);
  return { tally, targets };
}

Deno.test("the tally counts posts, records per topic and stream, failures and retries", () => {
  const { tally } = sampleTally();
  assert.deepEqual(tally.snapshot(2000, "count"), {
    mode: "both",
    posts: 4,
    postsOk: 3,
    postsFailed: 1,
    count: 4,
    topics: { "demo.pin": 4, "demo.geo": 4, "demo.user": 4 },
    streams: {
      "streaming-demo-pin": 4,
      "streaming-demo-geo": 4,
      "streaming-demo-user": 3,
    },
    recordsAccepted: 23,
    recordsFailed: 1,
    failures: {
      "streaming-demo-user": {
        count: 1,
        samples: [
          "HTTP 503 from PUT /streams/streaming-demo-user/record: busy",
        ],
      },
    },
    retries: 4,
    elapsedMs: 2000,
    postsPerSecond: 2,
    recordsPerSecond: 11.5,
    stopped: "count",
  });
});

Deno.test("failure samples keep three distinct messages; counts keep growing", () => {
  const targets = targetsFor("batch", "pinterest");
  const tally = createTally("batch", targets);
  for (const m of ["a", "b", "a", "c", "d", "e"]) tally.fail(targets[0], m);
  const s = tally.snapshot(0, "aborted");
  assert.deepEqual(s.failures, {
    "pinterest.pin": { count: 6, samples: ["a", "b", "c"] },
  });
  assert.equal(s.recordsFailed, 6);
  assert.equal(s.postsPerSecond, 0);
  assert.equal("count" in s, false);
  assert.deepEqual(s.streams, {});
});

Deno.test("snapshots are copies: later counting does not change them", () => {
  const { tally, targets } = sampleTally();
  const before = tally.snapshot(1000, "running");
  tally.accept(targets[0]);
  tally.fail(targets[5], "another");
  assert.equal(before.topics["demo.pin"], 4);
  assert.equal(before.failures["streaming-demo-user"].count, 1);
  assert.equal(tally.snapshot(1000, "running").topics["demo.pin"], 5);
});

Deno.test("formatSummary prints every figure and the failure samples", () => {
  const { tally } = sampleTally();
  assert.equal(
    formatSummary(tally.snapshot(2000, "count")),
    [
      "Emulation (both) reached its count after 2 s",
      "  posts: 4 of 4 requested, 3 ok, 1 with failures",
      "  records: 23 accepted, 1 failed, 4 retries",
      "  throughput: 2 posts/s, 11.5 records/s",
      "  topic demo.pin: 4 accepted",
      "  topic demo.geo: 4 accepted",
      "  topic demo.user: 4 accepted",
      "  stream streaming-demo-pin: 4 accepted",
      "  stream streaming-demo-geo: 4 accepted",
      "  stream streaming-demo-user: 3 accepted, 1 failed",
      "  failures:",
      "    streaming-demo-user: 1",
      "      - HTTP 503 from PUT /streams/streaming-demo-user/record: busy",
    ].join("\n"),
  );
});

Deno.test("formatSummary without failures has no failure section", () => {
  const targets = targetsFor("batch", "pinterest");
  const tally = createTally("batch", targets);
  for (let i = 0; i < 1500; i++) {
    tally.postStarted();
    for (const t of targets) tally.accept(t);
    tally.postFinished(true);
  }
  assert.equal(
    formatSummary(tally.snapshot(1234.5, "duration")),
    [
      "Emulation (batch) reached its duration after 1.23 s",
      "  posts: 1,500, 1,500 ok, 0 with failures",
      "  records: 4,500 accepted, 0 failed, 0 retries",
      "  throughput: 1,215.1 posts/s, 3,645.2 records/s",
      "  topic pinterest.pin: 1,500 accepted",
      "  topic pinterest.geo: 1,500 accepted",
      "  topic pinterest.user: 1,500 accepted",
    ].join("\n"),
  );
});

Deno.test("a run short of its requested rate says so and what to change; a run that reached it does not", () => {
  const targets = targetsFor("batch", "demo");
  const run = (posts: number, ms: number) => {
    const tally = createTally("batch", targets, { rate: 500, concurrency: 4 });
    for (let i = 0; i < posts; i++) {
      tally.postStarted();
      for (const t of targets) tally.accept(t);
      tally.postFinished(true);
    }
    return formatSummary(tally.snapshot(ms, "count")).split("\n");
  };
  const slow = run(1750, 10_000); // 175 posts/s
  assert.equal(slow[3], "  throughput: 175 posts/s, 525 records/s");
  assert.equal(
    slow[4],
    "  rate: 500 posts/s requested, 175 reached: the API answered too slowly for 4 posts in flight; raise --concurrency (unless the API is at its limit)",
  );
  assert.equal(run(4600, 10_000)[4], "  topic demo.pin: 4,600 accepted"); // 460/s: 92%
  assert.equal(run(100, 900)[4], "  topic demo.pin: 100 accepted"); // under a second
});

Deno.test("a run short of its rate names where a post's time went: the API, or reading the source", () => {
  const targets = targetsFor("batch", "demo");
  const line = (time: { sourceMs: number; apiMs: number }[]) => {
    const tally = createTally("batch", targets, { rate: 500, concurrency: 4 });
    for (const t of time) {
      tally.postStarted();
      for (const target of targets) tally.accept(target);
      tally.postFinished(true, t);
    }
    const summary = tally.snapshot(10_000, "count");
    return [summary.msPerPost, formatSummary(summary).split("\n")[4]];
  };
  assert.deepEqual(
    line([{ sourceMs: 1, apiMs: 20 }, { sourceMs: 3, apiMs: 22 }]),
    [
      { source: 2, api: 21 },
      "  rate: 500 posts/s requested, 0.2 reached: the API answered too slowly for 4 posts in flight (a post took 23 ms, 21 of them waiting for the API); raise --concurrency (unless the API is at its limit)",
    ],
  );
  assert.deepEqual(
    line([{ sourceMs: 30, apiMs: 8 }, { sourceMs: 31, apiMs: 9 }]),
    [
      { source: 30.5, api: 8.5 },
      "  rate: 500 posts/s requested, 0.2 reached: the source answered too slowly for 4 posts in flight (a post took 39 ms, 30.5 of them reading its row); raise --concurrency (unless the source is at its limit)",
    ],
  );
});

Deno.test("the rate reached is how fast posts started, not finished posts over a run that waited for its last answers", () => {
  const targets = targetsFor("batch", "demo");
  const tally = createTally("batch", targets, { rate: 10, concurrency: 50 });
  // 20 posts started 100 ms apart; the run ended 1.8 s after the last one started.
  for (let i = 0; i < 20; i++) {
    tally.postStarted(i * 100);
    for (const t of targets) tally.accept(t);
    tally.postFinished(true, { sourceMs: 0, apiMs: 1800 });
  }
  const summary = tally.snapshot(3700, "duration");
  assert.deepEqual(
    [summary.startsPerSecond, summary.postsPerSecond],
    [10, 20 / 3.7],
  );
  assert.equal(
    formatSummary(summary).split("\n").find((l) => l.startsWith("  rate:")),
    undefined,
  );
  // Started at half the rate: the line says the pace they started at.
  const slow = createTally("batch", targets, { rate: 10, concurrency: 2 });
  for (let i = 0; i < 11; i++) slow.postStarted(i * 200);
  assert.equal(
    formatSummary(slow.snapshot(2500, "duration")).split("\n")[4],
    "  rate: 10 posts/s requested, 5 reached: the API answered too slowly for 2 posts in flight; raise --concurrency (unless the API is at its limit)",
  );
});

Deno.test("formatSummary writes a failure message's control characters as escapes: an API's or a source's text does not drive the terminal", () => {
  const targets = targetsFor("batch", "demo");
  const tally = createTally("batch", targets, { count: 1 });
  tally.postStarted();
  tally.fail(
    targets[0],
    'refused by the broker: error_code 42206: bad value "\x1b[2J\x1b]0;pwned\x07\r\nok\u202e"',
  );
  tally.postFinished(false);
  const lines = formatSummary(tally.snapshot(1000, "count")).split("\n");
  assert.deepEqual(lines.slice(-2), [
    "    demo.pin: 1",
    '      - refused by the broker: error_code 42206: bad value "\\u001b[2J\\u001b]0;pwned\\u0007\\r\\nok\\u202e"',
  ]);
});
