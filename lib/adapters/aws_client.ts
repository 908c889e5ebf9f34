/**
 * Settings shared by the AWS SDK clients (Kinesis, S3): region, endpoint, credentials and an
 * HTTP/1.1 request handler. The AWS SDK's default HTTP/2 handler fails against local
 * endpoints under Deno, so every client gets `NodeHttpHandler`.
 *
 * Credentials: explicit ones win; for a custom endpoint of a local server without
 * `AWS_ACCESS_KEY_ID` in the environment, {@linkcode LOCAL_CREDENTIALS} are used, so the SDK
 * never probes the instance-metadata address. Otherwise (AWS itself, or an AWS endpoint such
 * as a VPC or FIPS one, with `localCredentials: false`) the standard AWS chain applies.
 *
 * @module
 */
import { NodeHttpHandler } from "@smithy/node-http-handler";

/**
 * Static credentials.
 *
 * @example
 * ```ts
 * import { awsClientConfig, type AwsCredentials } from "./aws_client.ts";
 * const credentials: AwsCredentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI" };
 * const config = awsClientConfig({ credentials }, {});
 * console.log(config.credentials?.accessKeyId); // AKIDEXAMPLE
 * ```
 */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Credentials for local servers: s3rver accepts only these; kinesis-mock accepts any.
 *
 * @example
 * ```ts
 * import { LOCAL_CREDENTIALS } from "./aws_client.ts";
 * console.log(LOCAL_CREDENTIALS.accessKeyId); // S3RVER
 * ```
 */
export const LOCAL_CREDENTIALS: AwsCredentials = Object.freeze({
  accessKeyId: "S3RVER",
  secretAccessKey: "S3RVER",
});

/**
 * Options of {@linkcode awsClientConfig}.
 *
 * @example
 * ```ts
 * import { awsClientConfig, type AwsClientOptions } from "./aws_client.ts";
 * const options: AwsClientOptions = { region: "eu-west-1", requestTimeoutMs: 10_000 };
 * console.log(awsClientConfig(options, {}).region); // eu-west-1
 * const vpce = "https://vpce-0a1b2c3d.s3.eu-west-1.vpce.amazonaws.com";
 * console.log(awsClientConfig({ endpoint: vpce, localCredentials: false }, {}).credentials); // undefined
 * ```
 */
export interface AwsClientOptions {
  /** AWS region (default `us-east-1`). */
  region?: string;
  /** Custom endpoint, e.g. `http://127.0.0.1:4567`; the AWS default when absent. */
  endpoint?: string;
  /** Static credentials; the AWS chain when absent (see the module doc for local endpoints). */
  credentials?: AwsCredentials;
  /**
   * Whether `endpoint` is a local server, which gets {@linkcode LOCAL_CREDENTIALS} when
   * `AWS_ACCESS_KEY_ID` is unset (default true). False for an AWS endpoint (a VPC or FIPS
   * one): the standard chain then applies (`AWS_PROFILE`, SSO, instance and task roles).
   */
  localCredentials?: boolean;
  /** Per-request socket timeout in ms (default 30,000). */
  requestTimeoutMs?: number;
}

/**
 * The constructor settings an SDK client takes.
 *
 * @example
 * ```ts
 * import { awsClientConfig, type AwsClientConfig } from "./aws_client.ts";
 * const config: AwsClientConfig = awsClientConfig({ endpoint: "http://127.0.0.1:4567" }, {});
 * console.log(config.region, config.maxAttempts); // us-east-1 3
 * ```
 */
export interface AwsClientConfig {
  region: string;
  endpoint?: string;
  credentials?: AwsCredentials;
  requestHandler: NodeHttpHandler;
  maxAttempts: number;
}

/**
 * Builds the client settings for `options`.
 *
 * @example
 * ```ts
 * import { awsClientConfig } from "./aws_client.ts";
 * const config = awsClientConfig({ endpoint: "http://127.0.0.1:4569" }, {});
 * console.log(config.credentials?.accessKeyId); // S3RVER
 * ```
 */
export function awsClientConfig(
  options: AwsClientOptions,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): AwsClientConfig {
  const local = options.endpoint !== undefined &&
    (options.localCredentials ?? true) && env.AWS_ACCESS_KEY_ID === undefined;
  return {
    region: options.region ?? env.AWS_REGION ?? "us-east-1",
    endpoint: options.endpoint,
    credentials: options.credentials ??
      (local ? { ...LOCAL_CREDENTIALS } : undefined),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      // Without it the handler only logs a warning and the call waits for ever.
      throwOnRequestTimeout: true,
    }),
    maxAttempts: 3,
  };
}
