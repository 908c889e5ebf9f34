/**
 * Cleaning of a micro-batch when its scratch folder (the output folder, where polars reads
 * each kind's records from a `raw-*.ndjson.tmp` file) cannot be written.
 */
import assert from "node:assert/strict";
import {
  cleanMicroBatch,
  emptyStreamTable,
  STREAM_TABLE_NAMES,
} from "./micro_batch.ts";
import { makeTestDir } from "../test_temp_dir.ts";

/** `promise`, or a rejection once `ms` passed without it settling. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("cleanMicroBatch: a kind without records writes no scratch file, so a scratch folder that cannot be written does not hang it", async () => {
  await using tmp = await makeTestDir();
  const tempDir = `${tmp.path}/missing`; // every scratch write there fails
  // Before: each kind was parsed through a scratch file, records or not; for a kind
  // without any, the failed write sent the parser into a line-by-line fallback that
  // split the empty list in two empty halves forever, its memory growing (the processor
  // hung on every batch that lacked a kind).
  const out = await within(
    3000,
    cleanMicroBatch({ pin: [], geo: [], user: [] }, { tempDir }),
  );
  for (const table of Object.values(STREAM_TABLE_NAMES)) {
    const expected = emptyStreamTable(table);
    assert.equal(out[table].height, 0);
    assert.deepEqual(out[table].columns, expected.columns);
    assert.deepEqual(
      out[table].dtypes.map(String),
      expected.dtypes.map(String),
    );
  }
});
