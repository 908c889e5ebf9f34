/**
 * Column layouts of the three tables, raw (as posted) and clean (as written), the "no data"
 * placeholders, and the quarantine row shape.
 *
 * @module
 */

/**
 * The three cleaned tables.
 *
 * @example
 * ```ts
 * import { type CleanTable, RAW_COLUMNS } from "./schema.ts";
 * const table: CleanTable = "user";
 * console.log(RAW_COLUMNS[table]); // ["ind", "first_name", "last_name", "age", "date_joined"]
 * ```
 */
export type CleanTable = "pin" | "geo" | "user";

/**
 * Every cleaned table, in the order batch and stream process them.
 *
 * @example
 * ```ts
 * import { CLEAN_TABLES } from "./schema.ts";
 * console.log(CLEAN_TABLES.join(",")); // pin,geo,user
 * ```
 */
export const CLEAN_TABLES: readonly CleanTable[] = ["pin", "geo", "user"];

/**
 * Raw columns of each table: the course's JSON fields as the emulator posts them.
 *
 * @example
 * ```ts
 * import { RAW_COLUMNS } from "./schema.ts";
 * console.log(RAW_COLUMNS.geo); // ["ind", "timestamp", "latitude", "longitude", "country"]
 * ```
 */
export const RAW_COLUMNS: Readonly<Record<CleanTable, readonly string[]>> = {
  pin: [
    "index",
    "unique_id",
    "title",
    "description",
    "poster_name",
    "follower_count",
    "tag_list",
    "is_image_or_video",
    "image_src",
    "downloaded",
    "save_location",
    "category",
  ],
  geo: ["ind", "timestamp", "latitude", "longitude", "country"],
  user: ["ind", "first_name", "last_name", "age", "date_joined"],
};

/**
 * Columns of each cleaned table, in their fixed order.
 *
 * @example
 * ```ts
 * import { CLEAN_COLUMNS } from "./schema.ts";
 * console.log(CLEAN_COLUMNS.user); // ["ind", "user_name", "age", "date_joined"]
 * ```
 */
export const CLEAN_COLUMNS: Readonly<Record<CleanTable, readonly string[]>> = {
  pin: [
    "ind",
    "unique_id",
    "title",
    "description",
    "follower_count",
    "poster_name",
    "tag_list",
    "is_image_or_video",
    "image_src",
    "save_location",
    "category",
  ],
  geo: ["ind", "country", "coordinates", "timestamp"],
  user: ["ind", "user_name", "age", "date_joined"],
};

/**
 * Values that mean "no data" in the course's pin table; cleaning turns them into null.
 *
 * @example
 * ```ts
 * import { PLACEHOLDERS } from "./schema.ts";
 * console.log(PLACEHOLDERS.includes("User Info Error")); // true
 * ```
 */
export const PLACEHOLDERS: readonly string[] = [
  "",
  "No description available Story format",
  "No description available",
  "User Info Error",
  "Image src error.",
  "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
  "No Title Data Available",
];

/**
 * A record that could not be cleaned: kept whole with its table and the reason.
 *
 * @example
 * ```ts
 * import type { QuarantineRow } from "./schema.ts";
 * const row: QuarantineRow = { table: "pin", reason: "missing ind", raw: '{"title":"x"}' };
 * console.log(row.reason);
 * ```
 */
export interface QuarantineRow {
  /** The table the record was meant for: `pin`, `geo` or `user`. */
  table: CleanTable;
  /** Why it was set aside, e.g. `unparseable follower_count`. */
  reason: string;
  /** The raw record as received (the NDJSON line), or its fields as JSON text. */
  raw: string;
}

/**
 * Checks a table name coming from outside (a CLI flag, a topic suffix).
 *
 * @example
 * ```ts
 * import { isCleanTable } from "./schema.ts";
 * console.log(isCleanTable("geo"), isCleanTable("pins")); // true false
 * ```
 */
export function isCleanTable(name: string): name is CleanTable {
  return (CLEAN_TABLES as readonly string[]).includes(name);
}
