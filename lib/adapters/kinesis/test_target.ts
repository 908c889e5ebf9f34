/**
 * Where Kinesis integration tests find their server. With `KINESIS_ENDPOINT` set they use
 * that server (the stack of `deno task services up`); otherwise each test file starts its
 * own kinesis-mock on free ports in a temp dir and stops it afterwards. When neither is
 * possible, tests are ignored outside CI with a message naming the command that starts
 * the server; under `CI=true` they run and fail, as the developers' guide requires.
 *
 * @module
 */
import { canConnect, freePort } from "../../services/process.ts";
import { kinesisService } from "../../services/kinesis.ts";
import { kinesisMockDir } from "../../services/kinesis_mock.ts";

/**
 * What {@linkcode kinesisTestTarget} found.
 *
 * @example
 * ```ts
 * import { kinesisTestTarget, type KinesisTestTarget } from "./test_target.ts";
 * const target: KinesisTestTarget = await kinesisTestTarget();
 * console.log(target.endpoint ?? "an own kinesis-mock per test");
 * ```
 */
export interface KinesisTestTarget {
  /** The shared server to use, or `undefined` to start an own kinesis-mock. */
  endpoint?: string;
  /** True when the tests should be ignored (no server possible, not in CI). */
  ignore: boolean;
}

async function hasNode(): Promise<boolean> {
  return await new Deno.Command("node", {
    args: ["--version"],
    stdout: "null",
    stderr: "null",
  }).output().then((o) => o.success, () => false);
}

/**
 * Decides once per test file where the server comes from; prints why tests are skipped.
 *
 * @example
 * ```ts
 * import { kinesisTestTarget, withKinesis } from "./test_target.ts";
 * const target = await kinesisTestTarget();
 * Deno.test({ name: "kinesis round trip", ignore: target.ignore, fn: () =>
 *   withKinesis(target, async (endpoint) => console.log(endpoint)) });
 * ```
 */
export async function kinesisTestTarget(): Promise<KinesisTestTarget> {
  const ci = Deno.env.get("CI") === "true";
  const shared = Deno.env.get("KINESIS_ENDPOINT");
  if (shared) {
    const url = new URL(shared);
    const up = await canConnect(url.hostname, Number(url.port || 80));
    if (!up && !ci) {
      console.warn(
        `Kinesis tests skipped: nothing answers at KINESIS_ENDPOINT=${shared}. ` +
          "Start it with `deno task services up` (or unset KINESIS_ENDPOINT).",
      );
    }
    return { endpoint: shared, ignore: !up && !ci };
  }
  const canStart = await hasNode() &&
    await kinesisMockDir().then(() => true, () => false);
  if (!canStart && !ci) {
    console.warn(
      "Kinesis tests skipped: cannot start kinesis-mock (needs `node` and `deno install`). " +
        "Start the stack with `deno task services up` and set KINESIS_ENDPOINT=http://127.0.0.1:4567.",
    );
  }
  return { ignore: !canStart && !ci };
}

/**
 * Options of {@linkcode withKinesis}.
 *
 * @example
 * ```ts
 * import type { WithKinesisOptions } from "./test_target.ts";
 * const slow: WithKinesisOptions = { operationDuration: "2s" };
 * console.log(slow.operationDuration); // 2s
 * ```
 */
export interface WithKinesisOptions {
  /**
   * How long the server keeps a stream CREATING, DELETING or UPDATING (kinesis-mock's
   * `*_DURATION`). A test that acts while a stream is in such a state needs a window wider
   * than the shared server's 100 ms, which a loaded host can miss: with this option the call
   * always gets an own server.
   */
  operationDuration?: string;
}

/**
 * Runs `fn` with an endpoint: the shared one, or an own kinesis-mock started for the call
 * and stopped (its PID only) afterwards.
 *
 * @example
 * ```ts
 * import { withKinesis } from "./test_target.ts";
 * await withKinesis({ ignore: false }, async (endpoint) => console.log(endpoint));
 * ```
 */
export async function withKinesis(
  target: KinesisTestTarget,
  fn: (endpoint: string) => Promise<void>,
  options: WithKinesisOptions = {},
): Promise<void> {
  const { operationDuration } = options;
  if (target.endpoint && operationDuration === undefined) {
    return await fn(target.endpoint);
  }
  const stateDir = await Deno.makeTempDir({ prefix: "kinesis-test-" });
  try {
    const began = Date.now();
    const { endpoint } = await kinesisService.start({
      stateDir,
      port: freePort(),
      operationDuration,
    });
    console.log(`kinesis-mock answered after ${(Date.now() - began) / 1000} s`);
    await fn(endpoint);
  } finally {
    await kinesisService.stop({ stateDir });
    await Deno.remove(stateDir, { recursive: true });
  }
}

/**
 * A stream name no other test run uses.
 *
 * @example
 * ```ts
 * import { uniqueStream } from "./test_target.ts";
 * console.log(uniqueStream("demo").startsWith("test-demo-")); // true
 * ```
 */
export function uniqueStream(label: string): string {
  return `test-${label}-${crypto.randomUUID().slice(0, 8)}`;
}
