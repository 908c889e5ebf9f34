import assert from "node:assert/strict";
import { CLEAN_COLUMNS, pl } from "../clean/mod.ts";
import type { StreamRecord } from "../log/types.ts";
import {
  cleanMicroBatch,
  emptyStreamTable,
  KEY_COLUMNS,
} from "./micro_batch.ts";

const SHARD = "shardId-000000000000";

function rec(kind: string, seq: string, data: unknown): StreamRecord {
  const text = typeof data === "string" ? data : JSON.stringify(data);
  return {
    stream: `streaming-test-${kind}`,
    shardId: SHARD,
    sequenceNumber: seq,
    partitionKey: "k",
    arrivalTimestamp: 0,
    data: new TextEncoder().encode(text),
  };
}

const PIN = {
  index: 7528,
  unique_id: "fbe53c66-3442-4773-b19e-d3ec6f54dddf",
  title: "No Title Data Available",
  description: "No description available Story format",
  poster_name: "User Info Error",
  follower_count: "12k",
  tag_list: "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
  is_image_or_video: "multi-video(story page format)",
  image_src: "Image src error.",
  downloaded: 0,
  save_location: "Local save in /data/mens-fashion",
  category: "mens-fashion",
};
const GEO = {
  ind: 7528,
  timestamp: "2020-08-28 03:52:47",
  latitude: -89.9787,
  longitude: -173.293,
  country: "Albania",
};
const USER = {
  ind: 7528,
  first_name: "Abigail",
  last_name: "Ali",
  age: 20,
  date_joined: "2015-10-24 11:23:51",
};

const keys = (seq: string) => ({ _shard_id: SHARD, _sequence_number: seq });

Deno.test("micro-batch: each table is cleaned exactly, keys last", async () => {
  const out = await cleanMicroBatch({
    pin: [rec("pin", "10", PIN)],
    geo: [rec("geo", "11", GEO)],
    user: [rec("user", "12", USER)],
  });
  assert.deepEqual(out.stream_pin.columns, [
    ...CLEAN_COLUMNS.pin,
    ...KEY_COLUMNS,
  ]);
  assert.deepEqual(out.stream_pin.toRecords(), [{
    ind: 7528,
    unique_id: "fbe53c66-3442-4773-b19e-d3ec6f54dddf",
    title: null,
    description: null,
    follower_count: 12000,
    poster_name: null,
    tag_list: null,
    is_image_or_video: "multi-video(story page format)",
    image_src: null,
    save_location: "/data/mens-fashion",
    category: "mens-fashion",
    ...keys("10"),
  }]);
  assert.deepEqual(out.stream_geo.columns, [
    ...CLEAN_COLUMNS.geo,
    ...KEY_COLUMNS,
  ]);
  assert.deepEqual(out.stream_geo.toRecords(), [{
    ind: 7528,
    country: "Albania",
    coordinates: [-89.9787, -173.293],
    timestamp: new Date("2020-08-28T03:52:47Z"),
    ...keys("11"),
  }]);
  assert.deepEqual(out.stream_user.toRecords(), [{
    ind: 7528,
    user_name: "Abigail Ali",
    age: 20,
    date_joined: new Date("2015-10-24T11:23:51Z"),
    ...keys("12"),
  }]);
  assert.equal(out.stream_quarantine.height, 0);
});

Deno.test("micro-batch: append-only, a record posted twice gives two rows", async () => {
  const out = await cleanMicroBatch({
    pin: [],
    geo: [],
    user: [
      rec("user", "1", USER),
      rec("user", "2", { ...USER, ind: 9 }),
      rec("user", "3", USER),
    ],
  });
  assert.deepEqual(
    out.stream_user.select("ind", "_sequence_number").toRecords(),
    [
      { ind: 7528, _sequence_number: "1" },
      { ind: 9, _sequence_number: "2" },
      { ind: 7528, _sequence_number: "3" },
    ],
  );
});

Deno.test("micro-batch: rejects go to stream_quarantine with reason, raw record and keys", async () => {
  const out = await cleanMicroBatch({
    pin: [
      rec("pin", "1", { ...PIN, follower_count: "lots" }),
      rec("pin", "2", PIN),
    ],
    geo: [rec("geo", "3", "{not json"), rec("geo", "4", { ...GEO, ind: null })],
    user: [
      rec("user", "5", " "),
      rec("user", "6", { ...USER, date_joined: "yesterday" }),
      rec("user", "7", { ...USER, date_joined: "yesterday" }),
      rec("user", "8", USER),
    ],
  });
  assert.deepEqual(out.stream_pin.getColumn("_sequence_number").toArray(), [
    "2",
  ]);
  assert.equal(out.stream_geo.height, 0);
  assert.deepEqual(out.stream_user.getColumn("_sequence_number").toArray(), [
    "8",
  ]);
  const q = out.stream_quarantine.toRecords();
  assert.deepEqual(q.map((r) => [r.table, r._sequence_number]), [
    ["pin", "1"],
    ["geo", "3"],
    ["geo", "4"],
    ["user", "5"],
    ["user", "6"],
    ["user", "7"],
  ]);
  assert.equal(q[0].raw, JSON.stringify({ ...PIN, follower_count: "lots" }));
  assert.equal(q[1].raw, "{not json");
  assert.equal(q[4].raw, JSON.stringify({ ...USER, date_joined: "yesterday" }));
  for (const r of q) assert.equal(r._shard_id, SHARD);
  assert.deepEqual(q.map((r) => r.reason), [
    "unparseable follower_count",
    "malformed JSON",
    "missing ind",
    "empty record",
    "unparseable date_joined",
    "unparseable date_joined",
  ]);
});

/**
 * Cleans `bad` (sequence number 1) before a good geo record (2): only the good one reaches
 * `stream_geo`, and `bad` is quarantined with `reason` and `raw`.
 */
async function assertGeoQuarantined(
  bad: StreamRecord,
  reason: string,
  raw: string,
) {
  const out = await cleanMicroBatch({
    pin: [],
    geo: [bad, rec("geo", "2", GEO)],
    user: [],
  });
  assert.deepEqual(out.stream_geo.getColumn("_sequence_number").toArray(), [
    "2",
  ]);
  assert.deepEqual(
    out.stream_quarantine.toRecords().map((r) => [
      r._sequence_number,
      r.reason,
      r.raw,
    ]),
    [["1", reason, raw]],
  );
}

Deno.test("micro-batch: a record nested too deep for polars is quarantined, the others cleaned", async () => {
  const deep = "[".repeat(20_000) + "]".repeat(20_000);
  await assertGeoQuarantined(
    rec("geo", "1", deep),
    "malformed JSON: nested deeper than 1000 levels",
    deep,
  );
});

Deno.test("micro-batch: a record whose data is not UTF-8 is quarantined, the others cleaned", async () => {
  // Valid JSON but for one byte 0xff inside a string: decoded leniently, it would be
  // cleaned with U+FFFD in its country.
  const bad = rec("geo", "1", { ...GEO, country: "Chad~" });
  bad.data = bad.data.map((b) => b === 0x7e ? 0xff : b);
  await assertGeoQuarantined(
    bad,
    "malformed UTF-8",
    JSON.stringify({ ...GEO, country: "Chad\ufffd" }),
  );
});

Deno.test("micro-batch: empty tables have the stream tables' columns and types", () => {
  const geo = emptyStreamTable("stream_geo");
  assert.equal(geo.height, 0);
  assert.deepEqual(
    Object.entries(geo.schema).map(([k, v]) => [k, String(v)]),
    [
      ["ind", String(pl.Int64)],
      ["country", String(pl.String)],
      ["coordinates", String(pl.List(pl.Float64))],
      ["timestamp", String(pl.Datetime("us"))],
      ["_shard_id", String(pl.String)],
      ["_sequence_number", String(pl.String)],
    ],
  );
  assert.deepEqual(emptyStreamTable("stream_quarantine").columns, [
    "table",
    "reason",
    "raw",
    "_shard_id",
    "_sequence_number",
  ]);
});
