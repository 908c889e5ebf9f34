/**
 * The warehouse: one Parquet file per table (`{dir}/{table}.parquet`), replaced atomically.
 *
 * All tables of a run are first written into a temp folder inside the warehouse, fsynced, and
 * then renamed over the old files one by one, so each file is always either the old or the
 * new table, never a partial one.
 *
 * @module
 */
import { join } from "node:path";
import {
  type DataFrame,
  pl,
  type QuarantineRow,
  readParquetFile,
  sinkParquetFile,
} from "../clean/mod.ts";
import { WarehouseMissingError, WarehouseWriteError } from "./errors.ts";

/**
 * Tables the batch writes: the three clean tables and the quarantine.
 *
 * @example
 * ```ts
 * import { WAREHOUSE_TABLES } from "./warehouse.ts";
 * console.log(WAREHOUSE_TABLES.length); // 4
 * ```
 */
export const WAREHOUSE_TABLES = ["pin", "geo", "user", "quarantine"] as const;

/** A table of the warehouse. */
export type WarehouseTable = (typeof WAREHOUSE_TABLES)[number];

/**
 * Path of a table's Parquet file.
 *
 * @example
 * ```ts
 * import { tablePath } from "./warehouse.ts";
 * console.log(tablePath(".data/warehouse", "pin")); // .data/warehouse/pin.parquet
 * ```
 */
export function tablePath(dir: string, table: string): string {
  return join(dir, `${table}.parquet`);
}

/**
 * The quarantine rows as a frame with text columns `table`, `reason`, `raw`.
 *
 * @example
 * ```ts
 * import { quarantineFrame } from "./warehouse.ts";
 * const df = quarantineFrame([{ table: "pin", reason: "missing ind", raw: "{}" }]);
 * console.log(df.columns, df.height); // ["table", "reason", "raw"] 1
 * ```
 */
export function quarantineFrame(rows: readonly QuarantineRow[]): DataFrame {
  return pl.DataFrame([
    pl.Series("table", rows.map((r) => r.table), pl.Utf8),
    pl.Series("reason", rows.map((r) => r.reason), pl.Utf8),
    pl.Series("raw", rows.map((r) => r.raw), pl.Utf8),
  ]);
}

/**
 * Writes `tables` into `dir` (created if needed), replacing each file atomically.
 *
 * @example
 * ```ts
 * import { pl } from "../clean/mod.ts";
 * import { readWarehouse, writeWarehouse } from "./warehouse.ts";
 * const dir = await Deno.makeTempDir();
 * await writeWarehouse(dir, { geo: pl.DataFrame({ ind: [1] }) });
 * console.log((await readWarehouse(dir, ["geo"])).geo.height); // 1
 * ```
 */
export async function writeWarehouse(
  dir: string,
  tables: Readonly<Record<string, DataFrame>>,
): Promise<void> {
  const staging = join(dir, `.tmp-${crypto.randomUUID()}`);
  try {
    await Deno.mkdir(staging, { recursive: true });
    for (const [name, df] of Object.entries(tables)) {
      const path = tablePath(staging, name);
      await sinkParquetFile(df, path);
      using file = await Deno.open(path, { read: true, write: true });
      await file.sync();
    }
    for (const name of Object.keys(tables)) {
      await Deno.rename(tablePath(staging, name), tablePath(dir, name));
    }
  } catch (e) {
    throw new WarehouseWriteError(dir, e);
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

/**
 * Reads the named tables; throws {@linkcode WarehouseMissingError} listing any that are absent.
 *
 * @example
 * ```ts
 * import { readWarehouse } from "./warehouse.ts";
 * try {
 *   await readWarehouse(await Deno.makeTempDir(), ["pin"]);
 * } catch (e) {
 *   console.log((e as Error).message); // ... run `deno task batch` first ...
 * }
 * ```
 */
export async function readWarehouse<T extends string>(
  dir: string,
  tables: readonly T[],
): Promise<Record<T, DataFrame>> {
  const missing: string[] = [];
  for (const t of tables) {
    try {
      if (!(await Deno.stat(tablePath(dir, t))).isFile) missing.push(t);
    } catch {
      missing.push(t);
    }
  }
  if (missing.length > 0) throw new WarehouseMissingError(dir, missing);
  const out = {} as Record<T, DataFrame>;
  for (const t of tables) out[t] = readParquetFile(tablePath(dir, t));
  return out;
}
