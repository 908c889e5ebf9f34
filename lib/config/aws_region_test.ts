import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { loadConfig } from "./settings.ts";

/** A temp folder with `.aws/config` holding `text`; returns the folder (a HOME). */
async function homeWithConfig(text: string): Promise<string> {
  const home = await Deno.makeTempDir({ prefix: "aws-home-" });
  await Deno.mkdir(`${home}/.aws`);
  await Deno.writeTextFile(`${home}/.aws/config`, text);
  return home;
}

const CONFIG = [
  "# made by `aws configure`",
  "[default]",
  "region = eu-west-1",
  "output = json",
  "",
  "[profile analytics]",
  "s3 =",
  "  region = ap-south-1",
  "region=eu-central-1 ; the team's",
  "",
  "[sso-session corp]",
  "sso_region = us-west-2",
  "",
  "[profile bare]",
  "output = text",
].join("\n");

const region = (env: Record<string, string>) =>
  loadConfig({ profile: "aws" }, { env }).awsRegion;

Deno.test("aws region: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's region in the AWS config file, else us-east-1", async () => {
  const home = await homeWithConfig(CONFIG);
  try {
    assert.equal(region({ HOME: home }), "eu-west-1");
    assert.equal(
      region({ HOME: home, AWS_PROFILE: "analytics" }),
      "eu-central-1",
    );
    // A profile without a region, or none of that name: the default region.
    assert.equal(region({ HOME: home, AWS_PROFILE: "bare" }), "us-east-1");
    assert.equal(region({ HOME: home, AWS_PROFILE: "corp" }), "us-east-1");
    assert.equal(
      region({ HOME: home, AWS_DEFAULT_REGION: "sa-east-1" }),
      "sa-east-1",
    );
    assert.equal(
      region({
        HOME: home,
        AWS_DEFAULT_REGION: "sa-east-1",
        AWS_REGION: "ca-central-1",
      }),
      "ca-central-1",
    );
    // AWS_CONFIG_FILE names the file instead of ~/.aws/config.
    const other = `${home}/other-config`;
    await Deno.writeTextFile(other, "[default]\nregion = af-south-1\n");
    assert.equal(
      region({ HOME: home, AWS_CONFIG_FILE: other }),
      "af-south-1",
    );
    // No file at all.
    assert.equal(region({ HOME: `${home}/nowhere` }), "us-east-1");
    assert.equal(region({}), "us-east-1");
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("aws region: the local and embedded profiles keep AWS_REGION or us-east-1 (the local servers' streams are there)", async () => {
  const home = await homeWithConfig(CONFIG);
  try {
    for (const profile of ["embedded", "local"] as const) {
      const env = { HOME: home, AWS_DEFAULT_REGION: "sa-east-1" };
      assert.equal(loadConfig({ profile }, { env }).awsRegion, "us-east-1");
      assert.equal(
        loadConfig({ profile }, { env: { ...env, AWS_REGION: "eu-north-1" } })
          .awsRegion,
        "eu-north-1",
      );
    }
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("aws region: an AWS config file that cannot be read is a ConfigError naming it", async () => {
  const home = await Deno.makeTempDir({ prefix: "aws-home-" });
  try {
    // A folder where the file should be: reading it fails, not as a missing file.
    await Deno.mkdir(`${home}/.aws/config`, { recursive: true });
    assert.throws(
      () => region({ HOME: home }),
      (e) => {
        assert.ok(e instanceof ConfigError);
        const path = `${home}/.aws/config`;
        assert.equal(
          e.message,
          `Invalid setting AWS_CONFIG_FILE="${path}": the AWS config file (read for the ` +
            "region when AWS_REGION is unset) could not be read: Is a directory (os error " +
            `21): readfile '${path}'; set AWS_REGION, or fix or move the file`,
        );
        return true;
      },
    );
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
