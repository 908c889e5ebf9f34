import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { sleep } from "../sleep.ts";
import { freePort, isAlive } from "./process.ts";
import { s3Service } from "./s3.ts";

/** An AWS signature-V2 header (dated by `x-amz-date`) for s3rver's local credentials. */
function authorize(method: string, resource: string, date: string): string {
  const toSign = `${method}\n\n\n\nx-amz-date:${date}\n${resource}`;
  const signature = createHmac("sha1", "S3RVER").update(toSign).digest(
    "base64",
  );
  return `AWS S3RVER:${signature}`;
}

async function request(
  endpoint: string,
  method: string,
  resource: string,
  body?: string,
): Promise<Response> {
  const date = new Date().toUTCString();
  return await fetch(endpoint + resource, {
    method,
    body: body === undefined ? undefined : new TextEncoder().encode(body),
    headers: {
      "x-amz-date": date,
      Authorization: authorize(method, resource.split("?")[0], date),
    },
  });
}

/** Sends a PUT whose body stops halfway, then drops the connection, as a killed client would. */
async function truncatedPut(port: number, resource: string): Promise<void> {
  const date = new Date().toUTCString();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head =
    `PUT ${resource} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-amz-date: ${date}\r\n` +
    `Authorization: ${
      authorize("PUT", resource, date)
    }\r\nContent-Length: 100\r\n\r\n`;
  await conn.write(new TextEncoder().encode(head + "x".repeat(50)));
  await sleep(300);
  conn.close();
  await sleep(300);
}

Deno.test("s3 service: starts s3rver on 127.0.0.1 with the bucket, writes whole objects only, stops by PID", async () => {
  const stateDir = await Deno.makeTempDir();
  const port = freePort();
  try {
    const handle = await s3Service.start({ stateDir, port, buckets: ["lake"] });
    assert.equal(handle.endpoint, `http://127.0.0.1:${port}`);
    assert.deepEqual(await s3Service.status({ stateDir }), {
      running: true,
      endpoint: handle.endpoint,
      pid: handle.pid,
    });
    assert.deepEqual(s3Service.env?.(handle.endpoint), {
      S3_ENDPOINT: handle.endpoint,
      S3_BUCKET: "pinterest-lake",
    });

    const put = await request(
      handle.endpoint,
      "PUT",
      "/lake/whole.json",
      '{"n":1}\n',
    );
    assert.equal(put.status, 200);
    await put.body?.cancel();

    await truncatedPut(port, "/lake/partial.json");
    const partial = await request(handle.endpoint, "GET", "/lake/partial.json");
    assert.equal(partial.status, 404, "a cut-short upload must store nothing");
    await partial.body?.cancel();

    const list =
      await (await request(handle.endpoint, "GET", "/lake?list-type=2")).text();
    assert.deepEqual(
      [...list.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]),
      ["whole.json"],
    );
    assert.equal(
      await (await request(handle.endpoint, "GET", "/lake/whole.json")).text(),
      '{"n":1}\n',
    );

    await s3Service.stop({ stateDir });
    assert.equal(await isAlive(handle.pid), false);
    assert.deepEqual(await s3Service.status({ stateDir }), { running: false });
  } finally {
    await s3Service.stop({ stateDir });
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("s3 service: a stale PID file whose PID now belongs to another state dir's s3rver leaves that server alone", async () => {
  const stale = await Deno.makeTempDir({ prefix: "s3_stale_" });
  const other = await Deno.makeTempDir({ prefix: "s3_other_" });
  try {
    // The PID file of a server killed with -9 stays behind ...
    const dead = await s3Service.start({ stateDir: stale, port: freePort() });
    Deno.kill(dead.pid, "SIGKILL");
    for (let i = 0; i < 100 && (await isAlive(dead.pid)); i++) await sleep(20);
    // ... and its PID is reused, here by the s3rver of another state dir.
    const live = await s3Service.start({ stateDir: other, port: freePort() });
    const path = `${stale}/s3/s3.pid`;
    const record = JSON.parse(await Deno.readTextFile(path));
    await Deno.writeTextFile(
      path,
      JSON.stringify({ ...record, pid: live.pid }) + "\n",
    );
    // Before: reported running (at the dead server's endpoint), and stop killed the other.
    assert.deepEqual(await s3Service.status({ stateDir: stale }), {
      running: false,
    });
    await s3Service.stop({ stateDir: stale });
    assert.equal(await isAlive(live.pid), true);
    assert.deepEqual(await s3Service.status({ stateDir: other }), {
      running: true,
      endpoint: live.endpoint,
      pid: live.pid,
    });
  } finally {
    await s3Service.stop({ stateDir: other });
    await s3Service.stop({ stateDir: stale });
    await Deno.remove(stale, { recursive: true });
    await Deno.remove(other, { recursive: true });
  }
});

Deno.test("s3 service: s3rver runs --silent, so its log does not grow by a line per request", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "s3_silent_" });
  const port = freePort();
  try {
    const { endpoint } = await s3Service.start({ stateDir, port });
    for (let i = 0; i < 5; i++) {
      const res = await request(endpoint, "GET", "/pinterest-lake?list-type=2");
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    // Before: s3rver_atomic.cjs dropped the first argument (--silent) and every request
    // logged "info: 2ms 321b" (the sink's and the batch's too, without bound).
    assert.equal(
      await Deno.readTextFile(`${stateDir}/s3/s3.out`),
      `\nS3rver listening on 127.0.0.1:${port}\n`,
    );
  } finally {
    await s3Service.stop({ stateDir });
    await Deno.remove(stateDir, { recursive: true });
  }
});
