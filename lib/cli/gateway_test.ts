import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import { openEmbeddedLog } from "../log/mod.ts";
import { makeTestDir } from "../test_temp_dir.ts";
import {
  DEFAULT_GATEWAY_PORT,
  parseGatewayArgs,
  runGatewayCli,
} from "./gateway.ts";

Deno.test("parseGatewayArgs: defaults, flags and GATEWAY_API_KEYS", () => {
  const defaults = parseGatewayArgs([], {});
  assert.deepEqual(
    [
      defaults.port,
      defaults.hostname,
      defaults.config.profile,
      defaults.maxBodyBytes,
      defaults.shutdownGraceMs,
    ],
    [8080, "127.0.0.1", "embedded", 10 * 1024 * 1024, 5000],
  );
  assert.deepEqual(
    [defaults.config.prefix, defaults.config.dataDir, defaults.config.apiKeys],
    ["pinterest", ".data", []],
  );
  assert.equal(DEFAULT_GATEWAY_PORT, 8080);
  const opts = parseGatewayArgs(
    [
      "--port",
      "0",
      "--hostname",
      "0.0.0.0",
      "--prefix",
      "demo",
      "--data-dir",
      "/tmp/x",
      "--max-body-bytes",
      "2048",
      "--shutdown-grace-ms",
      "250",
    ],
    { GATEWAY_API_KEYS: " k1, ,k2 " },
  );
  assert.deepEqual(
    [opts.port, opts.hostname, opts.maxBodyBytes, opts.shutdownGraceMs],
    [0, "0.0.0.0", 2048, 250],
  );
  assert.deepEqual(
    [opts.config.prefix, opts.config.dataDir, opts.config.apiKeys],
    ["demo", "/tmp/x", ["k1", "k2"]],
  );
});

Deno.test("parseGatewayArgs: a bad port or prefix names the setting", () => {
  const refused = (args: string[], message: string) =>
    assert.throws(
      () => parseGatewayArgs(args, {}),
      (e: unknown) =>
        e instanceof ConfigError && e.message === `Invalid setting ${message}`,
      message,
    );
  for (const port of ["-1", "65536", "http", "80.5"]) {
    refused(
      [`--port=${port}`],
      `--port="${port}": must be an integer from 0 to 65535`,
    );
  }
  for (const bytes of ["0", "1.5", "lots"]) {
    refused(
      ["--max-body-bytes", bytes],
      `--max-body-bytes="${bytes}": must be a whole number >= 1`,
    );
    refused(
      ["--shutdown-grace-ms", bytes],
      `--shutdown-grace-ms="${bytes}": must be a whole number >= 1`,
    );
  }
  refused(
    ["--prefix", "a.b"],
    `PIPELINE_PREFIX (--prefix)="a.b": use 1-100 letters, digits, '_' or '-'`,
  );
  refused(
    ["--profile", "cloudy"],
    'PIPELINE_PROFILE (--profile)="cloudy": must be one of embedded, local, aws',
  );
  assert.throws(() => parseGatewayArgs(["--nope"], {}), TypeError);
});

Deno.test('parseGatewayArgs: an empty --port (say --port "$PORT" with PORT unset) is refused, not taken for 0', () => {
  // Number("") is 0: the gateway listened on a random free port.
  for (const port of ["", " ", "0x1F90"]) {
    assert.throws(
      () => parseGatewayArgs(["--port", port], {}),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.message ===
          `Invalid setting --port=${
            JSON.stringify(port)
          }: must be an integer from 0 to 65535`,
    );
  }
  assert.equal(parseGatewayArgs(["--port", " 0 "], {}).port, 0);
});

Deno.test("runGatewayCli creates the topology, serves, and stops on abort", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gateway_cli_" });
  const stop = new AbortController();
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  const args = [
    ...["--port", "0", "--data-dir", dir, "--prefix", "clitest"],
    ...["--max-body-bytes", "100"],
  ];
  const done = runGatewayCli(args, {
    signal: stop.signal,
    env: { GATEWAY_API_KEYS: "secret" },
  });
  try {
    const listening = () =>
      lines.some((l) => l.startsWith("Gateway listening"));
    for (let i = 0; i < 250 && !listening(); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const url = lines[0].replace("Gateway listening on ", "");
    const denied = await fetch(`${url}/topics`);
    assert.equal(denied.status, 403);
    await denied.body?.cancel();
    const res = await fetch(`${url}/topics`, {
      headers: { "x-api-key": "secret" },
    });
    assert.deepEqual(await res.json(), [
      "clitest.geo",
      "clitest.pin",
      "clitest.user",
    ]);
    const post = (body: string) =>
      fetch(`${url}/topics/clitest.pin`, {
        method: "POST",
        headers: { "x-api-key": "secret", "content-type": "application/json" },
        body,
      });
    const small = await post('{"records":[{"value":1}]}');
    assert.equal(small.status, 200);
    await small.body?.cancel();
    const big = await post(`{"records":[{"value":"${"x".repeat(100)}"}]}`);
    assert.equal(big.status, 413);
    await big.body?.cancel();
  } finally {
    stop.abort();
    await done.finally(() => console.log = log);
  }
  try {
    assert.equal(lines.at(-1), "Gateway stopped.");
    const reopened = await openEmbeddedLog(`${dir}/log.db`);
    assert.deepEqual(await reopened.streams.listStreams(), [
      "streaming-clitest-geo",
      "streaming-clitest-pin",
      "streaming-clitest-user",
    ]);
    await reopened.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runGatewayCli: a port in use is a ConfigError naming --port; the log is closed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gateway_cli_" });
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (taken.addr as Deno.NetAddr).port;
  try {
    await assert.rejects(
      runGatewayCli(["--port", String(port), "--data-dir", dir], { env: {} }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(
          e.message,
          `Invalid setting --port=${port}: is taken on 127.0.0.1 by another process; stop it or pick another port (0 picks a free one)`,
        );
        return true;
      },
    );
    // The log was closed: SQLite removed its WAL with the last connection.
    await assert.rejects(Deno.stat(`${dir}/log.db-wal`), Deno.errors.NotFound);
  } finally {
    taken.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runGatewayCli: a --hostname that is no host name, or names no address, is a ConfigError naming it; the log is closed", async () => {
  await using dir = await makeTestDir({ prefix: "gateway_cli_" });
  const rule =
    "is not a host name or IP address of this machine (127.0.0.1 for this machine only, 0.0.0.0 for all)";
  // These were uncaught errors of Deno.serve: a stack trace and exit code 1.
  for (const hostname of ["not a host", "", "nonexistent.invalid"]) {
    await assert.rejects(
      runGatewayCli([
        "--hostname",
        hostname,
        "--port",
        "0",
        "--data-dir",
        dir.path,
      ], {
        env: {},
      }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.equal(
          e.message,
          `Invalid setting --hostname=${JSON.stringify(hostname)}: ${rule}`,
        );
        return true;
      },
    );
  }
  await assert.rejects(
    Deno.stat(`${dir.path}/log.db-wal`),
    Deno.errors.NotFound,
  );
});
