/**
 * The check `openKinesisLog` makes before it hands the log out: one ListStreams call,
 * bounded in time, so a missing server fails at once and a hung one (it takes the
 * connection, never answers) within seconds rather than after the SDK's attempts
 * (3 × the 30 s request timeout).
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import { describeEndpoint, withKinesisErrors } from "./errors.ts";
import { awsErrorName, type KinesisClient, ListStreamsCommand } from "./sdk.ts";

/**
 * Where the checked client calls, and how long the check may take.
 *
 * @example
 * ```ts
 * import type { OpenCheckOptions } from "./open_check.ts";
 * const options: OpenCheckOptions = { endpoint: "http://127.0.0.1:4567", timeoutMs: 10_000 };
 * console.log(options.timeoutMs); // 10000
 * ```
 */
export interface OpenCheckOptions {
  /** The endpoint called; `undefined` means AWS itself. */
  endpoint?: string;
  /** The region of AWS itself, for messages. */
  region?: string;
  /** The longest the check may take, ms. */
  timeoutMs: number;
}

/**
 * Calls ListStreams once; throws a `BackendError` saying what to do when the server is
 * missing, refuses, or does not answer within `options.timeoutMs`. A caller denied
 * ListStreams passes: the server answered, and the caller's own streams are checked when
 * it uses them.
 *
 * @example
 * ```ts
 * import { checkAnswers } from "./open_check.ts";
 * import { createKinesisClient } from "./sdk.ts";
 * const endpoint = "http://127.0.0.1:4567";
 * const client = createKinesisClient({ endpoint });
 * await checkAnswers(client, { endpoint, timeoutMs: 10_000 });
 * client.destroy();
 * ```
 */
export async function checkAnswers(
  client: KinesisClient,
  options: OpenCheckOptions,
): Promise<void> {
  const { endpoint, region, timeoutMs } = options;
  const abortSignal = AbortSignal.timeout(timeoutMs);
  await withKinesisErrors({ op: "open", endpoint, region }, async () => {
    try {
      await client.send(new ListStreamsCommand({ Limit: 1 }), { abortSignal });
    } catch (e) {
      // Kinesis answered and knew the caller, who may read its streams without being
      // allowed the account-wide ListStreams (which reading never calls).
      if (awsErrorName(e) === "AccessDeniedException") return;
      if (awsErrorName(e) !== "AbortError" || !abortSignal.aborted) throw e;
      const hint = endpoint === undefined
        ? "check the network (proxy, firewall) and AWS_REGION"
        : "is the server hung? Check KINESIS_ENDPOINT and the server's log " +
          "(`deno task services status`), or restart it";
      throw new BackendError(
        "kinesis",
        `open failed at ${
          describeEndpoint(endpoint, region)
        }: no answer within ` +
          `${timeoutMs} ms, though the connection was taken; ${hint}`,
        {
          cause: e,
          context: { op: "open", endpoint, openTimeoutMs: timeoutMs },
        },
      );
    }
  });
}
