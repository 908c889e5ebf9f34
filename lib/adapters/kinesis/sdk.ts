/**
 * The one module of the repository that imports `@aws-sdk/client-kinesis`. The adapter's
 * other files take the client, the commands and the SDK types from here, so the SDK and its
 * settings (HTTP/1.1 handler, local credentials, retries) live in one place.
 *
 * @module
 */
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
  type PutRecordsResultEntry,
  type Shard,
  SplitShardCommand,
} from "@aws-sdk/client-kinesis";
import { awsClientConfig, type AwsClientOptions } from "../aws_client.ts";

export {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
};
export type {
  GetRecordsCommandOutput,
  PutRecordsRequestEntry,
  PutRecordsResultEntry,
  Shard,
};

/**
 * Connection settings of {@linkcode createKinesisClient}.
 *
 * @example
 * ```ts
 * import { createKinesisClient, type KinesisClientOptions } from "./sdk.ts";
 * const options: KinesisClientOptions = { endpoint: "http://127.0.0.1:4567", maxAttempts: 5 };
 * const client = createKinesisClient(options);
 * client.destroy();
 * ```
 */
export interface KinesisClientOptions extends AwsClientOptions {
  /** SDK-level attempts per request, for throttling and network errors (default 3). */
  maxAttempts?: number;
}

/**
 * Creates a Kinesis client with the shared AWS settings: `NodeHttpHandler` (HTTP/1.1),
 * explicit local credentials for a custom endpoint, so the SDK never probes the
 * instance-metadata address.
 *
 * @example
 * ```ts
 * import { createKinesisClient, ListStreamsCommand } from "./sdk.ts";
 * const client = createKinesisClient({ endpoint: "http://127.0.0.1:4567" });
 * console.log((await client.send(new ListStreamsCommand({}))).StreamNames);
 * client.destroy();
 * ```
 */
export function createKinesisClient(
  options: KinesisClientOptions = {},
): KinesisClient {
  const config = awsClientConfig(options);
  return new KinesisClient({
    ...config,
    maxAttempts: options.maxAttempts ?? config.maxAttempts,
  });
}

/**
 * The AWS error name of an SDK failure (`ResourceNotFoundException`, ...), or `""`.
 *
 * @example
 * ```ts
 * import { awsErrorName } from "./sdk.ts";
 * console.log(awsErrorName({ name: "ResourceInUseException" })); // ResourceInUseException
 * ```
 */
export function awsErrorName(err: unknown): string {
  const e = err as { name?: unknown; __type?: unknown } | null;
  const name = typeof e?.name === "string" && e.name !== "Error"
    ? e.name
    : typeof e?.__type === "string"
    ? e.__type.split("#").pop()!
    : "";
  return name;
}
