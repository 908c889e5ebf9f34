import assert from "node:assert/strict";
import { cpuTimesReader, parseCpuTimes, stealPercent } from "./host_steal.ts";

Deno.test("parseCpuTimes: sums the eight state fields of the cpu line, guest time left out", () => {
  const stat = [
    "cpu  1170542 257 369804 1256718 59891 0 44739 122017 500 7",
    "cpu0 585271 128 184902 628359 29945 0 22369 61008 0 0",
    "intr 12345",
  ].join("\n");
  assert.deepEqual(parseCpuTimes(stat), {
    total: 1170542 + 257 + 369804 + 1256718 + 59891 + 0 + 44739 + 122017,
    steal: 122017,
  });
});

Deno.test("parseCpuTimes: no aggregate cpu line, or a short one, gives undefined", () => {
  assert.equal(parseCpuTimes("cpu0 1 2 3 4 5 6 7 8\n"), undefined);
  assert.equal(parseCpuTimes("cpu  1 2 3 4\n"), undefined);
  assert.equal(parseCpuTimes("cpu  1 2 3 4 5 6 x 8\n"), undefined);
  assert.equal(parseCpuTimes(""), undefined);
});

Deno.test("stealPercent: share of the ticks between two readings", () => {
  assert.equal(
    stealPercent({ total: 5_000, steal: 100 }, { total: 5_400, steal: 130 }),
    7.5,
  );
  assert.equal(
    stealPercent({ total: 10, steal: 1 }, { total: 10, steal: 1 }),
    0,
  );
});

Deno.test("cpuTimesReader: on Linux, counters that only grow", {
  ignore: Deno.build.os !== "linux",
}, () => {
  const read = cpuTimesReader();
  assert.ok(read, "/proc/stat should be readable on Linux");
  const before = read();
  // 100 ms of work: the kernel counts ticks of 10 ms, so the total must have grown.
  const started = performance.now();
  while (performance.now() - started < 100);
  const direct = parseCpuTimes(Deno.readTextFileSync("/proc/stat"))!;
  const after = read();
  assert.ok(before.total < direct.total, `${before.total} ${direct.total}`);
  assert.ok(direct.total <= after.total, `${direct.total} ${after.total}`);
  assert.ok(before.steal <= direct.steal && direct.steal <= after.steal);
  const share = stealPercent(before, after);
  assert.ok(share >= 0 && share <= 100, `steal ${share}%`);
});
