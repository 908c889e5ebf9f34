import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { freePort } from "../services/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
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
  const refused = (args: string[], message: string) =>
    assert.throws(
      () => parseServicesArgs(args),
      (e: unknown) => e instanceof ConfigError && e.message === message,
    );
  refused(
    ["start"],
    'Invalid setting command="start": use `deno task services up|down|status`',
  );
  refused(
    [],
    "Invalid setting command: use `deno task services up|down|status`",
  );
  refused(
    ["up", "s3", "kafka"],
    'Invalid setting arguments="s3 kafka": only one command is taken; pick services with --only s3,kafka',
  );
  refused(
    ["up", "--only", "zookeeper"],
    'Invalid setting --only="zookeeper": unknown service; choose among kafka, kinesis, s3, mariadb',
  );
});

Deno.test("services cli: an empty --only or --state-dir is a ConfigError naming the flag", () => {
  // `--only ""` selected no service (up started nothing and said nothing), and
  // `--state-dir ""` put the PID files and the servers' data in the working directory.
  for (const only of ["", " , "]) {
    assert.throws(
      () => parseServicesArgs(["up", "--only", only]),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `Invalid setting --only=${
            JSON.stringify(only)
          }: name at least one service among kafka, kinesis, s3, mariadb (or leave --only out for all)`,
    );
  }
  assert.throws(
    () => parseServicesArgs(["status", "--state-dir", ""]),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting --state-dir="": must not be empty (the default is .cache/services)',
  );
});

Deno.test("services cli: --port name=N, repeated or comma-separated; bad ones name the flag", () => {
  assert.deepEqual(parseServicesArgs(["up"]).ports, {});
  const o = parseServicesArgs([
    "up",
    "--port",
    "kafka=19092",
    "--port",
    "s3=14569, mariadb=13306",
  ]);
  assert.deepEqual(o.ports, { kafka: 19092, s3: 14569, mariadb: 13306 });
  for (
    const bad of [
      "kafka",
      "kafka=",
      "kafka=0",
      "kafka=65536",
      "kafka=9.5",
      "kafka=0x4c04",
      "kafka=1e4",
      "redis=6379",
      "s3=1=2",
    ]
  ) {
    assert.throws(
      () => parseServicesArgs(["up", "--port", bad]),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `Invalid setting --port="${bad}": give service=port, the service among kafka, kinesis, s3, mariadb and the port 1-65535 (e.g. --port kafka=19092)`,
      bad,
    );
  }
});

Deno.test("services cli: --port kafka=65535 is refused, its controller taking the next port", () => {
  assert.deepEqual(parseServicesArgs(["up", "--port", "kafka=65534"]).ports, {
    kafka: 65534,
  });
  // Before: accepted, and the broker's storage format failed with a Java stack trace.
  assert.throws(
    () => parseServicesArgs(["up", "--port", "kafka=65535"]),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.message ===
        'Invalid setting --port="kafka=65535": kafka also listens on the next port (its KRaft controller): give at most 65534',
  );
  assert.deepEqual(parseServicesArgs(["up", "--port", "s3=65535"]).ports, {
    s3: 65535,
  });
});

Deno.test("services cli: --port that two servers would share, or with down or status, is refused", () => {
  const refused = (args: string[], message: string) =>
    assert.throws(
      () => parseServicesArgs(args),
      (e: unknown) => e instanceof ConfigError && e.message === message,
    );
  refused(
    ["up", "--port", "kinesis=5000,s3=5000"],
    'Invalid setting --port="kinesis,s3": kinesis and s3 would both listen on 5000',
  );
  refused(
    ["up", "--port", "kafka=4566", "--port", "kinesis=4567"],
    'Invalid setting --port="kafka,kinesis": kafka and kinesis would both listen on 4567 (kafka also takes the port after its own, for its KRaft controller)',
  );
  assert.deepEqual(
    parseServicesArgs(["up", "--port", "kafka=4565,kinesis=4567"]).ports,
    { kafka: 4565, kinesis: 4567 },
  );
  refused(
    ["down", "--port", "kafka=19092"],
    'Invalid setting --port="kafka=19092": is for `up` only: down finds the servers by their PID files',
  );
  refused(
    ["status", "--port", "s3=14569"],
    'Invalid setting --port="s3=14569": is for `up` only: status finds the servers by their PID files',
  );
});

Deno.test("services cli: --port on another selected service's default port is refused", () => {
  const refused = (args: string[], message: string) =>
    assert.throws(
      () => parseServicesArgs(args),
      (e: unknown) => e instanceof ConfigError && e.message === message,
    );
  // Before: accepted; `up` started kafka on 9092, then said s3's port 9092 "is taken by
  // another process" (its own broker), or kafka's controller took kinesis's 4567.
  refused(
    ["up", "--port", "s3=9092"],
    'Invalid setting --port="s3=9092": s3 and kafka would both listen on 9092 (kafka also takes the port after its own, for its KRaft controller; 9092 is kafka\'s default port: give kafka another with --port kafka=N)',
  );
  refused(
    ["up", "--port", "kafka=4566"],
    'Invalid setting --port="kafka=4566": kafka and kinesis would both listen on 4567 (kafka also takes the port after its own, for its KRaft controller; 4567 is kinesis\'s default port: give kinesis another with --port kinesis=N)',
  );
  refused(
    ["up", "--port", "mariadb=9093"],
    'Invalid setting --port="mariadb=9093": mariadb and kafka would both listen on 9093 (kafka also takes the port after its own, for its KRaft controller; 9092 is kafka\'s default port: give kafka another with --port kafka=N)',
  );
  // Services that do not start keep their defaults to themselves.
  assert.deepEqual(
    parseServicesArgs(["up", "--only", "s3", "--port", "s3=9092"]).ports,
    { s3: 9092 },
  );
  assert.deepEqual(
    parseServicesArgs(["up", "--port", "kafka=4566,kinesis=14567"]).ports,
    { kafka: 4566, kinesis: 14567 },
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

Deno.test("services cli: up --port starts the service there, and down stops it", async () => {
  await using tmp = await makeTestDir({ prefix: "services_port_" });
  const port = await freePort();
  const args = ["--only", "s3", "--state-dir", tmp.path];
  const up = await runServices(
    parseServicesArgs(["up", ...args, "--port", `s3=${port}`]),
  );
  try {
    assert.equal(up.length, 1);
    assert.equal(up[0].error, undefined);
    assert.equal(up[0].endpoint, `http://127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/`);
    await res.body?.cancel();
    assert.equal(res.status, 200);
  } finally {
    const down = await runServices(parseServicesArgs(["down", ...args]));
    assert.deepEqual(down, [{ name: "s3", running: false }]);
  }
});

Deno.test("services cli: up --port of a service running elsewhere fails and reports where it runs", async () => {
  await using tmp = await makeTestDir({ prefix: "services_moved_" });
  const port = await freePort();
  const other = await freePort();
  const args = ["--only", "s3", "--state-dir", tmp.path];
  const up = await runServices(
    parseServicesArgs(["up", ...args, "--port", `s3=${port}`]),
  );
  try {
    const again = await runServices(
      parseServicesArgs(["up", ...args, "--port", `s3=${other}`]),
    );
    // Before: { name: "s3", running: false, error }, printed as "s3 stopped".
    assert.deepEqual(again, [{
      name: "s3",
      running: true,
      endpoint: `http://127.0.0.1:${port}`,
      pid: up[0].pid,
      error: `s3: already running at http://127.0.0.1:${port} (pid ${
        up[0].pid
      }), not on port ${other}; to move it, stop it first: \`deno task services down --only s3\` (with the same --state-dir)`,
    }]);
  } finally {
    await runServices(parseServicesArgs(["down", ...args]));
  }
});
