/**
 * The aws profile with an endpoint of its own (an S3 or Kinesis VPC endpoint, a FIPS
 * endpoint) takes its credentials from the standard AWS chain, as without one; only the
 * local profile gives a custom endpoint the local servers' keys. Run in a child process
 * whose environment names an AWS_PROFILE, against a real s3rver (which takes only its own
 * keys), so the profile's keys are seen to be the ones sent.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { withS3Server } from "../adapters/s3/test_server.ts";

const root = new URL("../../", import.meta.url).pathname;

/** Opens the lake of `profile` in a child process with `awsProfileKeys` as AWS_PROFILE's keys. */
async function openLakeAs(
  profile: "local" | "aws",
  settings: { endpoint: string; keys: string },
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "aws-chain-" });
  try {
    const credentials = join(dir, "credentials");
    await Deno.writeTextFile(
      credentials,
      `[lake]\naws_access_key_id = ${settings.keys}\naws_secret_access_key = ${settings.keys}\n`,
    );
    const code = `
      import { openLake } from "./lib/config/backends.ts";
      import { loadConfig } from "./lib/config/settings.ts";
      try {
        const lake = await openLake(loadConfig({ profile: ${
      JSON.stringify(profile)
    } }));
        console.log("opened " + lake.location);
      } catch (e) {
        console.log(e.message);
      }`;
    const env: Record<string, string> = {
      S3_ENDPOINT: settings.endpoint,
      S3_BUCKET: "lake",
      AWS_PROFILE: "lake",
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_EC2_METADATA_DISABLED: "true",
    };
    for (const name of ["PATH", "HOME", "DENO_DIR"]) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      cwd: root,
      clearEnv: true,
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    return new TextDecoder().decode(out.stdout).trim();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("aws profile with S3_ENDPOINT: the credentials of AWS_PROFILE are sent, not the local servers' keys", async () => {
  await withS3Server(async (endpoint) => {
    // Before: the S3RVER keys, whatever AWS_PROFILE named, so the lake opened here (and a
    // VPC endpoint on AWS answered 403 InvalidAccessKeyId).
    assert.equal(
      await openLakeAs("aws", { endpoint, keys: "WRONG" }),
      `s3: bucket "lake" at ${endpoint} is not usable (HTTP 403): the credentials were ` +
        "refused or may not use this bucket; check AWS_ACCESS_KEY_ID and " +
        "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), their permissions, and S3_BUCKET " +
        "(bucket names are global: another account's bucket answers 403 too)",
    );
    assert.equal(
      await openLakeAs("aws", { endpoint, keys: "S3RVER" }),
      "opened s3://lake/",
    );
    // The local profile keeps the local servers' keys.
    assert.equal(
      await openLakeAs("local", { endpoint, keys: "WRONG" }),
      "opened s3://lake/",
    );
  });
});
