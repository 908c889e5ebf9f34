/**
 * How much CPU time the hypervisor gave to other guests while a benchmark ran ("steal"),
 * and the `/proc` reader the benchmarks share.
 *
 * This machine is a virtual machine on a shared host: the same code measures very
 * differently when neighbours are busy. The benchmarks print the steal share of each
 * measurement next to its figures, from the first line of `/proc/stat` (Linux only;
 * elsewhere the column reads `n/a`).
 *
 * @module
 */

/**
 * The machine-wide CPU time counters of `/proc/stat`, in ticks.
 *
 * @example
 * ```ts
 * import { type CpuTimes, stealPercent } from "./host_steal.ts";
 * const before: CpuTimes = { total: 1000, steal: 10 };
 * const after: CpuTimes = { total: 1400, steal: 50 };
 * console.log(stealPercent(before, after)); // 10
 * ```
 */
export interface CpuTimes {
  /** All ticks (every state, steal included). */
  total: number;
  /** Ticks the hypervisor ran something else while this guest wanted to run. */
  steal: number;
}

/**
 * Reads the aggregate `cpu` line of `/proc/stat` text; undefined when there is none.
 *
 * @example
 * ```ts
 * import { parseCpuTimes } from "./host_steal.ts";
 * console.log(parseCpuTimes("cpu  10 0 5 80 1 0 1 3 0 0\ncpu0 5 0 2 40 0 0 0 1 0 0\n"));
 * // { total: 100, steal: 3 }
 * ```
 */
export function parseCpuTimes(stat: string): CpuTimes | undefined {
  const line = stat.split("\n").find((l) => l.startsWith("cpu "));
  if (line === undefined) return undefined;
  // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is
  // already counted in user and nice, so only the first eight fields add up to the total.
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (ticks.length < 8 || ticks.some((t) => !Number.isFinite(t))) {
    return undefined;
  }
  return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] };
}

/**
 * Steal as a percentage of all CPU time between two readings (0 when no time passed).
 *
 * @example
 * ```ts
 * import { stealPercent } from "./host_steal.ts";
 * console.log(stealPercent({ total: 1000, steal: 10 }, { total: 1200, steal: 30 })); // 10
 * ```
 */
export function stealPercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) / total) * 100 : 0;
}

/**
 * A reader of this machine's CPU time counters, or undefined where `/proc/stat` cannot be
 * read (see {@linkcode readProcText}).
 *
 * @example
 * ```ts
 * import { cpuTimesReader, stealPercent } from "./host_steal.ts";
 * const read = cpuTimesReader();
 * if (read) {
 *   const before = read();
 *   console.log(stealPercent(before, read()) >= 0); // true
 * }
 * ```
 */
export function cpuTimesReader(): (() => CpuTimes) | undefined {
  const read = () => {
    const times = parseCpuTimes(readProcText("/proc/stat"));
    if (times === undefined) throw new Error("no cpu line in /proc/stat");
    return times;
  };
  try {
    read();
    return read;
  } catch {
    return undefined;
  }
}

/**
 * The text of a `/proc` file, read with `cat`: the benchmarks have `--allow-run`, while Deno
 * asks for `--allow-all` to read `/proc` directly. Throws when `cat` fails.
 *
 * @example
 * ```ts
 * import { readProcText } from "./host_steal.ts";
 * if (Deno.build.os === "linux") console.log(readProcText("/proc/loadavg").length > 0); // true
 * ```
 */
export function readProcText(path: string): string {
  const out = new Deno.Command("cat", { args: [path], stderr: "null" })
    .outputSync();
  if (!out.success) throw new Error(`cannot read ${path}`);
  return new TextDecoder().decode(out.stdout);
}
