/**
 * `deno task bench:clean`: batch cleaning throughput.
 *
 * Generates N posts (default 1,000,000) with the source generator and writes them, as the
 * emulator would post them, into a lake of NDJSON objects (`topics/pinterest.pin|geo|user`,
 * `--object-records` records per object). That happens in a subprocess and is not timed.
 * Then, per table, it times the batch path exactly as `runBatch` runs it: read the objects
 * (polars scans the lake's files in place, through the dir store's `localPath`), parse,
 * clean, dedup (`cleanTopic`), and write the Parquet table (`sinkParquetFile`, as the
 * warehouse does, without its fsync and rename). It prints rows/s and CPU seconds per table,
 * the load average (the machine may be shared), and the peak memory of the cleaning process
 * (`Deno.memoryUsage().rss`, sampled every 50 ms and between steps), and the host's steal
 * share per table (this is a shared virtual machine; see `host_steal.ts`). Before that, it
 * times the whole job, `runBatch`, over the same lake in a fresh process: there a table's
 * write overlaps the next table's cleaning, and the tables are fsynced and renamed into place.
 *
 * ```sh
 * deno task bench:clean [--posts 1000000] [--object-records 5000] [--dir .data/bench/clean] [--keep]
 *   [--compression snappy|lz4|zstd|uncompressed]
 * ```
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { formatUsage, positiveFlag, runCli } from "../lib/cli/program.ts";
import { ConfigError } from "../lib/errors.ts";
import { cleanTopic, runBatch } from "../lib/batch/mod.ts";
import { type CleanTable, sinkParquetFile } from "../lib/clean/mod.ts";
import { openDirStore } from "../lib/lake/mod.ts";
import {
  formatFigures,
  generateLake,
  type LakeOptions,
  mb,
  type TableFigure,
  TABLES,
} from "./clean_support.ts";
import { cpuTimesReader, stealPercent } from "./host_steal.ts";

/** Parquet codecs the benchmark accepts. */
const CODECS = ["snappy", "lz4", "zstd", "uncompressed"] as const;

/**
 * Settings of the benchmark.
 *
 * @example
 * ```ts
 * import { type BenchCleanOptions, parseBenchArgs } from "./clean.ts";
 * const options: BenchCleanOptions = parseBenchArgs(["--posts", "1000", "--compression", "zstd"]);
 * console.log(options.posts, options.objectRecords, options.compression, options.keep); // 1000 5000 zstd false
 * ```
 */
export interface BenchCleanOptions extends LakeOptions {
  keep: boolean;
  /** Parquet codec; default `snappy`, the warehouse's. */
  compression?: (typeof CODECS)[number];
}

/**
 * Parses the benchmark's command line.
 *
 * @example
 * ```ts
 * import { parseBenchArgs } from "./clean.ts";
 * console.log(parseBenchArgs(["--posts", "1000"]).posts); // 1000
 * ```
 */
export function parseBenchArgs(
  args: string[],
): BenchCleanOptions & { phase: string } {
  const { values } = parseArgs({
    args,
    options: {
      posts: { type: "string", default: "1000000" },
      "object-records": { type: "string", default: "5000" },
      dir: { type: "string", default: join(".data", "bench", "clean") },
      keep: { type: "boolean", default: false },
      phase: { type: "string", default: "all" },
      compression: { type: "string", default: "snappy" },
    },
  });
  const compression = CODECS.find((c) => c === values.compression);
  if (compression === undefined) {
    throw new ConfigError(
      "--compression",
      `must be one of ${CODECS.join(", ")}`,
      { value: values.compression },
    );
  }
  return {
    posts: positiveFlag("--posts", values.posts, { whole: true }),
    objectRecords: positiveFlag(
      "--object-records",
      values["object-records"],
      { whole: true },
    ),
    dir: values.dir,
    keep: values.keep,
    phase: values.phase,
    compression,
  };
}

/**
 * Times the batch path per table over the lake in `dir/lake`; returns the figures and the
 * peak RSS in bytes.
 *
 * @example
 * ```ts
 * import { measureCleaning } from "./clean.ts";
 * import { generateLake } from "./clean_support.ts";
 * const options = { posts: 20, objectRecords: 10, dir: await Deno.makeTempDir(), keep: false };
 * await generateLake(options);
 * const { figures } = await measureCleaning(options);
 * console.log(figures.map((f) => f.rows)); // [20, 20, 20]
 * ```
 */
export async function measureCleaning(
  options: BenchCleanOptions,
): Promise<{ figures: TableFigure[]; peakRss: number }> {
  const store = openDirStore(join(options.dir, "lake"));
  const out = join(options.dir, "warehouse");
  const scratch = join(options.dir, "scratch");
  await Deno.mkdir(out, { recursive: true });
  await Deno.mkdir(scratch, { recursive: true });
  let sampledRss = Deno.memoryUsage().rss;
  const sample =
    () => (sampledRss = Math.max(sampledRss, Deno.memoryUsage().rss));
  const timer = setInterval(sample, 50);
  const figures: TableFigure[] = [];
  const hostCpu = cpuTimesReader();
  try {
    for (const table of TABLES) {
      const host0 = hostCpu?.();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const { clean, summary } = await cleanTopic(store, table, {
        tempDir: scratch,
      });
      sample();
      const t1 = performance.now();
      await sinkParquetFile(clean, join(out, `${table}.parquet`), {
        compression: options.compression,
      });
      const t2 = performance.now();
      const cpu = process.cpuUsage(cpu0);
      const host1 = hostCpu?.();
      const { size } = await Deno.stat(join(out, `${table}.parquet`));
      sample();
      figures.push({
        table,
        records: summary.records,
        rows: clean.height,
        cleanMs: t1 - t0,
        writeMs: t2 - t1,
        rowsPerSecond: summary.records / ((t2 - t0) / 1000),
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        parquetBytes: size,
        hostStealPercent: host0 && host1
          ? stealPercent(host0, host1)
          : undefined,
      });
    }
  } finally {
    clearInterval(timer);
  }
  return { figures, peakRss: sampledRss };
}

/**
 * Times the whole batch job (`runBatch`: the three tables, each staged into the warehouse as
 * soon as it is cleaned, fsynced and renamed) over the lake in `dir/lake`.
 *
 * @example
 * ```ts
 * import { measureBatch } from "./clean.ts";
 * import { generateLake } from "./clean_support.ts";
 * const options = { posts: 20, objectRecords: 10, dir: await Deno.makeTempDir(), keep: false };
 * await generateLake(options);
 * console.log((await measureBatch(options)).records); // 60
 * ```
 */
export async function measureBatch(
  options: LakeOptions,
): Promise<{ records: number; seconds: number; cpuSeconds: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runBatch({
    store: openDirStore(join(options.dir, "lake")),
    warehouseDir: join(options.dir, "batch"),
  });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const records = Object.values(summary.tables).reduce(
    (n, t) => n + t.records,
    0,
  );
  return { records, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Runs this script again with `--phase {phase}` and returns what it printed, parsed. */
async function runPhase<T>(args: string[], phase: string): Promise<T> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-R",
      "-W",
      "-E",
      "-S",
      "--allow-ffi",
      "--v8-flags=--max-old-space-size=8192",
      fileURLToPath(import.meta.url),
      ...args,
      "--phase",
      phase,
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error(`the ${phase} phase failed`);
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}

async function main(args: string[]) {
  const options = parseBenchArgs(args);
  if (options.phase === "generate") {
    console.log(JSON.stringify(await generateLake(options)));
    return;
  }
  if (options.phase === "batch") {
    console.log(JSON.stringify(await measureBatch(options)));
    return;
  }
  await Deno.remove(options.dir, { recursive: true }).catch(() => {});
  console.log(
    `generating ${options.posts.toLocaleString("en-US")} posts (not timed) ...`,
  );
  const bytes = await runPhase<Record<CleanTable, number>>(args, "generate");
  // The whole job first, in a fresh process, as `deno task batch` runs it: while this process
  // holds the per-table results (1.5 GiB), the same job takes 30-45% more CPU on this VM.
  const batch = await runPhase<Awaited<ReturnType<typeof measureBatch>>>(
    args,
    "batch",
  );
  const { figures, peakRss } = await measureCleaning(options);
  console.log(formatFigures(figures, bytes));
  console.log(
    `read: lake files scanned in place by polars (no copy); write: Parquet sink, ${
      options.compression ?? "snappy"
    }, 65,536-row groups, no fsync`,
  );
  console.log(
    `whole job (runBatch in a fresh process: tables staged as they are cleaned, fsync and rename): ${
      batch.records.toLocaleString("en-US")
    } records in ${batch.seconds.toFixed(2)} s, ${
      Math.round(batch.records / batch.seconds).toLocaleString("en-US")
    } records/s, ${batch.cpuSeconds.toFixed(1)} CPU s`,
  );
  console.log(
    `peak RSS of the cleaning process: ${
      mb(peakRss)
    } (Deno.memoryUsage().rss sampled every 50 ms and between steps)`,
  );
  if (!options.keep) {
    await Deno.remove(options.dir, { recursive: true }).catch(() => {});
  }
}

/** The usage text `deno task bench:clean --help` prints. */
const BENCH_CLEAN_USAGE = formatUsage(
  "bench:clean [options]",
  {
    summary:
      "Batch cleaning throughput: generates N posts into a lake of NDJSON objects (not timed), then\ntimes read + clean + dedup + Parquet write per table; prints rows/s, CPU s and peak memory.",
    flags: [
      ["--posts N", "posts to generate (default 1000000)"],
      ["--object-records N", "records per lake object (default 5000)"],
      ["--dir D", "scratch folder (default .data/bench/clean; emptied first)"],
      ["--keep", "keep the lake and the tables afterwards"],
      [
        "--compression C",
        `Parquet codec: ${CODECS.join(" | ")} (default snappy)`,
      ],
    ],
  },
);

if (import.meta.main) {
  Deno.exit(
    await runCli(
      { name: "bench:clean", usage: BENCH_CLEAN_USAGE, run: main },
      Deno.args,
    ),
  );
}
