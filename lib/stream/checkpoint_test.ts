import assert from "node:assert/strict";
import {
  type Checkpoint,
  CHECKPOINT_FILE,
  readCheckpoint,
  writeCheckpoint,
} from "./checkpoint.ts";
import { StreamCheckpointError } from "./errors.ts";
import { SHARD_END } from "../log/mod.ts";

const GOOD: Checkpoint = {
  version: 1,
  batchId: 3,
  committedAt: 1_700_000_000_000,
  positions: {
    "streaming-p-pin": { "shardId-000000000000": "42" },
    "streaming-p-geo": { "shardId-000000000001": SHARD_END },
  },
};

Deno.test("checkpoint: written then read gives the same checkpoint; none yet gives batch 0", async () => {
  const dir = await Deno.makeTempDir();
  try {
    assert.deepEqual(await readCheckpoint(dir), {
      version: 1,
      batchId: 0,
      positions: {},
      committedAt: 0,
      rows: {},
    });
    await writeCheckpoint(dir, GOOD);
    assert.deepEqual(await readCheckpoint(dir), GOOD);
    // Row counts are kept when present (checkpoints written before them have none).
    const counted = { ...GOOD, rows: { stream_pin: 7, stream_geo: 0 } };
    await writeCheckpoint(dir, counted);
    assert.deepEqual(await readCheckpoint(dir), counted);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: a damaged file is refused with what is wrong with it", async () => {
  const cases: [string, string][] = [
    ["{", "is not valid JSON"],
    ["[]", "has unknown version undefined"],
    ["null", "is not an object"],
    [JSON.stringify({ ...GOOD, version: 0 }), "has unknown version 0"],
    [JSON.stringify({ ...GOOD, batchId: -1 }), "has no valid batchId"],
    [JSON.stringify({ ...GOOD, batchId: 1.5 }), "has no valid batchId"],
    [JSON.stringify({ ...GOOD, committedAt: "now" }), "has no committedAt"],
    [JSON.stringify({ ...GOOD, positions: null }), "has no positions"],
    [
      JSON.stringify({ ...GOOD, positions: { s: 1 } }),
      "has invalid positions for s",
    ],
    [
      JSON.stringify({ ...GOOD, positions: { s: { "shard-1": "4x" } } }),
      "has invalid sequence number for s/shard-1",
    ],
    [
      JSON.stringify({ ...GOOD, positions: { s: { "shard-1": 4 } } }),
      "has invalid sequence number for s/shard-1",
    ],
    [JSON.stringify({ ...GOOD, rows: [] }), "has invalid rows"],
    [JSON.stringify({ ...GOOD, rows: null }), "has invalid rows"],
    [
      JSON.stringify({ ...GOOD, rows: { stream_pin: -1 } }),
      "has an invalid row count for stream_pin",
    ],
  ];
  const dir = await Deno.makeTempDir();
  const path = `${dir}/${CHECKPOINT_FILE}`;
  try {
    for (const [text, problem] of cases) {
      await Deno.writeTextFile(path, text);
      const error = await readCheckpoint(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof StreamCheckpointError, text);
      assert.equal(error.code, "STREAM_CHECKPOINT");
      assert.deepEqual(error.context, { path });
      assert.equal(
        error.message,
        `Stream checkpoint ${path}: ${problem}. Point the processor at another output ` +
          `directory (--data-dir) or delete that directory to start over from the streams' start.`,
        text,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: one of a newer format is refused as such, not as damaged", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/${CHECKPOINT_FILE}`;
    await Deno.writeTextFile(path, JSON.stringify({ ...GOOD, version: 2 }));
    const error = await readCheckpoint(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof StreamCheckpointError, String(error));
    // Before: it said 'has unknown version 2' and advised deleting the output directory,
    // the tables' records past the streams' retention with it.
    assert.equal(
      error.message,
      `Stream checkpoint ${path}: was written by a newer version of the pipeline ` +
        `(checkpoint version 2; this one reads version 1). Run that version on it; ` +
        `the tables are kept as they are.`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint: a checkpoint path that cannot be read is an error, not a fresh start", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/${CHECKPOINT_FILE}`;
    await Deno.mkdir(path);
    const error = await readCheckpoint(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof StreamCheckpointError, String(error));
    assert.ok(
      error.cause instanceof Deno.errors.IsADirectory,
      String(error.cause),
    );
    // Before: the advice was to delete the output directory and start over, losing the
    // tables' records that are past the streams' retention, for a file that only could
    // not be read (no permission, say).
    assert.equal(
      error.message,
      `Stream checkpoint ${path}: cannot be read (Is a directory (os error 21): readfile ` +
        `'${path}'). Make it a file this user can read; the tables are kept as they are.`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
