import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { BackendError } from "../../errors.ts";
import { freePort } from "../../services/process.ts";
import { createKinesisClient, openKinesisLog } from "./mod.ts";
import { checkAnswers } from "./open_check.ts";

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

Deno.test("open check on AWS: a caller allowed its streams but not kinesis:ListStreams opens; bad credentials do not", async () => {
  // A server on 127.0.0.1 answers every call as AWS answers it (kinesis-mock checks no
  // permissions): HTTP 400, the error named in an x-amz-json-1.1 body.
  const seen: string[] = [];
  let type = "";
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      await req.body?.cancel();
      seen.push(req.headers.get("x-amz-target") ?? "");
      return new Response(
        JSON.stringify({ __type: type, message: `${type} (stand-in)` }),
        {
          status: 400,
          headers: { "content-type": "application/x-amz-json-1.1" },
        },
      );
    },
  );
  try {
    for (
      const [answer, opens] of [
        ["AccessDeniedException", true],
        ["UnrecognizedClientException", false],
      ] as const
    ) {
      type = answer;
      const client = createKinesisClient({
        region: "eu-west-3",
        endpoint: `http://127.0.0.1:${server.addr.port}`,
        credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
        maxAttempts: 1,
      });
      try {
        // Before: a consumer whose IAM policy grants the stream's reads (GetRecords,
        // ListShards, ...) but not the account-wide ListStreams, which the stream processor
        // never calls, could not open the log at all.
        const error = await checkAnswers(client, {
          region: "eu-west-3",
          timeoutMs: 5_000,
        }).then(() => undefined, (e) => e);
        assert.equal(error === undefined, opens, String(error));
        if (!opens) {
          assert.ok(error instanceof BackendError);
          assert.equal(error.context.awsError, answer);
        }
      } finally {
        client.destroy();
      }
    }
    assert.deepEqual(seen, [
      "Kinesis_20131202.ListStreams",
      "Kinesis_20131202.ListStreams",
    ]);
  } finally {
    await server.shutdown();
  }
});
