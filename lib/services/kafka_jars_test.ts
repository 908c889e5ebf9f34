import assert from "node:assert/strict";
import { KAFKA_VERSION } from "./kafka_jars.ts";

const MODULE = new URL("./kafka_jars.ts", import.meta.url).href;

/** Runs `ensureKafkaJars` on `cacheDir` in a fresh Deno process, logging to stderr. */
function fetchInChild(cacheDir: string): Promise<Deno.CommandOutput> {
  const script = `
    import { ensureKafkaJars } from ${JSON.stringify(MODULE)};
    import { consoleLogger } from ${
    JSON.stringify(new URL("../logger.ts", import.meta.url).href)
  };
    const libs = await ensureKafkaJars({ cacheDir: ${
    JSON.stringify(cacheDir)
  }, logger: consoleLogger });
    const jars = [...Deno.readDirSync(libs)].filter((e) => e.name.endsWith(".jar")).length;
    console.log(JSON.stringify({ libs, jars }));
  `;
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-check", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("kafka jars: four processes filling one empty cache at once all get the whole jar set; Maven runs once", async () => {
  const cacheDir = await Deno.makeTempDir({ prefix: "kafka-jars-" });
  try {
    const outputs = await Promise.all(
      [0, 1, 2, 3].map(() => fetchInChild(cacheDir)),
    );
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    for (const out of outputs) {
      assert.equal(out.success, true, decode(out.stderr));
    }
    const results = outputs.map((o) => JSON.parse(decode(o.stdout)));
    const jars = [...Deno.readDirSync(`${cacheDir}/libs`)]
      .filter((e) => e.name.endsWith(".jar")).length;
    assert.ok(jars > 50, `only ${jars} jars in ${cacheDir}/libs`);
    assert.deepEqual(
      results,
      outputs.map(() => ({ libs: `${cacheDir}/libs`, jars })),
    );
    const fetches = outputs.filter((o) =>
      decode(o.stderr).includes("fetching the Kafka broker jars")
    ).length;
    assert.equal(fetches, 1);
    assert.equal(
      (await Deno.stat(`${cacheDir}/libs/.complete-${KAFKA_VERSION}`)).isFile,
      true,
    );
  } finally {
    await Deno.remove(cacheDir, { recursive: true });
  }
});
