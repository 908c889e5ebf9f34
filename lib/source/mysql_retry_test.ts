/**
 * The emulator reading from MariaDB whose connections are killed mid-read (`KILL`, as a
 * restarted server or a network blip does): the read is retried on a new connection, and a
 * read whose every attempt is killed is counted, not fatal. A second session (the `mariadb`
 * client) holds `LOCK TABLES pinterest_data WRITE`, so each read of it waits where it can be
 * killed. The test starts a MariaDB of its own: on the shared one (`deno task services up`)
 * the lock would also hold up the reads of other test files running in parallel, and the
 * kills could hit those. Skipped (with how to install) when MariaDB is missing, except under
 * `CI=true`, where that fails.
 */
import assert from "node:assert/strict";
import { runEmulation } from "../emulator/mod.ts";
import { cycle, startPeer } from "../emulator/test_peer.ts";
import { mariadbService } from "../services/mariadb.ts";
import { findMariadbProgram } from "../services/mariadb_setup.ts";
import { freePort } from "../services/process.ts";
import { DEFAULT_ROWS, DEFAULT_SEED } from "./mod.ts";
import { openMysqlSource } from "./mysql_source.ts";
import { parseMysqlUrl } from "./mysql_url.ts";

const PROGRAMS = ["mariadbd", "mariadb-install-db", "mariadb"];
const installed = (await Promise.all(PROGRAMS.map(findMariadbProgram)))
  .every((path) => path !== undefined);
const IN_CI = Deno.env.get("CI") === "true";
const HOW = "MariaDB is not installed: `apt-get install -y mariadb-server`";
if (!installed && !IN_CI) console.warn(`mysql_retry_test skipped: ${HOW}`);

/** The `mariadb` client's arguments for `url`, in batch mode without headers. */
function clientArgs(url: string): string[] {
  const parts = parseMysqlUrl(url);
  return [
    `--host=${parts.host}`,
    `--port=${parts.port}`,
    `--user=${parts.user}`,
    `--password=${parts.password}`,
    "--batch",
    "--skip-column-names",
    "--unbuffered",
    parts.database,
  ];
}

/** The test's own server's URL, set once it runs. */
let URL_ = "";

/** Runs `sql` in a session of its own; returns its output lines. */
async function sql(statement: string): Promise<string[]> {
  const out = await new Deno.Command("mariadb", {
    args: [...clientArgs(URL_), "--execute", statement],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.ok(out.success, `mariadb --execute ${statement}`);
  return new TextDecoder().decode(out.stdout).split("\n").filter(Boolean);
}

/** A session holding `LOCK TABLES pinterest_data WRITE` until `release()`. */
async function lockPins(): Promise<{ release(): Promise<void> }> {
  const child = new Deno.Command("mariadb", {
    args: clientArgs(URL_),
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const say = async (statements: string, answer: string) => {
    await writer.write(new TextEncoder().encode(statements));
    let seen = "";
    while (!seen.includes(answer)) {
      const { value, done } = await reader.read();
      assert.ok(!done, `no ${answer} from the locking session`);
      seen += value;
    }
  };
  await say("LOCK TABLES pinterest_data WRITE; SELECT 'locked';\n", "locked");
  return {
    async release() {
      await say("UNLOCK TABLES; SELECT 'unlocked';\n", "unlocked");
      await writer.close();
      await reader.cancel();
      await child.status;
    },
  };
}

/** Connections killed so far: a killed one may still show as waiting for a moment. */
const killed = new Set<string>();

/** Waits for a read of `pinterest_data` blocked by the lock, and kills its connection. */
async function killBlockedRead(): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const ids = await sql(
      "SELECT id FROM information_schema.processlist " +
        "WHERE state = 'Waiting for table metadata lock' " +
        "AND info LIKE 'SELECT * FROM `pinterest_data`%'",
    );
    const id = ids.find((id) => !killed.has(id));
    if (id !== undefined) {
      killed.add(id);
      await sql(`KILL ${Number(id)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail("no read of pinterest_data waited for the lock");
}

Deno.test({
  name:
    "mysql source: a read whose connection is killed is retried on a new one; one killed on every attempt is counted and the run goes on",
  ignore: !installed && !IN_CI,
  sanitizeResources: false,
  async fn() {
    if (!installed) throw new Error(HOW);
    const stateDir = await Deno.makeTempDir({ prefix: "mysql_retry_test_" });
    try {
      URL_ = (await mariadbService.start({
        stateDir,
        port: freePort(),
        seedRows: DEFAULT_ROWS,
        seed: DEFAULT_SEED,
      })).endpoint;
      await killedReads();
    } finally {
      await mariadbService.stop({ stateDir });
      await Deno.remove(stateDir, { recursive: true });
    }
  },
});

/** The run, on the test's own server at `URL_`. */
async function killedReads(): Promise<void> {
  const source = await openMysqlSource(URL_);
  const peer = await startPeer();
  // Locked once the run has counted the rows (COUNT(*) would wait for the lock too).
  let lock: { release(): Promise<void> } | undefined;
  const reader = source;
  try {
    const run = runEmulation({
      source: {
        ...reader,
        async rowCount() {
          const rows = await reader.rowCount();
          lock = await lockPins();
          return rows;
        },
      },
      api: peer.url,
      mode: "batch",
      count: 6,
      concurrency: 1,
      random: cycle(0.1, 0.3, 0.5, 0.7, 0.9),
      retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 20 },
    });
    // The first post: both attempts killed, so its read fails. The second: the first
    // attempt killed, the retry answered once the lock is gone.
    await killBlockedRead();
    await killBlockedRead();
    await killBlockedRead();
    await lock?.release();
    lock = undefined;
    const summary = await run;
    const failed = summary.failures["pinterest.pin"]?.samples ?? [];
    assert.deepEqual(
      [
        summary.posts,
        summary.postsOk,
        summary.postsFailed,
        summary.recordsAccepted,
        summary.recordsFailed,
        summary.reads,
        summary.stopped,
        peer.requests.length,
      ],
      [6, 5, 1, 15, 3, { retries: 2, failed: 1 }, "count", 15],
      failed.join("\n"),
    );
    assert.match(
      failed[0],
      /^Source mysql:\/\/[^:@]+@[^ ]+: reading row 1100 failed: /,
    );
  } finally {
    await lock?.release();
    await peer.close();
    await source.close();
  }
}
