/**
 * Compatibility test: the course-style Python script (`user_posting_emulation.py`, stdlib
 * urllib) posts to `deno task gateway` running as a subprocess; every post must be
 * accepted and land in the log with its exact values.
 *
 * Needs `python3` on PATH: under `CI=true` a missing python3 fails the test, otherwise the
 * test is skipped with a message.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { join } from "node:path";
import { openEmbeddedLog } from "../../lib/log/mod.ts";

const POSTS = 25;
const PREFIX = "pinterest";
const KINDS = ["pin", "geo", "user"] as const;
const SCRIPT = fileURLToPath(
  new URL("./user_posting_emulation.py", import.meta.url),
);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function hasPython(): boolean {
  try {
    return new Deno.Command("python3", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .outputSync().success;
  } catch {
    return false;
  }
}

const python = hasPython();
if (!python && Deno.env.get("CI") !== "true") {
  console.warn(
    "compat_test: python3 not found on PATH; skipping (install python3 to run it)",
  );
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitHealthy(
  url: string,
  exited: () => boolean,
): Promise<void> {
  for (let i = 0; i < 300 && !exited(); i++) {
    try {
      const res = await fetch(`${url}/healthz`);
      const body = await res.json();
      if (res.status === 200 && body.status === "ok") return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `gateway at ${url} did not become healthy within 30 s (exited: ${exited()})`,
  );
}

async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

Deno.test({
  name:
    "compat: course-style Python urllib script posts through `deno task gateway`",
  ignore: !python && Deno.env.get("CI") !== "true",
  async fn() {
    assert.ok(python, "python3 is required under CI=true");
    const dataDir = await Deno.makeTempDir({ prefix: "gateway_compat_" });
    const port = freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = { ...Deno.env.toObject() };
    delete env.GATEWAY_API_KEYS;
    const child = new Deno.Command("deno", {
      args: ["task", "gateway", "--port", String(port), "--data-dir", dataDir],
      cwd: ROOT,
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const childOut = readText(child.stdout);
    const childErr = readText(child.stderr);
    let exited = false;
    const status = child.status.then((s) => {
      exited = true;
      return s;
    });
    try {
      await waitHealthy(url, () => exited).catch(async (err) => {
        if (!exited) child.kill("SIGTERM");
        await status;
        throw new Error(`${err.message}\ngateway stderr:\n${await childErr}`);
      });
      const dump = join(dataDir, "sent.jsonl");
      const py = await new Deno.Command("python3", {
        args: [SCRIPT, url, PREFIX, String(POSTS), "--dump", dump],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const pyOut = new TextDecoder().decode(py.stdout);
      assert.equal(
        py.code,
        0,
        `script failed:\n${pyOut}\n${new TextDecoder().decode(py.stderr)}`,
      );
      const statusLines = pyOut.split("\n").filter((l) =>
        /^(POST|PUT) /.test(l)
      );
      assert.equal(statusLines.length, POSTS * 6);
      assert.ok(statusLines.every((l) => l.endsWith(" 200")), pyOut);

      child.kill("SIGTERM");
      assert.equal((await status).code, 0, `gateway exit: ${await childErr}`);
      const out = await childOut;
      assert.match(out, new RegExp(`Gateway listening on ${url}\n`));
      assert.match(out, /Gateway stopped\./);

      const sent = (await Deno.readTextFile(dump)).trim().split("\n").map((l) =>
        JSON.parse(l)
      );
      assert.equal(sent.length, POSTS * 3);
      await assertLanded(join(dataDir, "log.db"), sent);
    } finally {
      if (!exited) child.kill("SIGTERM");
      await status;
      await childOut.catch(() => "");
      await childErr.catch(() => "");
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

async function assertLanded(
  path: string,
  sent: { kind: string; row: Record<string, unknown> }[],
): Promise<void> {
  const log = await openEmbeddedLog(path);
  const decode = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));
  try {
    for (const kind of KINDS) {
      const expected = sent.filter((s) => s.kind === kind).map((s) => s.row);
      assert.equal(expected.length, POSTS);

      const consumer = await log.topics.consumer("compat-check", [
        `${PREFIX}.${kind}`,
      ]);
      const got = [];
      for (let i = 0; i < 20 && got.length < POSTS; i++) {
        got.push(...await consumer.poll({ maxRecords: 1000, timeoutMs: 200 }));
      }
      await consumer.close();
      assert.deepEqual(got.map((r) => r.offset), [...Array(POSTS).keys()]);
      assert.deepEqual(got.map((r) => decode(r.value)), expected);

      const stream = `streaming-${PREFIX}-${kind}`;
      const desc = await log.streams.describeStream(stream);
      assert.equal(desc.shards.length, 1);
      const page = await log.streams.readShard(stream, desc.shards[0].shardId, {
        limit: 1000,
      });
      assert.equal(page.records.length, POSTS);
      assert.ok(page.records.every((r) => r.partitionKey === "partition-1"));
      assert.deepEqual(page.records.map((r) => decode(r.data)), expected);
    }
    // Python's json.dumps(default=str) wrote datetimes as "YYYY-MM-DD HH:MM:SS".
    const geo = sent.filter((s) => s.kind === "geo").map((s) =>
      s.row.timestamp
    );
    assert.ok(
      geo.every((t) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(String(t))),
    );
  } finally {
    await log.close();
  }
}
