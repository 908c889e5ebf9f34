import assert from "node:assert/strict";
import {
  loadConfig,
  type PipelineConfig,
  PROFILES,
  SETTINGS_TABLE,
} from "./settings.ts";

const README = new URL("../../README.md", import.meta.url);

/** The README's configuration table, keyed by variable name: [flag, embedded, local, aws]. */
async function readmeRows(): Promise<Map<string, string[]>> {
  const text = await Deno.readTextFile(README);
  const section = text.slice(
    text.indexOf("## Configuration"),
    text.indexOf("### `deno task emulate` options"),
  );
  const rows = new Map<string, string[]>();
  for (const line of section.split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    const variable = /^`([A-Z0-9_]+)`$/.exec(cells[1] ?? "")?.[1];
    if (variable) rows.set(variable, cells.slice(2));
  }
  return rows;
}

/**
 * What the README says where a profile has no default: no key, not read, the CAs Deno trusts,
 * no SASL, or required.
 */
function unset(env: string, profile: string): string {
  if (env === "GATEWAY_API_KEYS") return "none (open)";
  if (profile === "embedded") return "(unused)";
  if (env === "KAFKA_SSL_CA") return "default CAs";
  if (env.startsWith("KAFKA_SASL_")) return "none";
  return env === "KAFKA_BROKERS" ? "required (MSK)" : "required";
}

Deno.test("README configuration table matches SETTINGS_TABLE: every variable, flag and default", async () => {
  const rows = await readmeRows();
  assert.deepEqual(
    [...rows.keys()].sort(),
    SETTINGS_TABLE.map((s) => s.env).sort(),
  );
  for (const setting of SETTINGS_TABLE) {
    const [flag, ...defaults] = rows.get(setting.env)!;
    assert.equal(
      flag,
      setting.flag ? `\`${setting.flag}\`` : "",
      `${setting.env} flag`,
    );
    PROFILES.forEach((profile, i) => {
      const value = setting.defaults[profile];
      const cell = defaults[i];
      if (value === "") {
        assert.equal(
          cell,
          unset(setting.env, profile),
          `${setting.env} ${profile}`,
        );
      } else if (value === "(AWS default)") {
        assert.equal(cell, "AWS default", `${setting.env} ${profile}`);
      } else {
        assert.equal(cell, `\`${value}\``, `${setting.env} ${profile}`);
      }
    });
  }
});

/** A valid value of each setting's variable, other than every profile's default. */
const SAMPLES: Record<string, string> = {
  PIPELINE_PROFILE: "local",
  DATA_DIR: "/srv/pipeline",
  PIPELINE_PREFIX: "demo",
  SOURCE_URL: "mysql://u:p@db.example.com:3306/pins",
  KAFKA_BROKERS: "k1:9092,k2:9092",
  KAFKA_SSL: "true",
  KAFKA_SSL_CA: "/etc/ssl/msk-ca.pem",
  KAFKA_SASL_MECHANISM: "scram-sha-512",
  KAFKA_SASL_USERNAME: "pipeline",
  KAFKA_SASL_PASSWORD: "secret",
  KINESIS_ENDPOINT: "http://127.0.0.1:14567",
  S3_ENDPOINT: "http://127.0.0.1:14569",
  S3_BUCKET: "other-lake",
  AWS_REGION: "eu-west-1",
  GATEWAY_API_KEYS: "k1,k2",
};

/** The settings a sample needs set with it, or it is refused (a CA without TLS, say). */
const COMPANIONS: Record<string, Record<string, string>> = {
  KAFKA_SSL_CA: { KAFKA_SSL: "true" },
  KAFKA_SASL_MECHANISM: { KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" },
  KAFKA_SASL_USERNAME: {
    KAFKA_SASL_MECHANISM: "plain",
    KAFKA_SASL_PASSWORD: "p",
  },
  KAFKA_SASL_PASSWORD: {
    KAFKA_SASL_MECHANISM: "plain",
    KAFKA_SASL_USERNAME: "u",
  },
};

/** What `loadConfig` gives for a variable's text (lists split on ',', KAFKA_SSL a boolean). */
function asConfig(setting: keyof PipelineConfig, text: string): unknown {
  if (setting === "kafkaSsl") return text === "true";
  return setting === "kafkaBrokers" || setting === "apiKeys"
    ? text.split(",").filter((s) => s !== "")
    : text;
}

Deno.test("loadConfig reads every variable of the table and, unset, takes the table's default per profile", () => {
  // The README test above compares the README with SETTINGS_TABLE; this one compares
  // SETTINGS_TABLE with what loadConfig does, so the README says what a task does.
  assert.deepEqual(
    Object.keys(SAMPLES).sort(),
    SETTINGS_TABLE.map((s) => s.env).sort(),
  );
  for (const profile of PROFILES) {
    const unsetConfig = loadConfig({ profile }, { env: {} });
    for (const row of SETTINGS_TABLE) {
      const text = row.defaults[profile]
        .replace("(AWS default)", "")
        .replace("{dataDir}", unsetConfig.dataDir);
      assert.deepEqual(
        unsetConfig[row.setting],
        asConfig(row.setting, text),
        `${row.env} unset, ${profile}`,
      );
      if (row.env === "PIPELINE_PROFILE") continue;
      const set = loadConfig({ profile }, {
        env: { ...COMPANIONS[row.env], [row.env]: SAMPLES[row.env] },
      });
      assert.deepEqual(
        set[row.setting],
        asConfig(row.setting, SAMPLES[row.env]),
        `${row.env} set, ${profile}`,
      );
    }
  }
  const chosen = loadConfig({}, { env: { PIPELINE_PROFILE: "local" } });
  assert.equal(chosen.profile, "local");
});
