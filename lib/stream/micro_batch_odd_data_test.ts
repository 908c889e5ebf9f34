/**
 * Micro-batch cleaning of records whose `Data` no gateway would post but any Kinesis
 * producer can: blank text of other kinds than spaces, and records aggregated by the
 * Kinesis Producer Library. Each is one quarantine row; the batch is not failed.
 */
import assert from "node:assert/strict";
import type { StreamRecord } from "../log/types.ts";
import { cleanMicroBatch } from "./micro_batch.ts";

const USER = {
  ind: 7528,
  first_name: "Abigail",
  last_name: "Ali",
  age: 20,
  date_joined: "2015-10-24 11:23:51",
};

function rec(seq: string, data: Uint8Array): StreamRecord {
  return {
    stream: "streaming-test-user",
    shardId: "shardId-000000000000",
    sequenceNumber: seq,
    partitionKey: "k",
    arrivalTimestamp: 0,
    data,
  };
}

const text = (s: string) => new TextEncoder().encode(s);

/** Cleans `data` (sequence number 1) before a good user record (2). */
async function quarantined(data: Uint8Array) {
  const out = await cleanMicroBatch({
    pin: [],
    geo: [],
    user: [rec("1", data), rec("2", text(JSON.stringify(USER)))],
  });
  return {
    clean: out.stream_user.getColumn("_sequence_number").toArray(),
    rejected: out.stream_quarantine.toRecords().map((r) => [
      r._sequence_number,
      r.table,
      r.reason,
    ]),
  };
}

Deno.test("micro-batch: a record of blank text (no-break space, vertical tab, form feed, line separator) is an empty record, the batch not failed", async () => {
  for (const blank of ["\u00a0", "\v", "\f", "\u2028", " \u00a0\r\n"]) {
    assert.deepEqual(await quarantined(text(blank)), {
      clean: ["2"],
      rejected: [["1", "user", "empty record"]],
    }, JSON.stringify(blank));
  }
});

Deno.test("micro-batch: a KPL-aggregated record is quarantined as such, not as malformed UTF-8", async () => {
  // The KPL's magic number, then the protobuf AggregatedRecord (here: one partition key).
  const kpl = new Uint8Array([0xf3, 0x89, 0x9a, 0xc2, 0x0a, 0x01, 0x6b]);
  assert.deepEqual(await quarantined(kpl), {
    clean: ["2"],
    rejected: [[
      "1",
      "user",
      "KPL-aggregated record (de-aggregate it, or post records one by one)",
    ]],
  });
});

Deno.test("micro-batch: a record not UTF-8 that decodes to another record's text is the one quarantined", async () => {
  // Record 1 holds U+FFFD as UTF-8 (valid); record 2 a lone 0xff where record 1 has it,
  // which a lenient decoder turns into the same text.
  const json = JSON.stringify({ ...USER, first_name: "Abig~il" });
  const valid = text(json.replace("~", "\ufffd"));
  const invalid = text(json).map((b) => b === 0x7e ? 0xff : b);
  const out = await cleanMicroBatch({
    pin: [],
    geo: [],
    user: [rec("1", valid), rec("2", invalid)],
  });
  assert.deepEqual(out.stream_user.getColumn("_sequence_number").toArray(), [
    "1",
  ]);
  assert.deepEqual(
    out.stream_quarantine.toRecords().map((r) => [
      r._sequence_number,
      r.reason,
    ]),
    [["2", "malformed UTF-8"]],
  );
});
