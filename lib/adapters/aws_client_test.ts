import assert from "node:assert/strict";
import { awsClientConfig, LOCAL_CREDENTIALS } from "./aws_client.ts";

Deno.test("awsClientConfig: a custom endpoint without AWS_ACCESS_KEY_ID takes the local servers' keys", () => {
  const config = awsClientConfig({ endpoint: "http://127.0.0.1:4569" }, {});
  assert.deepEqual(config.credentials, { ...LOCAL_CREDENTIALS });
  assert.equal(
    awsClientConfig({ endpoint: "http://127.0.0.1:4569" }, {
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    }).credentials,
    undefined,
  );
});

Deno.test("awsClientConfig: an AWS endpoint (VPC, FIPS) keeps the standard chain: AWS_PROFILE, SSO, roles", () => {
  // Before: the S3RVER keys, so AWS_PROFILE and instance or task roles were ignored and AWS
  // answered 403 InvalidAccessKeyId.
  for (
    const endpoint of [
      "https://bucket.vpce-0a1b2c3d-4e5f6a7b.s3.eu-west-1.vpce.amazonaws.com",
      "https://kinesis-fips.us-east-1.amazonaws.com",
    ]
  ) {
    const config = awsClientConfig(
      { endpoint, localCredentials: false },
      { AWS_PROFILE: "data-eng" },
    );
    assert.equal(config.credentials, undefined);
    assert.equal(config.endpoint, endpoint);
  }
});
