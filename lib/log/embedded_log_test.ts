import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { BackendError } from "../errors.ts";
import { openEmbeddedLog } from "./embedded_log.ts";
import { GroupBusyError, LogClosedError } from "./errors.ts";
import type { TopicRecord } from "./types.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const WRITER = fileURLToPath(
  new URL("./testdata/crash_writer.ts", import.meta.url),
);

Deno.test("embedded log: two handles on one file append densely and read each other's records", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embedded_log_test_" });
  const path = `${dir}/log.db`;
  const a = await openEmbeddedLog(path, { pollIntervalMs: 10 });
  const b = await openEmbeddedLog(path, { pollIntervalMs: 10 });
  await a.topics.createTopic("t");
  await b.streams.createStream("s");
  const reader = await b.topics.consumer("g", ["t"]);
  const start = performance.now();
  const polled = reader.poll({ timeoutMs: 5000 });
  await a.topics.append("t", [{ value: enc.encode("from a") }]);
  assert.deepEqual((await polled).map((r) => dec.decode(r.value)), ["from a"]);
  assert.ok(performance.now() - start < 2000);
  const writes = Array.from(
    { length: 40 },
    (_, i) =>
      (i % 2 === 0 ? a : b).topics.append("t", [{
        value: enc.encode(`w${i}`),
      }]),
  );
  const offsets = (await Promise.all(writes)).map(([r]) => r.offset);
  assert.deepEqual(
    offsets.sort((x, y) => x - y),
    Array.from({ length: 40 }, (_, i) => i + 1),
  );
  const [put] = await a.streams.putRecords("s", [{
    data: enc.encode("x"),
    partitionKey: "k",
  }]);
  const page = await b.streams.readShard("s", "shardId-000000000000");
  assert.deepEqual(page.records.map((r) => r.sequenceNumber), [
    "sequenceNumber" in put ? put.sequenceNumber : "",
  ]);
  await a.close();
  await b.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("embedded log: the file closes once both halves closed, a half closed twice counts once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embedded_log_test_" });
  const path = `${dir}/log.db`;
  const log = await openEmbeddedLog(path, { fsync: false });
  await log.topics.createTopic("t");
  await log.streams.createStream("s");
  await log.topics.close();
  await log.topics.close();
  // The streams half still holds the file open: both halves keep working.
  const [put] = await log.streams.putRecords("s", [{
    data: enc.encode("x"),
    partitionKey: "k",
  }]);
  assert.equal("sequenceNumber" in put, true);
  assert.deepEqual(await log.topics.append("t", [{ value: enc.encode("v") }]), [
    { partition: 0, offset: 0 },
  ]);
  assert.equal((await Deno.stat(`${path}-wal`)).isFile, true);
  await log.streams.close();
  // Last half closed: the file is closed (SQLite removes the WAL with the last connection).
  await assert.rejects(
    log.topics.append("t", [{ value: enc.encode("w") }]),
    LogClosedError,
  );
  await assert.rejects(Deno.stat(`${path}-wal`), Deno.errors.NotFound);
  await log.close();
  const reopened = await openEmbeddedLog(path, { fsync: false });
  const reader = await reopened.topics.consumer("g", ["t"]);
  const records = await reader.poll({ timeoutMs: 1000 });
  assert.deepEqual(records.map((r) => dec.decode(r.value)), ["v"]);
  await reopened.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("embedded log: a handle notices appends of another handle before its next append", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embedded_log_test_" });
  const path = `${dir}/log.db`;
  const a = await openEmbeddedLog(path, { fsync: false });
  const b = await openEmbeddedLog(path, { fsync: false });
  await a.topics.createTopic("t", { partitions: 2 });
  const order: [string, number, number][] = [];
  for (let i = 0; i < 6; i++) {
    const log = i % 3 === 0 ? b : a;
    const [r] = await log.topics.append("t", [{
      value: enc.encode(`${i}`),
      partition: 1,
    }]);
    order.push([log === a ? "a" : "b", r.partition, r.offset]);
  }
  assert.deepEqual(order, [
    ["b", 1, 0],
    ["a", 1, 1],
    ["a", 1, 2],
    ["b", 1, 3],
    ["a", 1, 4],
    ["a", 1, 5],
  ]);
  await a.close();
  await b.close();
  await Deno.remove(dir, { recursive: true });
});

/**
 * Runs the writer until it acknowledged `want` lines, SIGKILLs it, returns its lines.
 * `midway` runs once, while the writer is still writing.
 */
async function runAndKill(
  path: string,
  run: string,
  want: number,
  midway: () => Promise<void>,
): Promise<string[]> {
  // Runs r1 and r2 checkpoint (and restart the WAL) all the time.
  const mode = run === "r0" ? [] : ["checkpoints"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WRITER, path, run, ...mode],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const lines: string[] = [];
  let buffer = "";
  let killed = false;
  let checked = false;
  const deadline = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, 60_000);
  for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
    buffer += chunk;
    const parts = buffer.split("\n");
    buffer = parts.pop()!; // an unterminated last line was not fully acknowledged
    lines.push(
      ...parts.filter((l) => l.startsWith("T ") || l.startsWith("S ")),
    );
    if (!checked && lines.length >= want / 2) {
      checked = true;
      await midway();
    }
    if (!killed && lines.length >= want) {
      killed = true;
      child.kill("SIGKILL");
    }
  }
  clearTimeout(deadline);
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL", await stderr);
  assert.ok(lines.length >= want, `only ${lines.length} acks: ${await stderr}`);
  return lines;
}

Deno.test("embedded log: SIGKILL of the writer keeps every acknowledged record, offsets dense, batches whole", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embedded_log_crash_" });
  const path = `${dir}/log.db`;
  const setup = await openEmbeddedLog(path);
  await setup.topics.createTopic("crash.t", { partitions: 3 });
  await setup.streams.createStream("crash-s", { shardCount: 2 });
  await setup.close();

  // A reader in this process consumes while the writer process appends.
  const watcher = await openEmbeddedLog(path);
  const live = await watcher.topics.consumer("live", ["crash.t"]);
  const seen = [0, 0, 0];
  const midway = async () => {
    const records = await live.poll({ maxRecords: 100_000, timeoutMs: 1000 });
    assert.ok(records.length > 0);
    for (const r of records) assert.equal(r.offset, seen[r.partition]++);
  };
  const acked: string[] = [];
  for (const run of ["r0", "r1", "r2"]) {
    acked.push(...await runAndKill(path, run, 600, midway));
  }
  await watcher.close();

  const log = await openEmbeddedLog(path);
  const consumer = await log.topics.consumer("verify", ["crash.t"]);
  const topic = new Map<string, string>(); // "partition offset" -> value
  const perPartition: number[][] = [[], [], []];
  for (
    let batch: TopicRecord[];
    (batch = await consumer.poll({ timeoutMs: 0 })).length > 0;
  ) {
    for (const r of batch) {
      topic.set(`${r.partition} ${r.offset}`, dec.decode(r.value));
      perPartition[r.partition].push(r.offset);
    }
  }
  for (const offsets of perPartition) {
    assert.deepEqual(
      offsets,
      Array.from({ length: offsets.length }, (_, i) => i),
    );
  }
  const stream = new Map<string, string>(); // "shardId seq" -> value
  for (const shard of (await log.streams.describeStream("crash-s")).shards) {
    let after: string | undefined;
    let last = -1n;
    while (true) {
      const page = await log.streams.readShard("crash-s", shard.shardId, {
        afterSequenceNumber: after,
      });
      if (page.records.length === 0) break;
      for (const r of page.records) {
        assert.ok(BigInt(r.sequenceNumber) > last);
        last = BigInt(r.sequenceNumber);
        stream.set(`${shard.shardId} ${r.sequenceNumber}`, dec.decode(r.data));
      }
      after = page.records[page.records.length - 1].sequenceNumber;
    }
  }
  let topicAcks = 0;
  for (const line of acked) {
    const [kind, where, pos, value] = line.split(" ");
    const found = (kind === "T" ? topic : stream).get(`${where} ${pos}`);
    assert.equal(found, value, `acknowledged ${line} is missing`);
    if (kind === "T") topicAcks++;
  }
  assert.ok(topicAcks > 0 && acked.length - topicAcks > 0);
  // Batches are atomic: every stored batch has all its records.
  const batches = new Map<string, number>();
  for (const v of [...topic.values(), ...stream.values()]) {
    const batch = v.slice(0, v.lastIndexOf("-"));
    batches.set(batch, (batches.get(batch) ?? 0) + 1);
  }
  for (const [batch, n] of batches) {
    assert.equal(n, batch.includes("-t") ? 3 : 2, `batch ${batch} is partial`);
  }
  await log.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("embedded log: a log opened through a symbolic link acknowledges writes and checkpoints (its -wal file is beside the link's target)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embedded_log_test_" });
  await Deno.mkdir(`${dir}/disk`);
  await Deno.mkdir(`${dir}/data`);
  await Deno.symlink(`${dir}/disk/log.db`, `${dir}/data/log.db`);
  const log = await openEmbeddedLog(`${dir}/data/log.db`, {
    checkpoint: { startBytes: 1, intervalMs: 0 },
  });
  await log.topics.createTopic("t");
  assert.deepEqual(await log.topics.append("t", [{ value: enc.encode("v") }]), [
    { partition: 0, offset: 0 },
  ]);
  await log.streams.createStream("s");
  const [put] = await log.streams.putRecords("s", [{
    data: enc.encode("x"),
    partitionKey: "k",
  }]);
  assert.equal("sequenceNumber" in put, true);
  await log.topics.append("t", [{ value: enc.encode("w") }]);
  // The group lock is the same whichever name the log is opened by.
  const reader = await log.topics.consumer("g", ["t"]);
  const direct = await openEmbeddedLog(`${dir}/disk/log.db`);
  await assert.rejects(direct.topics.consumer("g", ["t"]), GroupBusyError);
  await reader.close();
  await direct.close();
  await log.close(); // waits for a running checkpoint
  const { syncs, checkpoints } = log.stats();
  assert.equal(syncs >= 4, true, `${syncs} syncs`);
  assert.equal(checkpoints >= 1, true, `${checkpoints} checkpoints`);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("embedded log: on a damaged file, reads and writes fail with a BackendError that names the file and says it is damaged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "embedded_log_test_" });
  const path = `${dir}/log.db`;
  const log = await openEmbeddedLog(path, { fsync: false });
  await log.topics.createTopic("t");
  await log.streams.createStream("s");
  const value = new Uint8Array(3000).fill(1);
  for (let i = 0; i < 100; i++) {
    await log.topics.append("t", [{ value }]);
    await log.streams.putRecords("s", [{ data: value, partitionKey: "k" }]);
  }
  await log.close();
  // Damage every page after the schema's (page 1) and the two tables of names.
  const bytes = await Deno.readFile(path);
  bytes.fill(0xab, 4096 * 8);
  await Deno.writeFile(path, bytes);
  const damaged = await openEmbeddedLog(path, { fsync: false });
  const reader = await damaged.topics.consumer("g", ["t"]);
  const expected = (what: string) => (e: unknown) => {
    assert.ok(e instanceof BackendError, String(e));
    assert.equal(
      e.message,
      `sqlite: ${what} (database disk image is malformed): the log is damaged: move it away (with its -wal file) to start afresh, or restore it from a copy`,
    );
    assert.equal(e.context.path, path);
    return true;
  };
  await assert.rejects(
    reader.poll({ timeoutMs: 0 }),
    expected(`cannot read the log file ${path}`),
  );
  await assert.rejects(
    damaged.streams.readShard("s", "shardId-000000000000"),
    expected(`cannot read the log file ${path}`),
  );
  await assert.rejects(
    damaged.topics.append("t", [{ value }]),
    expected(
      `the write transaction failed on ${path}; nothing of it was written`,
    ),
  );
  await damaged.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("embedded log: an in-memory log (':memory:', fsync off) appends and reads", async () => {
  const log = await openEmbeddedLog(":memory:", { fsync: false });
  await log.topics.createTopic("t");
  assert.deepEqual(await log.topics.append("t", [{ value: enc.encode("v") }]), [
    { partition: 0, offset: 0 },
  ]);
  await log.streams.createStream("s");
  await log.streams.putRecords("s", [{
    data: enc.encode("x"),
    partitionKey: "k",
  }]);
  const page = await log.streams.readShard("s", "shardId-000000000000");
  assert.deepEqual(page.records.map((r) => dec.decode(r.data)), ["x"]);
  await log.close();
});
