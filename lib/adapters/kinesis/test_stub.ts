/**
 * A stand-in for tests in front of a Kinesis client's HTTP handler: it answers the calls
 * a test picks with an AWS error, as Kinesis answers them (HTTP 400, a JSON body naming
 * the error), and passes every other call to the server.
 *
 * @module
 */
import { Readable } from "node:stream";
import type { KinesisClient } from "./sdk.ts";

/**
 * A call the stand-in sees, before it is sent.
 *
 * @example
 * ```ts
 * import type { StubbedCall } from "./test_stub.ts";
 * const call: StubbedCall = { op: "GetRecords", hostname: "127.0.0.1" };
 * console.log(call.op); // GetRecords
 * ```
 */
export interface StubbedCall {
  /** The operation, from the `X-Amz-Target` header (`GetRecords`). */
  op: string;
  /** The host the call goes to (`kinesis.eu-west-3.amazonaws.com`). */
  hostname: string;
}

/**
 * An AWS error the stand-in answers a call with.
 *
 * @example
 * ```ts
 * import type { AwsErrorAnswer } from "./test_stub.ts";
 * const answer: AwsErrorAnswer = { type: "ExpiredIteratorException", message: "Iterator expired." };
 * console.log(answer.type); // ExpiredIteratorException
 * ```
 */
export interface AwsErrorAnswer {
  /** The error's name (`__type`), e.g. `ProvisionedThroughputExceededException`. */
  type: string;
  /** Its message. */
  message: string;
}

/**
 * Puts the stand-in in front of `client`: each call goes to `answer` first, and is
 * answered with the error it returns, or sent as usual when it returns `undefined`.
 *
 * @example
 * ```ts
 * import { answerWithErrors } from "./test_stub.ts";
 * import { createKinesisClient, ListStreamsCommand } from "./sdk.ts";
 * const client = createKinesisClient({
 *   region: "eu-west-3",
 *   credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
 *   maxAttempts: 1,
 * });
 * // Nothing is sent: every call is answered as AWS answers a caller without permission.
 * answerWithErrors(client, () => ({ type: "AccessDeniedException", message: "not authorized" }));
 * const error = await client.send(new ListStreamsCommand({})).catch((e) => e.name);
 * console.log(error); // AccessDeniedException
 * ```
 */
export function answerWithErrors(
  client: KinesisClient,
  answer: (call: StubbedCall) => AwsErrorAnswer | undefined,
): void {
  const handler = client.config.requestHandler as unknown as {
    handle: (
      req: { hostname: string; headers: Record<string, string> },
    ) => Promise<unknown>;
  };
  const real = handler.handle.bind(handler);
  handler.handle = (req) => {
    const op = req.headers["x-amz-target"]?.split(".")[1] ?? "";
    const error = answer({ op, hostname: req.hostname });
    if (error === undefined) return real(req);
    const body = JSON.stringify({ __type: error.type, message: error.message });
    return Promise.resolve({
      response: {
        statusCode: 400,
        headers: { "content-type": "application/x-amz-json-1.1" },
        body: Readable.from([new TextEncoder().encode(body)]),
      },
    });
  };
}
