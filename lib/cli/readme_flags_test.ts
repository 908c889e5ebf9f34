import assert from "node:assert/strict";
import { batchProgram } from "./batch.ts";
import { emulateProgram } from "./emulate.ts";
import { gatewayProgram } from "./gateway.ts";
import { metricsProgram } from "./metrics.ts";
import type { CliProgram } from "./program.ts";
import { reportProgram } from "./report.ts";
import { seedProgram } from "./seed.ts";
import { servicesProgram } from "./services.ts";
import { sinkProgram } from "./sink.ts";
import { streamProgram } from "./stream.ts";

const README = new URL("../../README.md", import.meta.url);

const PROGRAMS: CliProgram[] = [
  emulateProgram,
  seedProgram,
  gatewayProgram,
  sinkProgram,
  batchProgram,
  streamProgram,
  metricsProgram,
  reportProgram,
  servicesProgram,
];

/** The long flags a usage text lists, `--help` aside. */
function usageFlags(usage: string): string[] {
  return usage.split("\n").flatMap((line) => {
    const flag = /^ {2}(?:-\w, )?(--[a-z][a-z-]*)/.exec(line)?.[1];
    return flag && flag !== "--help" ? [flag] : [];
  });
}

Deno.test("README names every flag a task's --help lists", async () => {
  const text = await Deno.readTextFile(README);
  const missing = PROGRAMS.flatMap((program) =>
    usageFlags(program.usage)
      .filter((flag) => !new RegExp("`" + flag + "[ `=]").test(text))
      .map((flag) => `${program.name} ${flag}`)
  );
  assert.deepEqual(missing, []);
  // The parse above reads the flags: a usage text of a known task has them.
  assert.deepEqual(usageFlags(reportProgram.usage), ["--out", "--data-dir"]);
});

Deno.test("each flag the README gives a task (tasks table, emulate options) is in that task's --help", async () => {
  const text = await Deno.readTextFile(README);
  const byName = new Map(PROGRAMS.map((p) => [p.name, p]));
  const claims: [string, string][] = [];
  for (const line of text.split("\n")) {
    const task = /^\| `deno task ([a-z]+)`/.exec(line)?.[1];
    if (task === undefined || !byName.has(task)) continue;
    for (const m of line.matchAll(/`(--[a-z][a-z-]*)/g)) {
      claims.push([task, m[1]]);
    }
  }
  const options = text.slice(
    text.indexOf("### `deno task emulate` options"),
    text.indexOf("\n## ", text.indexOf("### `deno task emulate` options")),
  );
  for (const line of options.split("\n").filter((l) => l.startsWith("| `"))) {
    const first = line.split("|")[1];
    for (const m of first.matchAll(/`(--[a-z][a-z-]*)/g)) {
      claims.push(["emulate", m[1]]);
    }
  }
  assert.ok(claims.length > 20, `${claims.length} flags read`);
  const missing = claims
    .filter(([task, flag]) =>
      !usageFlags(byName.get(task)!.usage).includes(flag)
    )
    .map(([task, flag]) => `${task} ${flag}`);
  assert.deepEqual(missing, []);
});
