/**
 * On AWS (no endpoint), the adapter's errors name the region the client calls, whether it
 * came from the options or `AWS_REGION`: the hint tells the user to check `AWS_REGION`.
 */
import assert from "node:assert/strict";
import { BackendError } from "../../errors.ts";
import { createKinesisClient, KinesisLog } from "./mod.ts";
import { answerWithErrors } from "./test_stub.ts";

Deno.test("kinesis log on AWS: a failed call names the client's region", async () => {
  const client = createKinesisClient({
    region: "eu-west-3",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    maxAttempts: 1,
  });
  // A stand-in answers as AWS does a caller without the IAM permission; nothing is sent.
  const hosts: string[] = [];
  answerWithErrors(client, ({ hostname }) => {
    hosts.push(hostname);
    return {
      type: "AccessDeniedException",
      message: "not authorized to perform: kinesis:ListStreams",
    };
  });
  const log = new KinesisLog(client);
  try {
    // Before: 'failed at AWS Kinesis (default region)', whatever the region.
    await assert.rejects(
      log.listStreams(),
      (e) =>
        e instanceof BackendError &&
        e.message ===
          "kinesis: listStreams failed at AWS Kinesis (eu-west-3): AccessDeniedException: " +
            "not authorized to perform: kinesis:ListStreams; check the AWS credentials, " +
            "AWS_REGION and the IAM permissions" &&
        e.context.region === "eu-west-3",
    );
    assert.deepEqual(hosts, ["kinesis.eu-west-3.amazonaws.com"]);
  } finally {
    await log.close();
  }
});
