/**
 * The end-of-run report of `deno task emulate`: the posting's summary, what the sink wrote,
 * the batch and stream tables, where the data is, the records not found downstream and the
 * nine metrics (or why they were not computed).
 *
 * @module
 */
import { isAbsolute, join, relative } from "node:path";
import {
  type EmulationSummary,
  formatSummary,
  shownUrl,
} from "../emulator/mod.ts";
import { formatResults } from "../metrics/mod.ts";
import type { EmulateJobResult } from "../pipeline/mod.ts";

/** `path` relative to the working directory when it lies inside it; URLs stay as they are. */
function shownPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(Deno.cwd(), path);
  return inside === "" || inside.startsWith("..") || isAbsolute(inside)
    ? path
    : inside;
}

/**
 * Readable end-of-run report: the emulation summary, the sink's counts and where the data is.
 *
 * @example
 * ```ts
 * import { formatEmulateResult } from "./emulate_report.ts";
 * import { loadConfig } from "../config/mod.ts";
 * import { runEmulateJob } from "../pipeline/mod.ts";
 * const config = loadConfig({ dataDir: await Deno.makeTempDir() });
 * const report = formatEmulateResult(await runEmulateJob(config, { count: 10 }));
 * console.log(report.split("\n")[0]); // Emulation (both) reached its count after ... s
 * ```
 */
export function formatEmulateResult(result: EmulateJobResult): string {
  const lines = [formatSummary(result.emulation), ""];
  lines.push(
    result.sink
      ? `Sink: ${count(result.sink.recordsWritten, "record")} in ${
        count(result.sink.objectsWritten, "object")
      }`
      : "Posted only (--post-only): the topics and streams are left to the tasks that read them (deno task sink, deno task stream).",
  );
  const p = result.processing;
  if (p) {
    const tables = Object.entries(p.batch.tables).map(([name, t]) =>
      `${name} ${t.rows.toLocaleString("en-US")}`
    ).join(", ");
    const streams = Object.entries(p.streamTables).map(([name, n]) =>
      `${name} ${n.toLocaleString("en-US")}`
    ).join(", ");
    lines.push(
      `Batch: ${tables} rows (unique on ind); ${
        p.batch.quarantined.toLocaleString("en-US")
      } quarantined`,
      `Stream: ${
        p.stream
          ? `${count(p.stream.records, "record")} in ${
            count(p.stream.batches, {
              one: "micro-batch",
              many: "micro-batches",
            })
          }`
          // Held at start or when the catch-up began: `deno task stream`, or another
          // emulate's catch-up, which may have ended before this job's records came.
          : "left to the stream processor that holds the stream tables (deno task stream, " +
            "or the catch-up of another emulate on this data dir); what it has not read " +
            "waits in the streams"
      }; tables: ${streams}`,
    );
  }
  const seeded = result.seededRows === undefined
    ? ""
    : ` (seeded ${count(result.seededRows, "row")} per table)`;
  const { locations } = result;
  const places: [string, string][] = [
    ["source", `${shownPath(locations.source)}${seeded}`],
    [
      "api",
      `${shownUrl(locations.api)}${
        locations.inProcess ? " (in-process gateway, stopped at the end)" : ""
      }`,
    ],
  ];
  if (locations.lake !== undefined) {
    places.push(["lake", shownPath(locations.lake)]);
  }
  if (p) {
    places.push(["warehouse", shownPath(p.paths.warehouse)], [
      "stream tables",
      shownPath(p.paths.stream),
    ]);
  }
  const width = Math.max(...places.map(([label]) => label.length)) + 1;
  lines.push(
    "Where the data is:",
    ...places.map(([label, where]) =>
      `  ${`${label}:`.padEnd(width)} ${where}`
    ),
  );
  const { unseen } = result;
  if (unseen.topics + unseen.streams > 0) {
    lines.push(
      "",
      `Not found downstream: ${
        count(unseen.topics, "topic record")
      } the API accepted were not written to the lake by this job's sink, and ${
        count(unseen.streams, "stream record")
      } not read by its stream catch-up. Either the API writes to other backends than this job reads (--api must be a gateway on the same data dir for the embedded profile, or on the same Kafka and Kinesis for local and aws), or, on Kafka, another sink of the group holds some partitions and writes them on its own schedule.`,
    );
  }
  if (p?.metrics) {
    lines.push(
      "",
      "The nine metrics:",
      "",
      formatResults(p.metrics.results),
      "",
      reportHint(p.paths.dataDir),
    );
  } else if (
    p && unseen.topics === 0 &&
    Object.values(p.batch.tables).every((t) => t.rows === 0)
  ) {
    lines.push(
      "",
      `The nine metrics: not computed, the batch tables are empty. ${
        emptyBatchReason(result.emulation, p.batch.quarantined)
      }`,
    );
  }
  return lines.join("\n");
}

/** The command that charts the answers, with `--data-dir` when it is not the default. */
function reportHint(dataDir: string): string {
  const shown = shownPath(dataDir);
  const flag = shown === ".data"
    ? ""
    : ` --data-dir ${
      /^[\w./-]+$/.test(shown) ? shown : `'${shown.replaceAll("'", `'\\''`)}'`
    }`;
  return `Charts of these answers: \`deno task report${flag}\` writes ${
    join(shown, "report.html")
  }.`;
}

/** Why the batch tables came out empty although every accepted record reached the lake. */
function emptyBatchReason(
  emulation: EmulationSummary,
  quarantined: number,
): string {
  if (emulation.mode === "stream") {
    return "They are cleaned from the lake, which only batch-mode posts fill (--mode batch or both).";
  }
  if (quarantined > 0) {
    return `The lake's ${
      count(quarantined, "record")
    } could not be cleaned: see the quarantine table in the warehouse for the reasons.`;
  }
  return "The lake holds no records: this run put none on the topics (no post was made, or none was accepted) and earlier runs left none.";
}

/**
 * `n` with thousands separators and the noun in the right number: `1 object`, `3 objects`
 * (`noun.one` and `noun.many` when the plural is not `-s`: `1 micro-batch`, `2 micro-batches`).
 */
function count(
  n: number,
  noun: string | { one: string; many: string },
): string {
  const { one, many } = typeof noun === "string"
    ? { one: noun, many: `${noun}s` }
    : noun;
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
