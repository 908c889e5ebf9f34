/**
 * The lake on an S3 bucket (`@aws-sdk/client-s3`): the only module that imports the S3 SDK.
 * Path-style addressing for local endpoints (s3rver), virtual-hosted style on AWS.
 *
 * @module
 */
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { BackendError } from "../../errors.ts";
import { ObjectNotFoundError, validateKey } from "../../lake/errors.ts";
import type { ListOptions, ObjectInfo, ObjectStore } from "../../lake/types.ts";
import { awsClientConfig, type AwsClientOptions } from "../aws_client.ts";

/**
 * Options of {@linkcode openS3Store}.
 *
 * @example
 * ```ts
 * import { openS3Store, type S3StoreOptions } from "./s3_store.ts";
 * const options: S3StoreOptions = {
 *   endpoint: "http://127.0.0.1:4569",
 *   bucket: "pinterest-lake",
 *   prefix: "lake/",
 *   createBucket: true,
 * };
 * const lake = await openS3Store(options);
 * ```
 */
export interface S3StoreOptions extends AwsClientOptions {
  /** The bucket holding the lake. */
  bucket: string;
  /** Key prefix inside the bucket (default none), e.g. `lake/`. */
  prefix?: string;
  /** Path-style URLs (`endpoint/bucket/key`); needed by local servers. Default: when `endpoint` is set. */
  forcePathStyle?: boolean;
  /** Create the bucket when it does not exist (default false: a missing bucket is an error). */
  createBucket?: boolean;
}

function errorName(e: unknown): string {
  return (e as { name?: string })?.name ?? "";
}

function status(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata
    ?.httpStatusCode;
}

/**
 * The bucket's region S3 names in a refusal (`x-amz-bucket-region`: a 301 or 400 answer to
 * a request sent to another region than the bucket's), if any.
 */
function regionOf(e: unknown): string | undefined {
  const headers = (e as { $response?: { headers?: Record<string, string> } })
    ?.$response?.headers;
  return headers?.["x-amz-bucket-region"] || undefined;
}

/** An S3 operation on a key, for error messages. */
interface S3Op {
  op: string;
  key: string;
}

class S3Store implements ObjectStore {
  readonly location: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly endpoint: string | undefined;

  constructor(
    private readonly client: S3Client,
    where: { bucket: string; prefix: string; endpoint: string | undefined },
  ) {
    this.bucket = where.bucket;
    this.prefix = where.prefix;
    this.endpoint = where.endpoint;
    this.location = `s3://${where.bucket}/${where.prefix}`;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    validateKey(key);
    await this.call(
      { op: "put", key },
      () =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: this.prefix + key,
            Body: body,
          }),
        ),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    validateKey(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }),
      );
      return await out.Body!.transformToByteArray();
    } catch (e) {
      // A 404 is a missing object, unless S3 says the bucket itself is missing.
      const name = errorName(e);
      if (
        name === "NoSuchKey" || (status(e) === 404 && name !== "NoSuchBucket")
      ) {
        throw new ObjectNotFoundError(key, this.location, { cause: e });
      }
      throw this.fail(e, { op: "get", key });
    }
  }

  async list(
    prefix: string,
    options: ListOptions = {},
  ): Promise<ObjectInfo[]> {
    validateKey(prefix, { prefix: true });
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(
        { op: "list", key: prefix },
        () =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: this.bucket,
              Prefix: this.prefix + prefix,
              ContinuationToken: token,
            }),
          ),
      );
      for (const o of page.Contents ?? []) {
        found.push({
          key: o.Key!.slice(this.prefix.length),
          size: o.Size ?? 0,
        });
      }
      options.onProgress?.(found.length);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    await this.call(
      { op: "delete", key },
      () =>
        this.client.send(
          new DeleteObjectCommand({
            Bucket: this.bucket,
            Key: this.prefix + key,
          }),
        ),
    );
  }

  private async call<T>(what: S3Op, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw this.fail(e, what);
    }
  }

  private fail(cause: unknown, what: S3Op): BackendError {
    const { op, key } = what;
    const where = this.endpoint ?? "AWS";
    const hint = this.endpoint === undefined
      ? "check S3_BUCKET, AWS_REGION, the credentials and their IAM permissions"
      : "check S3_ENDPOINT and S3_BUCKET, and that the server runs (`deno task services status`)";
    return new BackendError(
      "s3",
      `${op} ${this.location}${key} failed at ${where}: ${
        (cause as Error).message
      }; ${hint}`,
      {
        cause,
        context: { op, bucket: this.bucket, key, endpoint: this.endpoint },
      },
    );
  }
}

/**
 * Opens the lake on `options.bucket`, checking the bucket answers (and creating it when asked).
 *
 * @example
 * ```ts
 * import { openS3Store } from "./s3_store.ts";
 * const lake = await openS3Store({ endpoint: "http://127.0.0.1:4569", bucket: "pinterest-lake" });
 * console.log((await lake.list("topics/")).length);
 * ```
 */
export async function openS3Store(
  options: S3StoreOptions,
): Promise<ObjectStore> {
  const config = awsClientConfig(options);
  const client = new S3Client({
    ...config,
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
  });
  const prefix = options.prefix ?? "";
  validateKey(prefix, { prefix: true });
  try {
    await client.send(new HeadBucketCommand({ Bucket: options.bucket }));
  } catch (e) {
    const missing = errorName(e) === "NotFound" || status(e) === 404;
    if (missing && options.createBucket) {
      await client.send(new CreateBucketCommand({ Bucket: options.bucket }));
    } else {
      const where = options.endpoint ?? `AWS (${config.region})`;
      // A HEAD answer has no body: its status and headers are all S3 says.
      const code = status(e);
      const why = code === undefined ? (e as Error).message : `HTTP ${code}`;
      const bucketRegion = regionOf(e);
      const hint = missing
        ? `create it (on AWS \`aws s3 mb s3://${options.bucket} --region ${config.region}\`; ` +
          "for the local stack `deno task services up`), or set S3_BUCKET to the lake's bucket"
        : bucketRegion !== undefined && bucketRegion !== config.region
        ? `the bucket is in region ${bucketRegion}, not ${config.region}; ` +
          `set AWS_REGION=${bucketRegion}`
        : code === 403
        // A 403 to HEAD says no more: wrong keys, missing permissions and a bucket of
        // another account (a name taken already: bucket names are global) look the same.
        ? "the credentials were refused or may not use this bucket; check AWS_ACCESS_KEY_ID " +
          "and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE), their permissions, and S3_BUCKET " +
          "(bucket names are global: another account's bucket answers 403 too)"
        : options.endpoint === undefined
        ? "check S3_BUCKET, AWS_REGION, the credentials and that this machine reaches AWS"
        : "check S3_ENDPOINT, the credentials and that the server runs (`deno task services up`)";
      throw new BackendError(
        "s3",
        `bucket "${options.bucket}" at ${where} is not usable (${why}): ${hint}`,
        {
          cause: e,
          context: {
            bucket: options.bucket,
            endpoint: options.endpoint,
            region: config.region,
            bucketRegion,
          },
        },
      );
    }
  }
  return new S3Store(client, {
    bucket: options.bucket,
    prefix,
    endpoint: options.endpoint,
  });
}
