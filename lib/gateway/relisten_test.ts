import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const CLI = fileURLToPath(new URL("../cli/gateway.ts", import.meta.url));
const LIMIT = 64; // open files of the gateway process

/** Reads `stream` into `into` (text) until it ends. */
async function collect(
  stream: ReadableStream<Uint8Array>,
  into: { text: string },
): Promise<void> {
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    into.text += chunk;
  }
}

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms: number,
): Promise<void> {
  const end = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, {
      signal: AbortSignal.timeout(2000),
    });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

Deno.test("gateway: out of file descriptors, it listens again once connections close, and keeps serving", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "gateway_relisten_" });
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      `ulimit -n ${LIMIT} && exec "$0" run -A "$1" --port 0 --data-dir "$2"`,
      Deno.execPath(),
      CLI,
      dataDir,
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = { text: "" }, err = { text: "" };
  const reading = Promise.all([
    collect(child.stdout, out),
    collect(child.stderr, err),
  ]);
  const conns: Deno.TcpConn[] = [];
  try {
    await waitFor(
      "the gateway to listen",
      () => /listening on/.test(out.text),
      30_000,
    );
    const url = /Gateway listening on (http:\/\/\S+)/.exec(out.text)![1];
    const port = Number(new URL(url).port);
    // More connections than the process may hold files: accepting one fails.
    for (let i = 0; i < LIMIT * 2; i++) {
      try {
        conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
      } catch {
        break; // the listener is gone
      }
    }
    await waitFor(
      "the accept failure to be logged",
      () => /stopped accepting connections; listening again/.test(err.text),
      15_000,
    );
    for (const c of conns.splice(0)) c.close();
    await waitFor("the gateway to answer again", () => healthy(url), 20_000);
    assert.match(err.text, /Too many open files/);
    assert.match(err.text, /gateway: listening again/);
    const res = await fetch(`${url}/topics/pinterest.pin`, {
      method: "POST",
      headers: { "content-type": "application/vnd.kafka.json.v2+json" },
      body: JSON.stringify({ records: [{ value: { index: 1 } }] }),
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      key_schema_id: null,
      value_schema_id: null,
      offsets: [{ partition: 0, offset: 0, error_code: null, error: null }],
    });
    child.kill("SIGINT");
    assert.equal((await child.status).code, 0);
    await reading;
    assert.match(out.text, /Gateway stopped\./);
  } finally {
    for (const c of conns) c.close();
    try {
      child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await child.status;
    await reading.catch(() => {});
    await Deno.remove(dataDir, { recursive: true });
  }
});
