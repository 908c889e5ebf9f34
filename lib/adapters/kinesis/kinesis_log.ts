/**
 * `StreamLog` on Amazon Kinesis Data Streams (or kinesis-mock) through
 * `@aws-sdk/client-kinesis`, plus the resharding calls `splitShard` and `mergeShards`.
 *
 * @module
 */
import {
  AlreadyExistsError,
  BackendError,
  PipelineError,
  StreamNotFoundError,
} from "../../errors.ts";
import { ShardNotFoundError } from "../../log/errors.ts";
import type {
  CreateStreamOptions,
  MergeShardsOptions,
  PutRecordResult,
  ReadShardOptions,
  ShardPage,
  SplitShardOptions,
  StreamDescription,
  StreamLog,
  StreamRecordInput,
} from "../../log/types.ts";
import {
  assertCreatedAt,
  describeStreamOf,
  listStreamNames,
  waitForStream,
} from "./describe.ts";
import { toKinesisError } from "./errors.ts";
import { type PutRetryOptions, putWithRetry } from "./put_records.ts";
import {
  createKinesisClient,
  CreateStreamCommand,
  DeleteStreamCommand,
  type KinesisClient,
  type KinesisClientOptions,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from "./sdk.ts";
import { checkAnswers } from "./open_check.ts";
import { ShardPager } from "./shard_iterators.ts";

/**
 * Options of {@linkcode openKinesisLog}.
 *
 * @example
 * ```ts
 * import { openKinesisLog, type KinesisLogOptions } from "./kinesis_log.ts";
 * const options: KinesisLogOptions = {
 *   endpoint: "http://127.0.0.1:4567",
 *   putRetry: { maxRetries: 3 },
 *   statusTimeoutMs: 30_000,
 * };
 * const log = await openKinesisLog(options);
 * await log.close();
 * ```
 */
export interface KinesisLogOptions extends KinesisClientOptions {
  /** Retries of failed PutRecords entries (see `putWithRetry`). */
  putRetry?: PutRetryOptions;
  /** How long create, delete and resharding wait for the stream, ms (default 60,000). */
  statusTimeoutMs?: number;
  /** Call ListStreams once at open so a missing server fails early (default true). */
  check?: boolean;
  /** How long that call may take, ms (default 10,000): a hung server fails then. */
  openTimeoutMs?: number;
}

/**
 * The Kinesis `StreamLog`; create it with {@linkcode openKinesisLog}.
 *
 * @example
 * ```ts
 * import { openKinesisLog } from "./kinesis_log.ts";
 * const log = await openKinesisLog({ endpoint: "http://127.0.0.1:4567" });
 * await log.createStream("demo");
 * await log.splitShard("demo", {
 *   shardId: "shardId-000000000000",
 *   newStartingHashKey: String(1n << 127n),
 * });
 * console.log((await log.describeStream("demo")).shards.length); // 3
 * await log.close();
 * ```
 */
export class KinesisLog implements StreamLog {
  /** Where requests go (`undefined`: AWS itself). */
  readonly endpoint: string | undefined;
  #client: KinesisClient;
  #pager: ShardPager;
  #options: KinesisLogOptions;
  #closed = false;

  /** Wraps `client`; {@linkcode openKinesisLog} builds both from options. */
  constructor(client: KinesisClient, options: KinesisLogOptions = {}) {
    this.#client = client;
    this.#pager = new ShardPager(client);
    this.#options = options;
    this.endpoint = options.endpoint;
  }

  listStreams(): Promise<string[]> {
    return this.#call(
      { op: "listStreams" },
      () => listStreamNames(this.#client),
    );
  }

  describeStream(name: string): Promise<StreamDescription> {
    return this.#call(
      { op: "describeStream", stream: name },
      () => describeStreamOf(this.#client, name),
    );
  }

  /** Creates `name`, waiting until it is ACTIVE. A stream of that name another client is
   * deleting (DELETING) is waited for until it is gone, then created again. */
  async createStream(
    name: string,
    options: CreateStreamOptions = {},
  ): Promise<void> {
    const ctx = { op: "createStream", stream: name, until: "ACTIVE" } as const;
    const create = () =>
      new CreateStreamCommand({
        StreamName: name,
        ShardCount: options.shardCount ?? 1,
        StreamModeDetails: { StreamMode: "PROVISIONED" },
      });
    try {
      return await this.#change(ctx, create());
    } catch (e) {
      if (!(e instanceof AlreadyExistsError)) throw e;
      const status = await this.describeStream(name).then(
        (d) => d.status,
        (err) => {
          if (err instanceof StreamNotFoundError) return "DELETED";
          throw err;
        },
      );
      if (status !== "DELETING" && status !== "DELETED") throw e;
    }
    await this.#call(ctx, () =>
      waitForStream(this.#client, name, {
        until: "DELETED",
        timeoutMs: this.#options.statusTimeoutMs,
      }));
    return await this.#change(ctx, create());
  }

  /** Deletes `name`, waiting until it is gone. A missing stream fails before DeleteStream is
   * sent: kinesis-mock 0.6.2 would still remove a stream re-created under that name. A
   * stream another client is deleting is not found either, as for reads. */
  async deleteStream(name: string): Promise<void> {
    this.#pager.cache.clear(name);
    const { status } = await this.describeStream(name);
    if (status === "DELETING") {
      throw new StreamNotFoundError(name, {
        context: { op: "deleteStream", endpoint: this.endpoint, status },
      });
    }
    return await this.#change(
      { op: "deleteStream", stream: name, until: "DELETED" },
      new DeleteStreamCommand({
        StreamName: name,
        EnforceConsumerDeletion: true,
      }),
    );
  }

  putRecords(
    stream: string,
    records: StreamRecordInput[],
  ): Promise<PutRecordResult[]> {
    return this.#call(
      { op: "putRecords", stream },
      () =>
        putWithRetry(
          async (entries) => {
            const out = await this.#client.send(
              new PutRecordsCommand({ StreamName: stream, Records: entries }),
            );
            return out.Records ?? [];
          },
          records,
          this.#options.putRetry,
        ),
    );
  }

  /**
   * Reads a page of one shard. With `streamCreatedAt`, a page that moves the reader on
   * (records, or the shard's end) and a failed call are followed by one
   * DescribeStreamSummary: kinesis-mock reads a stream deleted and created again on from
   * the old stream's cached iterator or sequence number (skipping its first records, as its
   * sequence numbers start over), so a stream created at another time is refused with
   * `ShardNotFoundError` and its cached iterators dropped, as by the embedded log.
   */
  readShard(
    stream: string,
    shardId: string,
    options: ReadShardOptions = {},
  ): Promise<ShardPage> {
    const createdAt = options.streamCreatedAt;
    const check = () =>
      assertCreatedAt(this.#client, stream, { createdAt: createdAt!, shardId })
        .catch((e) => {
          if (e instanceof ShardNotFoundError) this.#pager.cache.clear(stream);
          throw e;
        });
    return this.#call({ op: "readShard", stream, shardId }, async () => {
      if (createdAt === undefined) {
        return await this.#pager.read(stream, shardId, options);
      }
      let page: ShardPage;
      try {
        page = await this.#pager.read(stream, shardId, options);
      } catch (e) {
        if (!(e instanceof PipelineError)) await check();
        throw e;
      }
      if (page.records.length > 0 || page.shardEnded) await check();
      return page;
    });
  }

  /**
   * Splits open shard `shardId` at `newStartingHashKey` (decimal): the parent closes, two
   * children take `[start, key - 1]` and `[key, end]`. Resolves once the stream is ACTIVE.
   */
  splitShard(stream: string, options: SplitShardOptions): Promise<void> {
    const { shardId, newStartingHashKey } = options;
    return this.#change(
      { op: "splitShard", stream, shardId, until: "ACTIVE" },
      new SplitShardCommand({
        StreamName: stream,
        ShardToSplit: shardId,
        NewStartingHashKey: newStartingHashKey,
      }),
    );
  }

  /** Merges two open shards with adjacent hash-key ranges; resolves once ACTIVE again. */
  mergeShards(stream: string, options: MergeShardsOptions): Promise<void> {
    const { shardId, adjacentShardId } = options;
    return this.#change(
      { op: "mergeShards", stream, shardId, until: "ACTIVE" },
      new MergeShardsCommand({
        StreamName: stream,
        ShardToMerge: shardId,
        AdjacentShardToMerge: adjacentShardId,
      }),
    );
  }

  close(): Promise<void> {
    if (!this.#closed) this.#client.destroy();
    this.#closed = true;
    return Promise.resolve();
  }

  /** Sends a stream change, then waits (bounded) until the stream is `ctx.until`. */
  async #change(
    ctx: {
      op: string;
      stream: string;
      shardId?: string;
      until: "ACTIVE" | "DELETED";
    },
    command:
      | CreateStreamCommand
      | DeleteStreamCommand
      | SplitShardCommand
      | MergeShardsCommand,
  ): Promise<void> {
    const { until, ...where } = ctx;
    await this.#call(where, () => this.#client.send(command as never));
    await this.#call(where, () =>
      waitForStream(this.#client, ctx.stream, {
        until,
        timeoutMs: this.#options.statusTimeoutMs,
      }));
  }

  async #call<T>(
    ctx: { op: string; stream?: string; shardId?: string },
    run: () => Promise<T>,
  ): Promise<T> {
    if (this.#closed) {
      const msg =
        `${ctx.op} after close(); open the log again with openKinesisLog()`;
      throw new BackendError("kinesis", msg, { context: ctx });
    }
    try {
      return await run();
    } catch (e) {
      // The region only names AWS itself in messages: it is resolved once a call failed.
      const region = await regionOf(this.#client, this.endpoint);
      throw toKinesisError(e, { ...ctx, endpoint: this.endpoint, region });
    }
  }
}

/** The region `client` calls when it calls AWS itself (no endpoint), for messages. */
async function regionOf(
  client: KinesisClient,
  endpoint: string | undefined,
): Promise<string | undefined> {
  return endpoint === undefined ? await client.config.region() : undefined;
}

/**
 * Opens the Kinesis log at `options.endpoint` (AWS itself when absent). Unless
 * `check: false`, one ListStreams call proves the server answers, so a missing
 * kinesis-mock fails here with a `BackendError` naming `deno task services up`, and a hung
 * one after `openTimeoutMs`.
 *
 * @example
 * ```ts
 * import { openKinesisLog } from "./kinesis_log.ts";
 * const log = await openKinesisLog({ endpoint: "http://127.0.0.1:4567" });
 * console.log(await log.listStreams());
 * await log.close();
 * ```
 */
export async function openKinesisLog(
  options: KinesisLogOptions = {},
): Promise<KinesisLog> {
  const client = createKinesisClient(options);
  const log = new KinesisLog(client, options);
  if (options.check ?? true) {
    await checkAnswers(client, {
      endpoint: options.endpoint,
      region: await regionOf(client, options.endpoint),
      timeoutMs: options.openTimeoutMs ?? 10_000,
    }).catch((e) => {
      client.destroy();
      throw e;
    });
  }
  return log;
}
