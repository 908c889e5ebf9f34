import assert from "node:assert/strict";
import { BackendError } from "../../errors.ts";
import { InvalidKeyError, ObjectNotFoundError } from "../../lake/errors.ts";
import { freePort } from "../../services/process.ts";
import { openS3Store } from "./s3_store.ts";
import { withS3Server } from "./test_server.ts";
import { s3Service } from "../../services/s3.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("S3 store against s3rver: put, get, list, delete, errors", async (t) => {
  await withS3Server(async (endpoint) => {
    const lake = await openS3Store({ endpoint, bucket: "lake" });
    assert.equal(lake.location, "s3://lake/");

    await t.step("put and get round-trip bytes and text", async () => {
      await lake.put(
        "topics/a.pin/partition=0/a.pin+0+0000000000.json",
        '{"n":1}\n{"n":2}\n',
      );
      await lake.put(
        "topics/a.pin/partition=0/a.pin+0+0000000002.json",
        new Uint8Array([123, 125, 10]),
      );
      await lake.put(
        "topics/a.geo/partition=0/a.geo+0+0000000000.json",
        "{}\n",
      );
      assert.equal(
        text(
          await lake.get("topics/a.pin/partition=0/a.pin+0+0000000000.json"),
        ),
        '{"n":1}\n{"n":2}\n',
      );
      assert.equal(
        text(
          await lake.get("topics/a.pin/partition=0/a.pin+0+0000000002.json"),
        ),
        "{}\n",
      );
    });

    await t.step("list is sorted, filtered by prefix, with sizes", async () => {
      assert.deepEqual(await lake.list("topics/a.pin/"), [
        { key: "topics/a.pin/partition=0/a.pin+0+0000000000.json", size: 16 },
        { key: "topics/a.pin/partition=0/a.pin+0+0000000002.json", size: 3 },
      ]);
      assert.deepEqual((await lake.list("")).map((o) => o.key), [
        "topics/a.geo/partition=0/a.geo+0+0000000000.json",
        "topics/a.pin/partition=0/a.pin+0+0000000000.json",
        "topics/a.pin/partition=0/a.pin+0+0000000002.json",
      ]);
      assert.deepEqual(await lake.list("nothing/"), []);
    });

    await t.step("a put replaces the object whole", async () => {
      await lake.put(
        "topics/a.geo/partition=0/a.geo+0+0000000000.json",
        "[1]\n",
      );
      assert.equal(
        text(
          await lake.get("topics/a.geo/partition=0/a.geo+0+0000000000.json"),
        ),
        "[1]\n",
      );
    });

    await t.step(
      "delete removes; deleting again is fine; get of a missing key is typed",
      async () => {
        await lake.delete("topics/a.geo/partition=0/a.geo+0+0000000000.json");
        await lake.delete("topics/a.geo/partition=0/a.geo+0+0000000000.json");
        await assert.rejects(
          () => lake.get("topics/a.geo/partition=0/a.geo+0+0000000000.json"),
          (e) =>
            e instanceof ObjectNotFoundError &&
            e.context.location === "s3://lake/",
        );
      },
    );

    await t.step("bad keys are refused before any request", async () => {
      await assert.rejects(() => lake.put("../x", "1"), InvalidKeyError);
      await assert.rejects(() => lake.list("/abs"), InvalidKeyError);
    });

    await t.step(
      "list follows continuation tokens past 1,000 keys, reporting each page",
      async () => {
        const keys = Array.from(
          { length: 1005 },
          (_, i) => `many/k${String(i).padStart(4, "0")}`,
        );
        for (let i = 0; i < keys.length; i += 50) {
          await Promise.all(
            keys.slice(i, i + 50).map((k) => lake.put(k, "x")),
          );
        }
        const calls = async (prefix: string) => {
          const pages: number[] = [];
          const found = await lake.list(prefix, {
            onProgress: (n) => pages.push(n),
          });
          return { found, pages };
        };
        const all = await calls("many/");
        assert.deepEqual(all.found.map((o) => o.key), keys);
        assert.deepEqual(all.pages, [1000, 1005]);
        // k0000 to k0999: one full page, the last.
        assert.deepEqual((await calls("many/k0")).pages, [1000]);
        assert.deepEqual((await calls("many/k1")).pages, [5]);
        assert.deepEqual(await calls("nothing/"), { found: [], pages: [0] });
      },
    );

    await t.step("a prefix keeps the lake inside the bucket", async () => {
      const sub = await openS3Store({
        endpoint,
        bucket: "lake",
        prefix: "env/dev/",
      });
      await sub.put("k.json", "1");
      assert.deepEqual(await sub.list(""), [{ key: "k.json", size: 1 }]);
      assert.equal(text(await lake.get("env/dev/k.json")), "1");
    });
  });
});

Deno.test("S3 store: a missing bucket is an error naming it, or is created on request", async () => {
  await withS3Server(async (endpoint) => {
    await assert.rejects(
      () => openS3Store({ endpoint, bucket: "absent-bucket" }),
      (e) => {
        assert.ok(e instanceof BackendError);
        assert.equal(
          e.message,
          // Before: "create it (Terraform in infra/, ...": infra/ holds no Terraform yet.
          `s3: bucket "absent-bucket" at ${endpoint} is not usable (HTTP 404): create it ` +
            "(on AWS `aws s3 mb s3://absent-bucket --region us-east-1`; for the local stack " +
            "`deno task services up`), or set S3_BUCKET to the lake's bucket",
        );
        return true;
      },
    );
    const made = await openS3Store({
      endpoint,
      bucket: "made-bucket",
      createBucket: true,
    });
    await made.put("a", "1");
    assert.deepEqual(await made.list(""), [{ key: "a", size: 1 }]);
  });
});

Deno.test("S3 store: an endpoint where nothing listens fails with the refusal and a hint", async () => {
  const endpoint = `http://127.0.0.1:${freePort()}`;
  await assert.rejects(
    () => openS3Store({ endpoint, bucket: "lake", requestTimeoutMs: 2000 }),
    (e) => {
      assert.ok(e instanceof BackendError);
      assert.equal(
        e.message,
        `s3: bucket "lake" at ${endpoint} is not usable (connect ECONNREFUSED ${
          endpoint.slice("http://".length)
        }): check S3_ENDPOINT, the credentials and that the server runs ` +
          "(`deno task services up`)",
      );
      return true;
    },
  );
});

Deno.test("S3 store: credentials the server refuses are named as the problem", async () => {
  await withS3Server(async (endpoint) => {
    await assert.rejects(
      () =>
        openS3Store({
          endpoint,
          bucket: "lake",
          credentials: { accessKeyId: "WRONG", secretAccessKey: "WRONG" },
        }),
      (e) => {
        assert.ok(e instanceof BackendError);
        assert.equal(
          e.message,
          `s3: bucket "lake" at ${endpoint} is not usable (HTTP 403): the credentials ` +
            "were refused or may not use this bucket; check AWS_ACCESS_KEY_ID and " +
            "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), their permissions, and S3_BUCKET " +
            "(bucket names are global: another account's bucket answers 403 too)",
        );
        return true;
      },
    );
  });
});

Deno.test("S3 store: a bucket removed under an open store fails every call with BackendError naming the call", async () => {
  await withS3Server(async (endpoint) => {
    const lake = await openS3Store({
      endpoint,
      bucket: "gone",
      createBucket: true,
    });
    const removed = await fetch(`${endpoint}/gone`, { method: "DELETE" });
    await removed.body?.cancel();
    assert.equal(removed.status, 204);
    const calls: [string, () => Promise<unknown>][] = [
      ["put", () => lake.put("k", "1")],
      ["get", () => lake.get("k")],
      ["list", () => lake.list("")],
      ["delete", () => lake.delete("k")],
    ];
    for (const [op, call] of calls) {
      await assert.rejects(call, (e) => {
        assert.ok(e instanceof BackendError, `${op}: ${e}`);
        assert.equal(
          e.message,
          `s3: ${op} s3://gone/${
            op === "list" ? "" : "k"
          } failed at ${endpoint}: The specified bucket does not exist; check S3_ENDPOINT ` +
            "and S3_BUCKET, and that the server runs (`deno task services status`)",
        );
        return true;
      });
    }
  });
});

Deno.test("S3 store: a server that stops answering fails the call after the request timeout", async () => {
  const stateDir = await Deno.makeTempDir({ prefix: "s3-hang-" });
  try {
    const { endpoint } = await s3Service.start({
      stateDir,
      port: freePort(),
      buckets: ["lake"],
    });
    const lake = await openS3Store({
      endpoint,
      bucket: "lake",
      requestTimeoutMs: 500,
    });
    const { pid } = await s3Service.status({ stateDir });
    Deno.kill(pid!, "SIGSTOP");
    try {
      const started = Date.now();
      await assert.rejects(
        () => lake.put("k", "1"),
        (e) => {
          assert.ok(e instanceof BackendError);
          assert.match(
            e.message,
            /^s3: put s3:\/\/lake\/k failed at .*requestTimeout/,
          );
          return true;
        },
      );
      // 3 attempts of 500 ms each, with the SDK's short backoff between them.
      assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms`);
    } finally {
      Deno.kill(pid!, "SIGCONT");
    }
  } finally {
    await s3Service.stop({ stateDir });
    await Deno.remove(stateDir, { recursive: true });
  }
});

Deno.test("S3 store: a bucket in another region than AWS_REGION is named as such, with the region to set", async () => {
  // What S3 answers a HeadBucket sent to another region than the bucket's: 301 without a
  // body, the bucket's region in a header (s3rver has no regions, so a server answering
  // the same stands in for it).
  const heads: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => {
      heads.push(`${req.method} ${new URL(req.url).pathname}`);
      return new Response(null, {
        status: 301,
        headers: { "x-amz-bucket-region": "eu-west-1" },
      });
    },
  );
  const endpoint = `http://127.0.0.1:${server.addr.port}`;
  try {
    await assert.rejects(
      () => openS3Store({ endpoint, bucket: "lake", region: "us-east-1" }),
      (e) => {
        assert.ok(e instanceof BackendError);
        assert.equal(
          e.message,
          `s3: bucket "lake" at ${endpoint} is not usable (HTTP 301): the bucket is in ` +
            "region eu-west-1, not us-east-1; set AWS_REGION=eu-west-1",
        );
        assert.equal(e.context.bucketRegion, "eu-west-1");
        return true;
      },
    );
    assert.deepEqual(heads, ["HEAD /lake/"]);
  } finally {
    await server.shutdown();
  }
});
