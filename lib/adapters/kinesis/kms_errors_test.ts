/**
 * A stream encrypted with a KMS key (server-side encryption) adds errors of its own to
 * PutRecords and GetRecords: the key throttled, refused, disabled, missing or not in a
 * usable state. Each says what to fix about the key, not about shards or endpoints.
 */
import assert from "node:assert/strict";
import {
  KMSAccessDeniedException,
  KMSDisabledException,
  KMSInvalidStateException,
  KMSNotFoundException,
  KMSOptInRequired,
  KMSThrottlingException,
} from "@aws-sdk/client-kinesis";
import { BackendError } from "../../errors.ts";
import { createKinesisClient, KinesisLog } from "./mod.ts";
import { answerWithErrors } from "./test_stub.ts";

const KEY_ACCESS =
  "the stream is encrypted with a KMS key this identity may not use: writers need " +
  "kms:GenerateDataKey and readers kms:Decrypt on the stream's key, in its key policy " +
  "or the identity's IAM policy";
const KEY_STATE =
  "the stream is encrypted with a KMS key that is disabled, pending deletion or gone; " +
  "enable it or cancel its deletion in AWS KMS, or give the stream another key " +
  "(`aws kinesis start-stream-encryption`, e.g. the AWS managed key alias/aws/kinesis)";

const cases: [string, new (...a: never[]) => Error, string][] = [
  [
    "KMSThrottlingException",
    KMSThrottlingException,
    "AWS KMS throttled the stream's encryption key (the SDK does not retry it): every use " +
    "of the region's KMS keys in the account shares one request quota; retry later, " +
    "slow down, or ask for a higher KMS quota (Service Quotas, AWS KMS)",
  ],
  ["KMSAccessDeniedException", KMSAccessDeniedException, KEY_ACCESS],
  ["KMSDisabledException", KMSDisabledException, KEY_STATE],
  ["KMSInvalidStateException", KMSInvalidStateException, KEY_STATE],
  ["KMSNotFoundException", KMSNotFoundException, KEY_STATE],
  [
    "KMSOptInRequired",
    KMSOptInRequired,
    "the account is not subscribed to AWS KMS, which the stream's encryption needs; " +
    "subscribe it, or turn the stream's encryption off",
  ],
];

Deno.test("kinesis log on AWS: KMS errors of an encrypted stream say what to fix about its key", async () => {
  for (const [type, sdkClass, hint] of cases) {
    const client = createKinesisClient({
      region: "eu-west-1",
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    });
    // A stand-in answers as AWS does, and the SDK builds its exception; nothing is sent.
    let calls = 0;
    answerWithErrors(client, () => {
      calls++;
      return { type, message: `${type} for key arn:aws:kms:eu-west-1:1:key/k` };
    });
    const log = new KinesisLog(client);
    try {
      await assert.rejects(
        log.putRecords("streaming-p-pin", [
          { partitionKey: "k", data: new Uint8Array([1]) },
        ]),
        (e) => {
          assert.ok(e instanceof BackendError, String(e));
          assert.ok(e.cause instanceof sdkClass, String(e.cause));
          assert.equal(
            e.message,
            'kinesis: putRecords on stream "streaming-p-pin" failed at AWS Kinesis ' +
              `(eu-west-1): ${type}: ${type} for key arn:aws:kms:eu-west-1:1:key/k; ${hint}`,
          );
          assert.equal(e.context.awsError, type);
          return true;
        },
      );
      // None of them is retried by the SDK: one call each.
      assert.equal(calls, 1, type);
    } finally {
      await log.close();
    }
  }
});
