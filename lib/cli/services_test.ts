import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { formatReports, parseServicesArgs, runServices } from "./services.ts";

Deno.test("services cli: parses commands, --only and --state-dir; rejects unknown names", () => {
  const all = parseServicesArgs(["status"]);
  assert.equal(all.command, "status");
  assert.deepEqual(all.services.map((s) => s.name), [
    "kafka",
    "kinesis",
    "s3",
    "mariadb",
  ]);
  assert.equal(all.stateDir, ".cache/services");
  const some = parseServicesArgs([
    "up",
    "--only",
    "mariadb, kafka",
    "--state-dir",
    "/tmp/x",
  ]);
  assert.deepEqual(some.services.map((s) => s.name), ["kafka", "mariadb"]);
  assert.equal(some.stateDir, "/tmp/x");
  assert.throws(() => parseServicesArgs(["start"]), ConfigError);
  assert.throws(() => parseServicesArgs([]), ConfigError);
  assert.throws(
    () => parseServicesArgs(["up", "s3", "kafka"]),
    /Invalid setting arguments="s3 kafka": only one command is taken; pick services with --only s3,kafka/,
  );
  assert.throws(
    () => parseServicesArgs(["up", "--only", "zookeeper"]),
    /choose among kafka, kinesis, s3, mariadb/,
  );
});

Deno.test("services cli: the report lists endpoints and the variables to export", () => {
  const text = formatReports([
    { name: "kafka", running: true, endpoint: "127.0.0.1:9092", pid: 41 },
    { name: "mariadb", running: false, error: "mariadbd is not installed" },
    { name: "s3", running: true, endpoint: "http://127.0.0.1:4569", pid: 43 },
  ]);
  assert.equal(
    text,
    [
      "kafka    running  127.0.0.1:9092  (pid 41)",
      "mariadb  stopped  -",
      "         error: mariadbd is not installed",
      "s3       running  http://127.0.0.1:4569  (pid 43)",
      "",
      "Use them with the local profile:",
      "  export PIPELINE_PROFILE=local",
      "  export KAFKA_BROKERS=127.0.0.1:9092",
      "  export S3_ENDPOINT=http://127.0.0.1:4569",
      "  export S3_BUCKET=pinterest-lake",
    ].join("\n"),
  );
});

Deno.test("services cli: status and down on an empty state dir touch nothing and report stopped", async () => {
  const stateDir = await Deno.makeTempDir();
  try {
    for (const command of ["status", "down"]) {
      const reports = await runServices(
        parseServicesArgs([command, "--state-dir", stateDir]),
      );
      assert.deepEqual(reports, [
        { name: "kafka", running: false },
        { name: "kinesis", running: false },
        { name: "s3", running: false },
        { name: "mariadb", running: false },
      ]);
    }
    assert.deepEqual([...Deno.readDirSync(stateDir)], []);
  } finally {
    await Deno.remove(stateDir, { recursive: true });
  }
});
