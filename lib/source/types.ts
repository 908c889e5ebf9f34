/**
 * Records of the three course tables and the source-reader interface.
 *
 * Column names are exactly those of the course's RDS tables. Values keep their dirty forms
 * (`"User Info Error"`, `"12k"`, ...): cleaning happens downstream.
 *
 * @module
 */

/**
 * A row of `pinterest_data`.
 *
 * @example
 * ```ts
 * import { createGenerator } from "./generator.ts";
 * import type { PinRecord } from "./types.ts";
 * const pin: PinRecord = createGenerator({ rows: 3, seed: 1 }).post(0).pin;
 * console.log(pin.category, pin.follower_count, pin.is_image_or_video); // education 1M image
 * ```
 */
export interface PinRecord {
  index: number;
  unique_id: string;
  title: string;
  description: string;
  poster_name: string;
  /** Digits, `12k`, `1M`, or `User Info Error`. */
  follower_count: string;
  tag_list: string;
  is_image_or_video: string;
  image_src: string;
  /** 0 or 1. */
  downloaded: number;
  save_location: string;
  category: string;
}

/**
 * A row of `geolocation_data`.
 *
 * @example
 * ```ts
 * import type { GeoRecord } from "./types.ts";
 * const geo: GeoRecord = {
 *   ind: 7528, timestamp: new Date("2020-08-28T03:52:47Z"), latitude: -89.9787, longitude: -173.293, country: "Albania",
 * };
 * console.log(geo.timestamp instanceof Date ? geo.timestamp.getUTCFullYear() : geo.timestamp); // 2020
 * ```
 */
export interface GeoRecord {
  ind: number;
  /** A `Date`, or the source's own text when it is not a `YYYY-MM-DD HH:MM:SS` datetime. */
  timestamp: Date | string;
  latitude: number;
  longitude: number;
  country: string;
}

/**
 * A row of `user_data`.
 *
 * @example
 * ```ts
 * import { createGenerator } from "./generator.ts";
 * import type { UserRecord } from "./types.ts";
 * const user: UserRecord = createGenerator({ rows: 3, seed: 1 }).post(0).user;
 * console.log(user.first_name, user.last_name, user.age); // Kelly Gray 20
 * ```
 */
export interface UserRecord {
  ind: number;
  first_name: string;
  last_name: string;
  age: number;
  /** A `Date`, or the source's own text when it is not a `YYYY-MM-DD HH:MM:SS` datetime. */
  date_joined: Date | string;
}

/**
 * The three course table names.
 *
 * @example
 * ```ts
 * import { TABLE_COLUMNS } from "./schema.ts";
 * import type { TableName } from "./types.ts";
 * const table: TableName = "user_data";
 * console.log(TABLE_COLUMNS[table].length); // 5
 * ```
 */
export type TableName = "pinterest_data" | "geolocation_data" | "user_data";

/**
 * One emulated post: the rows at the same offset of the three tables.
 *
 * @example
 * ```ts
 * import { createGenerator } from "./generator.ts";
 * import type { Post } from "./types.ts";
 * const post: Post = createGenerator({ rows: 3, seed: 1 }).post(0);
 * console.log(post.pin.index, post.geo.ind, post.user.ind); // 1 1 1
 * ```
 */
export interface Post {
  pin: PinRecord;
  geo: GeoRecord;
  user: UserRecord;
}

/**
 * Reads source rows the way the course's emulator does: the same offset in each table.
 *
 * @example
 * ```ts
 * import type { SourceReader } from "./types.ts";
 * async function first(reader: SourceReader) {
 *   const post = await reader.readPost(0);
 *   console.log(post.pin.category, post.geo.country, post.user.age);
 * }
 * ```
 */
export interface SourceReader {
  /** The number of rows of the smallest table: valid offsets are `0 .. rowCount()-1`. */
  rowCount(): Promise<number>;
  /** `SELECT * FROM t LIMIT ?, 1` in each table, with the offset bound, never spliced. */
  readPost(offset: number): Promise<Post>;
  /** Closes the connection or file. */
  close(): Promise<void>;
  /** Where the rows come from, for people (no password). */
  readonly location: string;
}
