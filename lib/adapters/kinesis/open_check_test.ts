import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { BackendError } from "../../errors.ts";
import { freePort } from "../../services/process.ts";
import { openKinesisLog } from "./mod.ts";

Deno.test("openKinesisLog: a server that takes the connection and never answers fails in openTimeoutMs, saying so", async () => {
  const sockets: Socket[] = [];
  const hung = createServer((s) => void sockets.push(s));
  const port = freePort();
  await new Promise<void>((r) => hung.listen(port, "127.0.0.1", r));
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    const began = Date.now();
    // Before: each of the SDK's 3 attempts waited requestTimeoutMs (30 s by default: 90 s
    // in all), then 'TimeoutError: ...; is kinesis-mock running? Start it with ...'.
    const err = await openKinesisLog({
      endpoint,
      requestTimeoutMs: 2_000,
      openTimeoutMs: 300,
    }).then(() => null, (e) => e);
    const took = Date.now() - began;
    assert.ok(err instanceof BackendError, String(err));
    assert.equal(
      err.message,
      `kinesis: open failed at ${endpoint}: no answer within 300 ms, though the ` +
        "connection was taken; is the server hung? Check KINESIS_ENDPOINT and the " +
        "server's log (`deno task services status`), or restart it",
    );
    assert.deepEqual(err.context, {
      backend: "kinesis",
      op: "open",
      endpoint,
      openTimeoutMs: 300,
    });
    assert.ok(took >= 300 && took < 2_000, `took ${took} ms`);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((r) => hung.close(r));
  }
});
