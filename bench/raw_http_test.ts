import assert from "node:assert/strict";
import { RawHttpSender } from "./raw_http.ts";

/** `sender.send()`, failing after 10 s instead of hanging. */
async function send(sender: RawHttpSender): Promise<number> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error("no answer within 10 s")),
      10_000,
    );
  });
  try {
    return await Promise.race([sender.send(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A real HTTP server on a free loopback port that records what it received. */
function startServer() {
  const seen: { method: string; path: string; body: string; port: number }[] =
    [];
  const big = "x".repeat(100_000); // larger than the client's first buffer
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req, info) => {
      const path = new URL(req.url).pathname;
      seen.push({
        method: req.method,
        path,
        body: await req.text(),
        port: info.remoteAddr.port,
      });
      if (path === "/big") return new Response(big);
      if (path === "/missing") return new Response("no", { status: 404 });
      if (path === "/stream") {
        return new Response(
          ReadableStream.from(["a", "b"]).pipeThrough(
            new TextEncoderStream(),
          ),
        );
      }
      return Response.json({ ok: true });
    },
  );
  return { server, seen, url: `http://127.0.0.1:${server.addr.port}` };
}

Deno.test("raw http: sends the prepared request, reads whole responses, reuses one connection", async () => {
  const { server, seen, url } = startServer();
  const body = JSON.stringify({ records: [{ value: { a: 1 } }] });
  const post = new RawHttpSender(`${url}/topics/t?x=1`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  for (let i = 0; i < 5; i++) assert.equal(await send(post), 200);
  const big = new RawHttpSender(`${url}/big`, { method: "GET" });
  for (let i = 0; i < 3; i++) assert.equal(await send(big), 200);
  const missing = new RawHttpSender(`${url}/missing`, { method: "GET" });
  assert.equal(await send(missing), 404);
  assert.deepEqual(seen.slice(0, 5).map((s) => [s.method, s.path, s.body]), [
    ...Array(5).fill(["POST", "/topics/t", body]),
  ]);
  // Sequential requests of one sender share one keep-alive connection.
  assert.equal(new Set(seen.slice(0, 5).map((s) => s.port)).size, 1);
  assert.equal(new Set(seen.slice(5, 8).map((s) => s.port)).size, 1);
  post.close();
  big.close();
  missing.close();
  await server.shutdown();
});

Deno.test("raw http: concurrent requests open one connection each; a body without Content-Length is refused", async () => {
  const { server, seen, url } = startServer();
  const get = new RawHttpSender(`${url}/ok`, { method: "GET" });
  const statuses = await Promise.all(
    Array.from({ length: 4 }, () => send(get)),
  );
  assert.deepEqual(statuses, [200, 200, 200, 200]);
  assert.equal(new Set(seen.map((s) => s.port)).size, 4);
  // The four connections are idle now: four more requests reuse them.
  await Promise.all(Array.from({ length: 4 }, () => send(get)));
  assert.equal(new Set(seen.map((s) => s.port)).size, 4);
  const stream = new RawHttpSender(`${url}/stream`, { method: "GET" });
  await assert.rejects(() => send(stream), /no Content-Length/);
  get.close();
  stream.close();
  await server.shutdown();
});
