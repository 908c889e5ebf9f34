import assert from "node:assert/strict";
import { kafkaTestTarget, uniqueTopic } from "./test_target.ts";

const target = await kafkaTestTarget();

/**
 * Runs `body` in a child Deno process with `log` (an open KafkaTopicLog on the test's
 * brokers) and `topic` (created, one partition) in scope; returns its output and whether it
 * exited on its own within `exitWithinMs`: a connection left open keeps it running.
 */
async function inChild(body: string, exitWithinMs: number) {
  const dir = await Deno.makeTempDir({ prefix: "kafka_close_" });
  const script = `${dir}/child.ts`;
  const mod = new URL("./mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    script,
    `import { openKafkaLog } from ${JSON.stringify(mod)};
const log = await openKafkaLog({ brokers: ${JSON.stringify(target.brokers)} });
const topic = ${JSON.stringify(uniqueTopic("close"))};
await log.createTopic(topic);
const outcome = (p: Promise<unknown>) =>
  p.then(() => "ok", (e) => \`\${e.name} \${e.code}: \${e.message}\`);
${body}
`,
  );
  const config = new URL("../../../deno.json", import.meta.url).pathname;
  try {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", config, script],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"running">((resolve) => {
      timer = setTimeout(() => resolve("running"), exitWithinMs);
    });
    const ended = await Promise.race([
      child.status.then(() => "exited"),
      late,
    ]);
    clearTimeout(timer);
    if (ended === "running") child.kill("SIGKILL");
    const out = await child.output();
    return {
      ended,
      stdout: new TextDecoder().decode(out.stdout).trim(),
      stderr: new TextDecoder().decode(out.stderr),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "kafka log: close() while appends are in flight answers them, then nothing keeps the process running",
  ...target.testOptions,
  fn: async () => {
    const run = await inChild(
      `let answered = 0;
const appends = Array.from({ length: 20 }, () =>
  outcome(log.append(topic, [{ value: new Uint8Array(50_000) }]))
    .finally(() => answered++));
await new Promise((r) => setTimeout(r, 5));
await log.close();
console.log(answered, JSON.stringify([...new Set(await Promise.all(appends))]));`,
      15_000,
    );
    assert.equal(run.stdout, '20 ["ok"]', run.stderr);
    assert.equal(
      run.ended,
      "exited",
      "the process still ran 15 s after close()",
    );
  },
});

Deno.test({
  name:
    "kafka log: after close() an append, a listing or a new consumer is LogClosedError, and connects nothing",
  ...target.testOptions,
  fn: async () => {
    const run = await inChild(
      `await log.append(topic, [{ value: new Uint8Array([1]) }]);
await log.close();
await log.close(); // twice is fine
console.log(await outcome(log.append(topic, [{ value: new Uint8Array([2]) }])));
console.log(await outcome(log.listTopics()));
console.log(await outcome(log.consumer("g", [topic])));`,
      15_000,
    );
    const closed = "KafkaLogClosedError LOG_CLOSED: The Kafka log at " +
      `${
        target.brokers.join(",")
      } is closed; open it again with openKafkaLog().`;
    assert.equal(run.stdout, [closed, closed, closed].join("\n"), run.stderr);
    assert.equal(
      run.ended,
      "exited",
      "the process still ran 15 s after close()",
    );
  },
});
