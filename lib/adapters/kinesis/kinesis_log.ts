/**
 * `StreamLog` on Amazon Kinesis Data Streams (or kinesis-mock) through
 * `@aws-sdk/client-kinesis`, plus the resharding calls `splitShard` and `mergeShards`.
 *
 * @module
 */
import { BackendError } from "../../errors.ts";
import type {
  CreateStreamOptions,
  PutRecordResult,
  ReadShardOptions,
  ShardPage,
  StreamDescription,
  StreamLog,
  StreamRecordInput,
} from "../../log/types.ts";
import {
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
  ListStreamsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from "./sdk.ts";
import { ShardPager } from "./shard_iterators.ts";

/** Options of {@linkcode openKinesisLog}. */
export interface KinesisLogOptions extends KinesisClientOptions {
  /** Retries of failed PutRecords entries (see `putWithRetry`). */
  putRetry?: PutRetryOptions;
  /** How long create, delete and resharding wait for the stream, ms (default 60,000). */
  statusTimeoutMs?: number;
  /** Call ListStreams once at open so a missing server fails early (default true). */
  check?: boolean;
}

/**
 * The Kinesis `StreamLog`; create it with {@linkcode openKinesisLog}.
 *
 * @example
 * ```ts
 * import { openKinesisLog } from "./kinesis_log.ts";
 * const log = await openKinesisLog({ endpoint: "http://127.0.0.1:4567" });
 * await log.createStream("demo", { shardCount: 1 });
 * await log.splitShard("demo", "shardId-000000000000", String(1n << 127n));
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

  async createStream(
    name: string,
    options: CreateStreamOptions = {},
  ): Promise<void> {
    await this.#call({ op: "createStream", stream: name }, async () => {
      await this.#client.send(
        new CreateStreamCommand({
          StreamName: name,
          ShardCount: options.shardCount ?? 1,
          StreamModeDetails: { StreamMode: "PROVISIONED" },
        }),
      );
    });
    await this.#wait("createStream", name, "ACTIVE");
  }

  async deleteStream(name: string): Promise<void> {
    await this.#call(
      { op: "deleteStream", stream: name },
      () =>
        this.#client.send(
          new DeleteStreamCommand({
            StreamName: name,
            EnforceConsumerDeletion: true,
          }),
        ),
    );
    this.#pager.cache.clear(name);
    await this.#wait("deleteStream", name, "DELETED");
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

  readShard(
    stream: string,
    shardId: string,
    options: ReadShardOptions = {},
  ): Promise<ShardPage> {
    return this.#call(
      { op: "readShard", stream, shardId },
      () => this.#pager.read(stream, shardId, options),
    );
  }

  /**
   * Splits open shard `shardId` at `newStartingHashKey` (decimal): the parent closes, two
   * children take `[start, key - 1]` and `[key, end]`. Resolves once the stream is ACTIVE.
   */
  async splitShard(
    stream: string,
    shardId: string,
    newStartingHashKey: string,
  ): Promise<void> {
    await this.#call(
      { op: "splitShard", stream, shardId },
      () =>
        this.#client.send(
          new SplitShardCommand({
            StreamName: stream,
            ShardToSplit: shardId,
            NewStartingHashKey: newStartingHashKey,
          }),
        ),
    );
    await this.#wait("splitShard", stream, "ACTIVE");
  }

  /** Merges two open shards with adjacent hash-key ranges; resolves once ACTIVE again. */
  async mergeShards(
    stream: string,
    shardId: string,
    adjacentShardId: string,
  ): Promise<void> {
    await this.#call(
      { op: "mergeShards", stream, shardId },
      () =>
        this.#client.send(
          new MergeShardsCommand({
            StreamName: stream,
            ShardToMerge: shardId,
            AdjacentShardToMerge: adjacentShardId,
          }),
        ),
    );
    await this.#wait("mergeShards", stream, "ACTIVE");
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#pager.cache.clear();
      this.#client.destroy();
    }
    return Promise.resolve();
  }

  #wait(op: string, stream: string, until: "ACTIVE" | "DELETED") {
    return this.#call(
      { op, stream },
      () =>
        waitForStream(this.#client, stream, {
          until,
          timeoutMs: this.#options.statusTimeoutMs,
        }),
    );
  }

  async #call<T>(
    ctx: { op: string; stream?: string; shardId?: string },
    run: () => Promise<T>,
  ): Promise<T> {
    if (this.#closed) {
      throw new BackendError(
        "kinesis",
        `${ctx.op} after close(); open the log again with openKinesisLog()`,
        { context: { op: ctx.op, endpoint: this.endpoint } },
      );
    }
    try {
      return await run();
    } catch (e) {
      throw toKinesisError(e, { ...ctx, endpoint: this.endpoint });
    }
  }
}

/**
 * Opens the Kinesis log at `options.endpoint` (AWS itself when absent). Unless
 * `check: false`, one ListStreams call proves the server answers, so a missing
 * kinesis-mock fails here with a `BackendError` naming `deno task services up`.
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
    try {
      await client.send(new ListStreamsCommand({ Limit: 1 }));
    } catch (e) {
      client.destroy();
      throw toKinesisError(e, { op: "open", endpoint: options.endpoint });
    }
  }
  return log;
}
