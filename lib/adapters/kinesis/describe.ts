/**
 * Stream metadata over the Kinesis API: all stream names (paginated ListStreams), one
 * stream as a `StreamDescription` (DescribeStreamSummary + paginated ListShards, which
 * also lists closed parent shards), and a bounded wait for a stream status.
 *
 * SDK errors are thrown as they are; the adapter maps them.
 *
 * @module
 */
import type { ShardInfo, StreamDescription } from "../../log/types.ts";
import { BackendError } from "../../errors.ts";
import { ShardNotFoundError } from "../../log/errors.ts";
import { awsErrorName } from "./sdk.ts";
import {
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  type Shard,
} from "./sdk.ts";

/**
 * Every stream name, sorted.
 *
 * @example
 * ```ts
 * import { listStreamNames } from "./describe.ts";
 * import { createKinesisClient } from "./sdk.ts";
 * console.log(await listStreamNames(createKinesisClient({ endpoint: "http://127.0.0.1:4567" })));
 * ```
 */
export async function listStreamNames(
  client: KinesisClient,
): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const out = await client.send(
      new ListStreamsCommand(
        token
          ? { NextToken: token }
          : { Limit: 100, ExclusiveStartStreamName: names.at(-1) },
      ),
    );
    names.push(...(out.StreamNames ?? []));
    if (!out.HasMoreStreams || (out.StreamNames ?? []).length === 0) break;
    token = out.NextToken;
  }
  return [...new Set(names)].sort();
}

/** Maps one SDK shard to the log's `ShardInfo`. */
function shardInfo(s: Shard): ShardInfo {
  const info: ShardInfo = {
    shardId: s.ShardId!,
    hashKeyRange: {
      start: s.HashKeyRange!.StartingHashKey!,
      end: s.HashKeyRange!.EndingHashKey!,
    },
    startingSequenceNumber: s.SequenceNumberRange!.StartingSequenceNumber!,
  };
  if (s.ParentShardId) info.parentShardId = s.ParentShardId;
  if (s.AdjacentParentShardId) {
    info.adjacentParentShardId = s.AdjacentParentShardId;
  }
  const ending = s.SequenceNumberRange!.EndingSequenceNumber;
  if (ending) info.endingSequenceNumber = ending;
  return info;
}

/**
 * Describes `name`: status, creation time, retention and every shard (open and closed,
 * sorted by shard id). A stream still being created has no shards yet.
 *
 * @example
 * ```ts
 * import { describeStreamOf } from "./describe.ts";
 * import { createKinesisClient } from "./sdk.ts";
 * const client = createKinesisClient({ endpoint: "http://127.0.0.1:4567" });
 * console.log((await describeStreamOf(client, "streaming-pinterest-pin")).shards.length);
 * ```
 */
export async function describeStreamOf(
  client: KinesisClient,
  name: string,
): Promise<StreamDescription> {
  const summary = (await client.send(
    new DescribeStreamSummaryCommand({ StreamName: name }),
  )).StreamDescriptionSummary!;
  const status = summary.StreamStatus as StreamDescription["status"];
  const shards: ShardInfo[] = [];
  if (status === "ACTIVE" || status === "UPDATING") {
    let token: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const out = await client.send(
        new ListShardsCommand(
          token
            ? { NextToken: token, MaxResults: 1000 }
            : { StreamName: name, MaxResults: 1000 },
        ),
      );
      shards.push(...(out.Shards ?? []).map(shardInfo));
      token = out.NextToken;
      if (!token) break;
    }
  }
  shards.sort((a, b) => compareIds(a.shardId, b.shardId));
  return {
    name: summary.StreamName ?? name,
    status,
    shards,
    createdAt: summary.StreamCreationTimestamp?.getTime() ?? 0,
    retentionHours: summary.RetentionPeriodHours ?? 24,
  };
}

/**
 * Throws `ShardNotFoundError` unless stream `name` is still the one created at `createdAt`
 * (epoch ms, as {@linkcode describeStreamOf} answers): a stream deleted and created again
 * under its name is another stream, though kinesis-mock serves the old stream's shard
 * iterators and sequence numbers on it. One DescribeStreamSummary call.
 *
 * @example
 * ```ts
 * import { assertCreatedAt, describeStreamOf } from "./describe.ts";
 * import { createKinesisClient } from "./sdk.ts";
 * const client = createKinesisClient({ endpoint: "http://127.0.0.1:4567" });
 * const { createdAt } = await describeStreamOf(client, "streaming-pinterest-pin");
 * await assertCreatedAt(client, "streaming-pinterest-pin", { createdAt, shardId: "shardId-000000000000" });
 * ```
 */
export async function assertCreatedAt(
  client: KinesisClient,
  name: string,
  expected: { createdAt: number; shardId: string },
): Promise<void> {
  const summary = (await client.send(
    new DescribeStreamSummaryCommand({ StreamName: name }),
  )).StreamDescriptionSummary!;
  const createdAt = summary.StreamCreationTimestamp?.getTime() ?? 0;
  if (createdAt !== expected.createdAt) {
    throw new ShardNotFoundError(name, expected.shardId, {
      context: { streamCreatedAt: expected.createdAt, createdAt },
    });
  }
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Options of {@linkcode waitForStream}.
 *
 * @example
 * ```ts
 * import { waitForStream, type WaitForStreamOptions } from "./describe.ts";
 * import { createKinesisClient } from "./sdk.ts";
 * const options: WaitForStreamOptions = { until: "DELETED", timeoutMs: 30_000 };
 * await waitForStream(createKinesisClient({ endpoint: "http://127.0.0.1:4567" }), "old-stream", options);
 * ```
 */
export interface WaitForStreamOptions {
  /** Wait until the stream is `ACTIVE`, or until it is gone (`DELETED`). */
  until: "ACTIVE" | "DELETED";
  /** Give up after this many ms (default 60,000). */
  timeoutMs?: number;
}

/**
 * Polls DescribeStreamSummary (every 50 ms, backing off to 1 s) until `options.until`;
 * throws `BackendError` when the time is up.
 *
 * @example
 * ```ts
 * import { waitForStream } from "./describe.ts";
 * import { createKinesisClient } from "./sdk.ts";
 * const client = createKinesisClient({ endpoint: "http://127.0.0.1:4567" });
 * await waitForStream(client, "streaming-pinterest-pin", { until: "ACTIVE" });
 * ```
 */
export async function waitForStream(
  client: KinesisClient,
  name: string,
  options: WaitForStreamOptions,
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  let last = "unknown";
  while (true) {
    try {
      const out = await client.send(
        new DescribeStreamSummaryCommand({ StreamName: name }),
      );
      last = out.StreamDescriptionSummary?.StreamStatus ?? "unknown";
      if (options.until === "ACTIVE" && last === "ACTIVE") return;
    } catch (e) {
      if (awsErrorName(e) !== "ResourceNotFoundException") throw e;
      if (options.until === "DELETED") return;
      last = "not found";
    }
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
  throw new BackendError(
    "kinesis",
    `stream "${name}" is still ${last} after ${timeoutMs} ms (waiting for ${options.until})`,
    { context: { stream: name, status: last, until: options.until } },
  );
}
