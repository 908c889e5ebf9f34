import assert from "node:assert/strict";
import { PROFILES, SETTINGS_TABLE } from "./settings.ts";

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

/** What the README says where a profile has no default: no key, not read, or required. */
function unset(env: string, profile: string): string {
  if (env === "GATEWAY_API_KEYS") return "none (open)";
  if (profile === "embedded") return "(unused)";
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
