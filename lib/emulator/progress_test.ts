import assert from "node:assert/strict";
import { createProgressLine, progressText } from "./progress.ts";
import { targetsFor } from "./targets.ts";
import { createTally } from "./summary.ts";

/** A writable that records what it receives; `chunk` bytes per write, like a short write. */
function recorder(terminal: boolean, chunk = Infinity) {
  const parts: Uint8Array[] = [];
  return {
    isTerminal: () => terminal,
    writeSync(bytes: Uint8Array): number {
      const n = Math.min(bytes.length, chunk);
      parts.push(bytes.slice(0, n));
      return n;
    },
    text: () => parts.map((p) => new TextDecoder().decode(p)).join(""),
  };
}

function snapshot(posts: number, elapsedMs: number) {
  const targets = targetsFor("batch", "pinterest");
  const tally = createTally("batch", targets, { count: 10 });
  for (let i = 0; i < posts; i++) {
    tally.postStarted();
    for (const t of targets) tally.accept(t);
    tally.postFinished(true);
  }
  return tally.snapshot(elapsedMs, "running");
}

Deno.test("progressText shows posts of count, records, failures, retries, rate, time", () => {
  assert.equal(
    progressText(snapshot(4, 2000)),
    "posts 4/10  records 12  failed 0  retries 0  2.0 posts/s  2.0 s",
  );
});

Deno.test("on a terminal the line is redrawn in place and ended by done()", () => {
  const out = recorder(true, 7);
  const line = createProgressLine({ stream: out });
  line.update(snapshot(1, 1000));
  line.update(snapshot(2, 1000));
  line.done();
  line.done();
  assert.equal(
    out.text(),
    "\r\x1b[2Kposts 1/10  records 3  failed 0  retries 0  1.0 posts/s  1.0 s" +
      "\r\x1b[2Kposts 2/10  records 6  failed 0  retries 0  2.0 posts/s  1.0 s\n",
  );
});

Deno.test("off a terminal, plain lines at most once per period and no escapes", () => {
  const out = recorder(false);
  let t = 0;
  const line = createProgressLine({
    stream: out,
    periodMs: 1000,
    now: () => t,
  });
  line.update(snapshot(1, 100));
  t = 500;
  line.update(snapshot(2, 500));
  t = 1000;
  line.update(snapshot(3, 1000));
  line.done();
  assert.equal(
    out.text(),
    "posts 1/10  records 3  failed 0  retries 0  10.0 posts/s  0.1 s\n" +
      "posts 3/10  records 9  failed 0  retries 0  3.0 posts/s  1.0 s\n",
  );
});

Deno.test("on a terminal narrower than the line, the line is cut to fit: a wrapped one was redrawn below itself", () => {
  // `\r` goes back to the start of the last row only: a line of 2 rows left its first row
  // behind at every redraw, 5 a second on an 80-column terminal with long counts.
  const out = recorder(true);
  let columns: number | undefined = 30;
  const line = createProgressLine({ stream: out, columns: () => columns });
  line.update(snapshot(1, 1000));
  columns = undefined; // the size is unknown: the whole line
  line.update(snapshot(2, 1000));
  line.done();
  assert.equal(
    out.text(),
    "\r\x1b[2Kposts 1/10  records 3  failed" +
      "\r\x1b[2Kposts 2/10  records 6  failed 0  retries 0  2.0 posts/s  1.0 s\n",
  );
});
