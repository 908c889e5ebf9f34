import assert from "node:assert/strict";
import {
  AlreadyExistsError,
  BackendError,
  PipelineError,
  StreamNotFoundError,
} from "../../errors.ts";
import { InvalidArgumentError, ShardNotFoundError } from "../../log/errors.ts";
import { freePort } from "../../services/process.ts";
import { toKinesisError, withKinesisErrors } from "./errors.ts";
import { openKinesisLog } from "./mod.ts";

const local = "http://127.0.0.1:4567";

Deno.test("toKinesisError: AWS error names map to the pipeline's typed errors", () => {
  const notFound = {
    name: "ResourceNotFoundException",
    message: "Stream s under account 000000000000 not found.",
  };
  const stream = toKinesisError(notFound, {
    op: "putRecords",
    endpoint: local,
    stream: "s",
  });
  assert.ok(stream instanceof StreamNotFoundError);
  assert.equal(stream.cause, notFound);
  assert.deepEqual(stream.context, {
    stream: "s",
    op: "putRecords",
    endpoint: local,
    awsError: "ResourceNotFoundException",
  });

  const shard = toKinesisError(
    {
      name: "ResourceNotFoundException",
      message:
        "Shard shardId-000000000009 in stream s under account 1 does not exist",
    },
    {
      op: "readShard",
      endpoint: local,
      stream: "s",
      shardId: "shardId-000000000009",
    },
  );
  assert.ok(shard instanceof ShardNotFoundError);
  assert.equal(shard.code, "SHARD_NOT_FOUND");

  const inUse = {
    name: "ResourceInUseException",
    message: "Stream s already exists",
  };
  assert.ok(
    toKinesisError(inUse, { op: "createStream", stream: "s" }) instanceof
      AlreadyExistsError,
  );
  const busy = toKinesisError(inUse, {
    op: "splitShard",
    endpoint: local,
    stream: "s",
  });
  assert.ok(busy instanceof BackendError);
  assert.equal(
    busy.message,
    'kinesis: splitShard on stream "s" failed at http://127.0.0.1:4567: ResourceInUseException: ' +
      "Stream s already exists; check KINESIS_ENDPOINT and the server's log (`deno task services status`)",
  );
  const bad = toKinesisError({
    name: "InvalidArgumentException",
    message: "bad key",
  }, { op: "splitShard", stream: "s" });
  assert.ok(bad instanceof InvalidArgumentError);
  assert.equal(bad.message, "Invalid splitShard: bad key");

  const pipeline = new StreamNotFoundError("x");
  assert.equal(toKinesisError(pipeline, { op: "putRecords" }), pipeline);
});

Deno.test("toKinesisError: the hint fits the failure (local server down, AWS)", () => {
  const refused = Object.assign(
    new Error("connect ECONNREFUSED 127.0.0.1:4567"),
    { code: "ECONNREFUSED" },
  );
  const down = toKinesisError(refused, { op: "listStreams", endpoint: local });
  assert.equal(
    down.message,
    "kinesis: listStreams failed at http://127.0.0.1:4567: connect ECONNREFUSED 127.0.0.1:4567; " +
      "is kinesis-mock running? Start it with `deno task services up` (or set KINESIS_ENDPOINT)",
  );
  const denied = toKinesisError(
    { name: "AccessDeniedException", message: "not authorized" },
    { op: "putRecords", stream: "s" },
  );
  assert.equal(
    denied.message,
    'kinesis: putRecords on stream "s" failed at AWS Kinesis (default region): AccessDeniedException: ' +
      "not authorized; check the AWS credentials, AWS_REGION and the IAM permissions",
  );
});

Deno.test("withKinesisErrors passes results through and maps failures", async () => {
  assert.equal(
    await withKinesisErrors({ op: "x" }, () => Promise.resolve(7)),
    7,
  );
  await assert.rejects(
    withKinesisErrors(
      { op: "x", stream: "s" },
      () => Promise.reject({ name: "ResourceNotFoundException", message: "m" }),
    ),
    (e) => e instanceof StreamNotFoundError && e instanceof PipelineError,
  );
});

Deno.test("openKinesisLog: no server names the endpoint and `deno task services up`", async () => {
  const endpoint = `http://127.0.0.1:${freePort()}`;
  const err = await openKinesisLog({ endpoint, maxAttempts: 1 }).then(
    () => null,
    (e) => e,
  );
  assert.ok(err instanceof BackendError, String(err));
  assert.equal(err.code, "BACKEND_ERROR");
  const port = new URL(endpoint).port;
  assert.equal(
    err.message,
    `kinesis: open failed at ${endpoint}: connect ECONNREFUSED 127.0.0.1:${port}; is ` +
      "kinesis-mock running? Start it with `deno task services up` (or set KINESIS_ENDPOINT)",
  );
  assert.equal(err.context.endpoint, endpoint);
});
