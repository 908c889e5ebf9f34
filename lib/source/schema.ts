/**
 * Column definitions of the three course tables and the SQL both stores share: DDL, multi-row
 * INSERT and the course's single-row read, always with `?` placeholders.
 *
 * @module
 */

import { formatCourseDatetime, parseCourseDatetime } from "./course_json.ts";
import type { TableName } from "./types.ts";

/**
 * A column's logical type.
 *
 * @example
 * ```ts
 * import { type ColumnKind, TABLE_COLUMNS } from "./schema.ts";
 * const kinds = new Map<string, ColumnKind>(TABLE_COLUMNS.geolocation_data);
 * console.log(kinds.get("timestamp"), kinds.get("latitude")); // datetime float
 * ```
 */
export type ColumnKind = "int" | "text" | "float" | "datetime";
/**
 * SQL dialect of a store.
 *
 * @example
 * ```ts
 * import { type Dialect, quoteIdent } from "./schema.ts";
 * const dialect: Dialect = "mysql";
 * console.log(quoteIdent(dialect, "index")); // `index`
 * ```
 */
export type Dialect = "sqlite" | "mysql";

/**
 * The columns of each table, in the course's order.
 *
 * @example
 * ```ts
 * import { TABLE_COLUMNS } from "./schema.ts";
 * console.log(TABLE_COLUMNS.user_data.map(([name]) => name)); // ind, first_name, last_name, age, date_joined
 * ```
 */
export const TABLE_COLUMNS: Record<
  TableName,
  readonly (readonly [string, ColumnKind])[]
> = {
  pinterest_data: [
    ["index", "int"],
    ["unique_id", "text"],
    ["title", "text"],
    ["description", "text"],
    ["poster_name", "text"],
    ["follower_count", "text"],
    ["tag_list", "text"],
    ["is_image_or_video", "text"],
    ["image_src", "text"],
    ["downloaded", "int"],
    ["save_location", "text"],
    ["category", "text"],
  ],
  geolocation_data: [
    ["ind", "int"],
    ["timestamp", "datetime"],
    ["latitude", "float"],
    ["longitude", "float"],
    ["country", "text"],
  ],
  user_data: [
    ["ind", "int"],
    ["first_name", "text"],
    ["last_name", "text"],
    ["age", "int"],
    ["date_joined", "datetime"],
  ],
};

/**
 * The table names, in the order posts are read.
 *
 * @example
 * ```ts
 * import { TABLES } from "./schema.ts";
 * console.log(TABLES); // [ "pinterest_data", "geolocation_data", "user_data" ]
 * ```
 */
export const TABLES: readonly TableName[] = [
  "pinterest_data",
  "geolocation_data",
  "user_data",
];

const SQL_TYPES: Record<Dialect, Record<ColumnKind, string>> = {
  sqlite: { int: "INTEGER", text: "TEXT", float: "REAL", datetime: "TEXT" },
  mysql: { int: "INT", text: "TEXT", float: "DOUBLE", datetime: "DATETIME" },
};

/**
 * Quotes a table or column name for a dialect (`index` is a reserved word in both).
 *
 * @example
 * ```ts
 * import { quoteIdent } from "./schema.ts";
 * console.log(quoteIdent("mysql", "index"), quoteIdent("sqlite", "index")); // `index` "index"
 * ```
 */
export function quoteIdent(dialect: Dialect, name: string): string {
  return dialect === "mysql" ? `\`${name}\`` : `"${name}"`;
}

/**
 * `CREATE TABLE` for a table (no key: rows keep insertion order, like the course's RDS dump).
 *
 * @example
 * ```ts
 * import { createTableSql } from "./schema.ts";
 * console.log(createTableSql("mysql", "user_data"));
 * ```
 */
export function createTableSql(dialect: Dialect, table: TableName): string {
  const cols = TABLE_COLUMNS[table].map(([name, kind]) =>
    `${quoteIdent(dialect, name)} ${SQL_TYPES[dialect][kind]}`
  );
  return `CREATE TABLE ${quoteIdent(dialect, table)} (${cols.join(", ")})`;
}

/**
 * How many rows an {@linkcode insertSql} statement inserts.
 *
 * @example
 * ```ts
 * import { insertSql, type InsertSqlOptions } from "./schema.ts";
 * const options: InsertSqlOptions = { rows: 3 };
 * console.log(insertSql("mysql", "user_data", options).split("), (").length); // 3
 * ```
 */
export interface InsertSqlOptions {
  /** Rows per statement: the number of `(?, ...)` placeholder groups. */
  rows: number;
}

/**
 * A multi-row `INSERT` with `rows` groups of `?` placeholders.
 *
 * @example
 * ```ts
 * import { insertSql } from "./schema.ts";
 * console.log(insertSql("sqlite", "user_data", { rows: 2 }));
 * ```
 */
export function insertSql(
  dialect: Dialect,
  table: TableName,
  { rows }: InsertSqlOptions,
): string {
  const cols = TABLE_COLUMNS[table];
  const group = `(${cols.map(() => "?").join(", ")})`;
  const names = cols.map(([name]) => quoteIdent(dialect, name)).join(", ");
  return `INSERT INTO ${quoteIdent(dialect, table)} (${names}) VALUES ${
    Array(rows).fill(group).join(", ")
  }`;
}

/**
 * The course's read of one row at a bound offset: `LIMIT ?, 1` (MySQL) / `LIMIT 1 OFFSET ?`.
 *
 * @example
 * ```ts
 * import { selectRowSql } from "./schema.ts";
 * console.log(selectRowSql("mysql", "pinterest_data")); // SELECT * FROM `pinterest_data` LIMIT ?, 1
 * ```
 */
export function selectRowSql(dialect: Dialect, table: TableName): string {
  const t = quoteIdent(dialect, table);
  return dialect === "mysql"
    ? `SELECT * FROM ${t} LIMIT ?, 1`
    : `SELECT * FROM ${t} LIMIT 1 OFFSET ?`;
}

/**
 * The values of a record in column order, datetimes as `YYYY-MM-DD HH:MM:SS` text.
 *
 * @example
 * ```ts
 * import { toSqlValues } from "./schema.ts";
 * const user = { ind: 1, first_name: "A", last_name: "B", age: 30, date_joined: new Date(0) };
 * console.log(toSqlValues("user_data", user)); // [1, "A", "B", 30, "1970-01-01 00:00:00"]
 * ```
 */
export function toSqlValues(
  table: TableName,
  record: object,
): (string | number)[] {
  const values = record as Record<string, unknown>;
  return TABLE_COLUMNS[table].map(([name, kind]) => {
    const v = values[name];
    return kind === "datetime" ? formatCourseDatetime(v as Date) : v as number;
  });
}

/**
 * Builds a record from a database row in column order: numbers as numbers, datetimes as `Date`.
 * Datetime text of another shape than `YYYY-MM-DD HH:MM:SS`, or that a `Date` would not give
 * back (MySQL's zero date `0000-00-00 00:00:00`, a `DATETIME(6)`'s microseconds), stays that
 * text, as the course's `json.dumps(..., default=str)` posts it; a missing column stays
 * `undefined`.
 *
 * @example
 * ```ts
 * import { fromSqlRow } from "./schema.ts";
 * const row = { ind: 1, first_name: "A", last_name: "B", age: 30, date_joined: "2016-01-01 00:00:00" };
 * console.log(fromSqlRow("user_data", row)); // { ind: 1, ..., date_joined: 2016-01-01T00:00:00.000Z }
 * ```
 */
export function fromSqlRow(
  table: TableName,
  row: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, kind] of TABLE_COLUMNS[table]) {
    const v = row[name];
    if (v === null || v === undefined) out[name] = v;
    else if (kind === "datetime") {
      out[name] = v instanceof Date
        ? v
        : parseCourseDatetime(String(v)) ?? String(v);
    } else if (kind === "int" || kind === "float") out[name] = Number(v);
    else out[name] = String(v);
  }
  return out;
}
