/**
 * The source stage: the three course tables, generated deterministically and stored in SQLite
 * (embedded) or MySQL/MariaDB, read back one post at a time as the course's emulator does.
 *
 * @example
 * ```ts
 * import { openSqliteSource, seedSqlite, toCourseJson } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/source.db`;
 * await seedSqlite(path, { rows: 1000, seed: 42 });
 * const source = await openSqliteSource(path);
 * const { geo } = await source.readPost(7);
 * console.log(JSON.stringify(toCourseJson(geo)));
 * await source.close();
 * ```
 *
 * @module
 */

export type {
  GeoRecord,
  PinRecord,
  Post,
  SourceReader,
  TableName,
  UserRecord,
} from "./types.ts";
export {
  createGenerator,
  DEFAULT_ROWS,
  DEFAULT_SEED,
  type GenerateOptions,
  generatePosts,
  generateTables,
  MAX_ROWS,
  type SourceGenerator,
  type SourceTables,
} from "./generator.ts";
export {
  assignDirt,
  dirtOf,
  DIRTY_RATES,
  DIRTY_VALUES,
  dirtyCounts,
  type DirtyGroup,
  type RowDirt,
} from "./dirty.ts";
export { formatFollowers } from "./fields.ts";
export {
  type CourseJson,
  formatCourseDatetime,
  parseCourseDatetime,
  toCourseJson,
} from "./course_json.ts";
export { TABLE_COLUMNS, TABLES } from "./schema.ts";
export {
  openSqliteSource,
  type SeedOptions,
  type SeedProgress,
  seedSqlite,
  type SeedSummary,
} from "./sqlite_source.ts";
export {
  openMysqlSource,
  removeAbandonedSeeds,
  seedMysql,
} from "./mysql_source.ts";
export {
  isMysqlUrl,
  MARIADB_DEFAULT_URL,
  type MysqlUrlParts,
  parseMysqlUrl,
  redactMysqlUrl,
} from "./mysql_url.ts";
export {
  SeedTargetError,
  SourceAccessError,
  type SourceAccessErrorOptions,
  SourceNotFoundError,
  SourceOffsetError,
  type SourceOffsetErrorOptions,
  wrapMysqlError,
  type WrapMysqlErrorOptions,
} from "./errors.ts";
