/**
 * The region of the `aws` profile when `AWS_REGION` is unset, found where the AWS CLI puts
 * it: `AWS_DEFAULT_REGION`, then the `region` of the profile (`AWS_PROFILE`, else `default`)
 * in the AWS config file (`AWS_CONFIG_FILE`, else `~/.aws/config`), as `aws configure`
 * writes it. Without them the clients would work in `us-east-1`, and the gateway would
 * create its streams there.
 *
 * @module
 */
import { ConfigError } from "../errors.ts";

/**
 * The region `env` names for AWS when `AWS_REGION` is unset: `AWS_DEFAULT_REGION`, else the
 * profile's `region` in the AWS config file; `undefined` when neither gives one (no file, no
 * such profile, or a profile without a region). A file that exists but cannot be read is a
 * `ConfigError` naming it.
 *
 * @example
 * ```ts
 * import { awsRegionFromEnv } from "./aws_region.ts";
 * const home = await Deno.makeTempDir();
 * await Deno.mkdir(`${home}/.aws`);
 * await Deno.writeTextFile(`${home}/.aws/config`, "[profile team]\nregion = eu-west-1\n");
 * console.log(awsRegionFromEnv({ HOME: home, AWS_PROFILE: "team" })); // eu-west-1
 * console.log(awsRegionFromEnv({ HOME: home })); // undefined: no [default] section
 * ```
 */
export function awsRegionFromEnv(
  env: Record<string, string | undefined>,
): string | undefined {
  const fromEnv = env.AWS_DEFAULT_REGION?.trim();
  if (fromEnv) return fromEnv;
  const path = env.AWS_CONFIG_FILE ??
    (env.HOME === undefined ? undefined : `${env.HOME}/.aws/config`);
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw new ConfigError(
      "AWS_CONFIG_FILE",
      "the AWS config file (read for the region when AWS_REGION is unset) could not be " +
        `read: ${
          (e as Error).message
        }; set AWS_REGION, or fix or move the file`,
      { value: path, cause: e },
    );
  }
  return profileRegion(text, env.AWS_PROFILE?.trim() || "default");
}

/**
 * The `region` of `profile` in the text of an AWS config file: its section is `[default]`
 * for `default` (`[profile default]` too), else `[profile NAME]`. Indented lines belong to
 * a nested setting (`s3 =` then `  region = ...`) and are skipped; ` #` and ` ;` start a
 * comment.
 */
function profileRegion(text: string, profile: string): string | undefined {
  const headers = profile === "default"
    ? ["default", "profile default"]
    : [`profile ${profile}`];
  let inProfile = false;
  let region: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s/.test(raw)) continue;
    const line = raw.replace(/\s[#;].*$/, "").trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) {
      inProfile = headers.includes(section[1].replace(/\s+/g, " "));
      continue;
    }
    const setting = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (inProfile && setting?.[1] === "region" && setting[2] !== "") {
      region = setting[2];
    }
  }
  return region;
}
