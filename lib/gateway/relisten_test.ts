import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { makeTestDir, type TestDir } from "../test_temp_dir.ts";

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

/**
 * `deno {args}` with at most {@linkcode LIMIT} open files, once it printed `listening on
 * {url}`; disposing it kills it and closes the connections it was sent.
 */
async function lowLimitProcess(args: string[]) {
  const child = new Deno.Command("sh", {
    args: [
      "-c",
      `ulimit -n ${LIMIT} && exec "$0" "$@"`,
      Deno.execPath(),
      ...args,
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
  await waitFor("it to listen", () => /listening on/.test(out.text), 30_000);
  const url = /listening on (http:\/\/\S+)/.exec(out.text)![1];
  return {
    child,
    out,
    err,
    conns,
    url,
    port: Number(new URL(url).port),
    reading,
    /** Opens more connections than the process may hold files: accepting one fails. */
    async exhaust() {
      for (let i = 0; i < LIMIT * 2; i++) {
        try {
          conns.push(
            await Deno.connect({ hostname: "127.0.0.1", port: this.port }),
          );
        } catch {
          break; // the listener is gone
        }
      }
      await waitFor(
        "the accept failure to be logged",
        () => /stopped accepting connections; listening again/.test(err.text),
        15_000,
      );
    },
    async [Symbol.asyncDispose]() {
      for (const c of conns.splice(0)) c.close();
      try {
        child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await child.status;
      await reading.catch(() => {});
    },
    /** Stops it with SIGINT; resolves to its exit code once its output is read. */
    async interrupt(): Promise<number> {
      child.kill("SIGINT");
      const { code } = await child.status;
      await reading;
      return code;
    },
  };
}

/** `deno task gateway` on a fresh data dir in `tmp`, with at most {@linkcode LIMIT} open files. */
function lowLimitGateway(tmp: TestDir, flags: string[] = []) {
  return lowLimitProcess([
    "run",
    "-A",
    CLI,
    "--port",
    "0",
    "--data-dir",
    tmp.path,
    ...flags,
  ]);
}

Deno.test("gateway: out of file descriptors, it listens again once connections close, and keeps serving", async () => {
  await using tmp = await makeTestDir({ prefix: "gateway_relisten_" });
  await using gw = await lowLimitGateway(tmp);
  await gw.exhaust();
  for (const c of gw.conns.splice(0)) c.close();
  await waitFor("the gateway to answer again", () => healthy(gw.url), 20_000);
  assert.match(gw.err.text, /Too many open files/);
  assert.match(gw.err.text, /gateway: listening again/);
  const res = await fetch(`${gw.url}/topics/pinterest.pin`, {
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
  assert.equal(await gw.interrupt(), 0);
  assert.match(gw.out.text, /Gateway stopped\./);
});

Deno.test("gateway: Ctrl-C while it waits to listen again stops it at once", async () => {
  await using tmp = await makeTestDir({ prefix: "gateway_relisten_" });
  await using gw = await lowLimitGateway(tmp);
  await gw.exhaust(); // Ctrl-C at once: during the pause before it listens again
  const started = performance.now();
  assert.equal(await gw.interrupt(), 0);
  assert.ok(performance.now() - started < 10_000);
  assert.match(
    gw.out.text,
    /Gateway stopping \(SIGINT\)\.\.\.\nGateway stopped\./,
  );
});

Deno.test("gateway: an upload stalled since before it listened again is cut at Ctrl-C after the grace, as on the first server", async () => {
  await using tmp = await makeTestDir({ prefix: "gateway_relisten_" });
  await using gw = await lowLimitGateway(tmp, ["--shutdown-grace-ms", "500"]);
  const stalled = await Deno.connect({ hostname: "127.0.0.1", port: gw.port });
  gw.conns.push(stalled);
  await stalled.write(
    new TextEncoder().encode(
      "POST /topics/pinterest.pin HTTP/1.1\r\nHost: gw\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{",
    ),
  );
  await gw.exhaust();
  for (const c of gw.conns.splice(1)) c.close(); // all but the stalled upload
  await waitFor("the gateway to answer again", () => healthy(gw.url), 20_000);
  const started = performance.now();
  const code = await Promise.race([
    gw.interrupt(),
    new Promise((r) => setTimeout(() => r("still running after 15 s"), 15_000)),
  ]);
  assert.equal(code, 0, gw.err.text);
  assert.ok(performance.now() - started < 10_000);
  assert.match(gw.err.text, /cut the uploads still arriving after the grace/);
  assert.match(gw.err.text, /POST \/topics\/pinterest\.pin from 127\.0\.0\.1:/);
  assert.match(gw.out.text, /Gateway stopped\./);
});

Deno.test("gateway: when its address cannot be bound again, it gives up after its attempts and finished rejects, naming ulimit -n", async () => {
  await using tmp = await makeTestDir({ prefix: "gateway_giveup_" });
  const modules = {
    gateway: fileURLToPath(new URL("./mod.ts", import.meta.url)),
    log: fileURLToPath(new URL("../log/mod.ts", import.meta.url)),
  };
  const code = `
    import { serveGateway } from ${JSON.stringify(modules.gateway)};
    import { openEmbeddedLog } from ${JSON.stringify(modules.log)};
    // No signal listener here, unlike the CLI: serveGateway must not need one.
    const log = await openEmbeddedLog(${JSON.stringify(`${tmp.path}/log.db`)});
    const server = await serveGateway({
      topics: log.topics, streams: log.streams, port: 0,
      relistenAttempts: 3, relistenDelayMs: 1500,
    });
    console.log("listening on " + server.url);
    try {
      await server.finished;
    } catch (e) {
      console.log("gave up: " + e.message);
      Deno.exit(7);
    }
  `;
  await using gw = await lowLimitProcess(["eval", code]);
  let squatter: Deno.Listener | undefined;
  try {
    await gw.exhaust();
    // Another process takes the address during the pause.
    squatter = Deno.listen({ hostname: "127.0.0.1", port: gw.port });
    const { code: exit } = await gw.child.status;
    await gw.reading;
    assert.equal(exit, 7, `${gw.out.text}\n${gw.err.text}`);
    assert.match(
      gw.out.text,
      new RegExp(
        `gave up: The gateway stopped accepting connections on http://127\\.0\\.0\\.1:${gw.port} \\(.*Too many open files.*\\) and could not listen there again \\(.*Address already in use.*\\)\\. Raise the open-file limit \\(ulimit -n\\) if it ran out, then restart it\\.`,
      ),
    );
    assert.doesNotMatch(gw.err.text, /listening again \{"url"/);
  } finally {
    squatter?.close();
  }
});
