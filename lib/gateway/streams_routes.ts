/**
 * The Kinesis routes of the course's API Gateway: `GET /streams` (ListStreams),
 * `GET|POST|DELETE /streams/{stream}` (DescribeStream / CreateStream / DeleteStream),
 * `PUT /streams/{stream}/record` (PutRecord) and `PUT /streams/{stream}/records`
 * (PutRecords), answering in the Kinesis JSON shapes.
 *
 * @module
 */

import type { PutRecordResult, ShardInfo } from "../log/types.ts";
import {
  checkContentType,
  parseJsonBytes,
  readBodyBytes,
  readJsonBody,
  STREAM_CONTENT_TYPES,
} from "./body.ts";
import { scanStreamRecord, scanStreamRecords } from "./stream_bytes.ts";
import { GatewayError } from "./errors.ts";
import {
  defineRoute,
  jsonResponse,
  type Route,
  type RouteContext,
} from "./router.ts";
import {
  checkPutRecordsBytes,
  parseCreateStream,
  parseStreamRecord,
  parseStreamRecords,
} from "./validate.ts";

/**
 * One shard in the DescribeStream shape.
 *
 * @example
 * ```ts
 * import type { KinesisShard } from "./streams_routes.ts";
 * import { createGateway } from "./gateway.ts";
 * import { openEmbeddedLog } from "../log/mod.ts";
 * const log = await openEmbeddedLog(await Deno.makeTempFile({ suffix: ".db" }));
 * await log.streams.createStream("demo");
 * const res = await createGateway({ topics: log.topics, streams: log.streams }).handler(new Request("http://gw/streams/demo"));
 * const [shard]: KinesisShard[] = (await res.json()).StreamDescription.Shards;
 * console.log(shard.ShardId, shard.HashKeyRange.StartingHashKey); // shardId-000000000000 0
 * await log.close();
 * ```
 */
export interface KinesisShard {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: { StartingHashKey: string; EndingHashKey: string };
  SequenceNumberRange: {
    StartingSequenceNumber: string;
    EndingSequenceNumber?: string;
  };
}

function toKinesisShard(s: ShardInfo): KinesisShard {
  const shard: KinesisShard = { ShardId: s.shardId } as KinesisShard;
  if (s.parentShardId !== undefined) shard.ParentShardId = s.parentShardId;
  if (s.adjacentParentShardId !== undefined) {
    shard.AdjacentParentShardId = s.adjacentParentShardId;
  }
  shard.HashKeyRange = {
    StartingHashKey: s.hashKeyRange.start,
    EndingHashKey: s.hashKeyRange.end,
  };
  shard.SequenceNumberRange = {
    StartingSequenceNumber: s.startingSequenceNumber,
  };
  if (s.endingSequenceNumber !== undefined) {
    shard.SequenceNumberRange.EndingSequenceNumber = s.endingSequenceNumber;
  }
  return shard;
}

async function listStreams(ctx: RouteContext): Promise<Response> {
  const names = await ctx.streams.listStreams();
  return jsonResponse({ StreamNames: names, HasMoreStreams: false });
}

async function describeStream(ctx: RouteContext): Promise<Response> {
  const d = await ctx.streams.describeStream(ctx.params.stream);
  return jsonResponse({
    StreamDescription: {
      StreamName: d.name,
      StreamStatus: d.status,
      Shards: d.shards.map(toKinesisShard),
      StreamCreationTimestamp: d.createdAt / 1000,
      RetentionPeriodHours: d.retentionHours,
      HasMoreShards: false,
    },
  });
}

async function readOptionalJson(ctx: RouteContext): Promise<unknown> {
  const hasBody = ctx.req.body !== null &&
    ctx.req.headers.get("content-length") !== "0";
  if (hasBody && ctx.req.headers.has("content-type")) {
    checkContentType(ctx.req, STREAM_CONTENT_TYPES);
  }
  return await readJsonBody(ctx.req, ctx.maxBodyBytes);
}

async function createStream(ctx: RouteContext): Promise<Response> {
  const shardCount = parseCreateStream(await readOptionalJson(ctx));
  await ctx.streams.createStream(ctx.params.stream, { shardCount });
  return jsonResponse({});
}

async function deleteStream(ctx: RouteContext): Promise<Response> {
  await ctx.streams.deleteStream(ctx.params.stream);
  // Its series would stay for good: names that come and go must not pile up.
  ctx.metrics.forgetRecords({ kind: "stream", name: ctx.params.stream });
  return jsonResponse({});
}

async function putRecord(ctx: RouteContext): Promise<Response> {
  checkContentType(ctx.req, STREAM_CONTENT_TYPES);
  const bytes = await readBodyBytes(ctx.req, ctx.maxBodyBytes);
  // The common shape straight from the bytes; anything else parsed in full.
  const record = scanStreamRecord(bytes) ??
    parseStreamRecord(parseJsonBytes(bytes));
  const stream = ctx.params.stream;
  const [result] = await ctx.streams.putRecords(stream, [record]);
  if ("errorCode" in result) {
    throw new GatewayError(
      `The record was not stored: ${result.errorCode}: ${result.errorMessage}; retry it.`,
      { status: 500, errorCode: 50003, context: { stream, ...result } },
    );
  }
  ctx.metrics.addRecords({ kind: "stream", name: stream }, 1);
  return jsonResponse({
    ShardId: result.shardId,
    SequenceNumber: result.sequenceNumber,
  });
}

function toKinesisResult(r: PutRecordResult) {
  return "errorCode" in r
    ? { ErrorCode: r.errorCode, ErrorMessage: r.errorMessage }
    : { ShardId: r.shardId, SequenceNumber: r.sequenceNumber };
}

async function putRecords(ctx: RouteContext): Promise<Response> {
  checkContentType(ctx.req, STREAM_CONTENT_TYPES);
  const bytes = await readBodyBytes(ctx.req, ctx.maxBodyBytes);
  const records = scanStreamRecords(bytes) ??
    parseStreamRecords(parseJsonBytes(bytes));
  checkPutRecordsBytes(records);
  const stream = ctx.params.stream;
  const results = await ctx.streams.putRecords(stream, records);
  const failed = results.filter((r) => "errorCode" in r).length;
  if (results.length > failed) {
    ctx.metrics.addRecords(
      { kind: "stream", name: stream },
      results.length - failed,
    );
  }
  return jsonResponse({
    FailedRecordCount: failed,
    Records: results.map(toKinesisResult),
  });
}

/**
 * The stream routes, to register with the gateway's router.
 *
 * @example
 * ```ts
 * import { streamRoutes } from "./streams_routes.ts";
 * console.log(streamRoutes().length); // 4
 * ```
 */
export function streamRoutes(): Route[] {
  return [
    defineRoute("/streams", { GET: listStreams }),
    defineRoute("/streams/{stream}", {
      GET: describeStream,
      POST: createStream,
      DELETE: deleteStream,
    }),
    defineRoute("/streams/{stream}/record", { PUT: putRecord }),
    defineRoute("/streams/{stream}/records", { PUT: putRecords }),
  ];
}
