/**
 * The MySQL/MariaDB source (the course's RDS), on `mysql2` — the only module importing it.
 *
 * `openMysqlSource` reads posts exactly as the course's emulator did,
 * `SELECT * FROM pinterest_data LIMIT ?, 1` with the offset bound by a server-side prepared
 * statement. `seedMysql` loads generated tables into staging tables and swaps them in with one
 * atomic `RENAME TABLE`, so readers never see a half-loaded source.
 *
 * @module
 */

import mysql from "mysql2/promise";
import {
  SourceAccessError,
  SourceNotFoundError,
  SourceOffsetError,
  wrapMysqlError,
} from "./errors.ts";
import { createGenerator } from "./generator.ts";
import { mysqlSslOption } from "./mysql_tls.ts";
import { parseMysqlUrl, redactMysqlUrl } from "./mysql_url.ts";
import {
  createTableSql,
  fromSqlRow,
  insertSql,
  selectRowSql,
  TABLES,
  toSqlValues,
} from "./schema.ts";
import type { SeedOptions, SeedSummary } from "./sqlite_source.ts";
import type { Post, SourceReader, TableName } from "./types.ts";

/** Rows per multi-row INSERT when seeding (12 columns x 500 = 6,000 bound values). */
const INSERT_BATCH = 500;
/** Named lock serialising the final table swap of concurrent seeds. */
const SWAP_LOCK = "pinterest_source_seed";
/** The named lock a seed holds while it runs: its tables are in use while the lock is held. */
const seedLock = (tag: string) => `${SWAP_LOCK}_${tag}`;
/** A seed's staging (`__seed_`) and replaced (`__old_`) tables; group 1 is the seed's tag. */
const SEED_TABLE =
  /^(?:pinterest_data|geolocation_data|user_data)__(?:seed|old)_([0-9a-f]{8})$/;

/** mysql2's settings for `url`; TLS ones when the URL asks for TLS (`?ssl=rds`...). */
async function connectionConfig(url: string) {
  const p = parseMysqlUrl(url);
  const ssl = await mysqlSslOption(url);
  return {
    ...(ssl === undefined ? {} : { ssl }),
    host: p.host,
    port: p.port,
    user: p.user,
    password: p.password,
    database: p.database,
    dateStrings: true,
    charset: "utf8mb4",
    connectTimeout: 10_000,
  };
}

/** mysql2's column type of a `FLOAT` (single precision) column. */
const FLOAT_TYPE = 4;

/**
 * The shortest decimal that is the same float32 as `value`: what MySQL prints for a `FLOAT`
 * (-89.9787), as the course's emulator (pymysql, text protocol) read it. A prepared
 * statement's binary result gives the float32's exact value instead (-89.97869873046875).
 * (MariaDB prints 6 significant digits; the two agree up to 6.)
 */
function shortestFloat32(value: number): number {
  for (let digits = 1; digits < 10; digits++) {
    const near = Number(value.toPrecision(digits));
    if (Math.fround(near) === value) return near;
  }
  return value;
}

/** How long a read waits for the server's answer by default. */
const READ_TIMEOUT_MS = 30_000;

/**
 * Options of {@linkcode openMysqlSource}.
 *
 * @example
 * ```ts
 * import { openMysqlSource, type OpenMysqlSourceOptions } from "./mysql_source.ts";
 * const options: OpenMysqlSourceOptions = { readTimeoutMs: 5_000, connections: 12 };
 * const source = await openMysqlSource("mysql://pinterest:pinterest@127.0.0.1:3306/pinterest", options);
 * await source.close();
 * ```
 */
export interface OpenMysqlSourceOptions {
  /**
   * A read the server has not answered in this many milliseconds fails (retryable) and its
   * connection is closed; default 30,000. Without it a read waits as long as a lock on the
   * table (`lock_wait_timeout`: a year by default) or a connection a failover dropped.
   */
  readTimeoutMs?: number;
  /** Connections open at most, the reads run at once (default 4); a post takes 3 reads. */
  connections?: number;
}

/**
 * Runs `run` on a connection of `pool`; when it has not settled after `timeoutMs`, rejects
 * with `onTimeout()` and destroys the connection (its answer may still come: it is not
 * reused), so the pool opens a new one.
 */
async function withTimeout<T>(
  pool: mysql.Pool,
  job: {
    timeoutMs: number;
    onTimeout: () => Error;
    run: (conn: mysql.PoolConnection) => Promise<T>;
  },
): Promise<T> {
  const conn = await pool.getConnection();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut = false;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      conn.destroy();
      reject(job.onTimeout());
    }, job.timeoutMs);
  });
  try {
    return await Promise.race([job.run(conn), expired]);
  } finally {
    clearTimeout(timer);
    if (!timedOut) conn.release();
  }
}

/**
 * Opens a MySQL/MariaDB database holding the three course tables as a {@linkcode SourceReader}.
 *
 * @throws {SourceNotFoundError} when the database or a table is missing.
 * @throws {SourceAccessError} when the server cannot be reached or refuses the login.
 * @example
 * ```ts
 * import { openMysqlSource } from "./mysql_source.ts";
 * const source = await openMysqlSource("mysql://pinterest:pinterest@127.0.0.1:3306/pinterest");
 * const post = await source.readPost(0);
 * console.log(post.pin.index, post.geo.country);
 * await source.close();
 * ```
 */
export async function openMysqlSource(
  url: string,
  options: OpenMysqlSourceOptions = {},
): Promise<SourceReader> {
  const location = redactMysqlUrl(url);
  const timeoutMs = options.readTimeoutMs ?? READ_TIMEOUT_MS;
  const pool = mysql.createPool({
    ...(await connectionConfig(url)),
    connectionLimit: options.connections ?? 4,
  });
  /** `run` on a pool connection, failing (retryable) after `timeoutMs` as `doing`. */
  const timed = <T>(
    doing: string,
    run: (c: mysql.PoolConnection) => Promise<T>,
  ) =>
    withTimeout(pool, {
      timeoutMs,
      onTimeout: () =>
        new SourceAccessError(
          location,
          `${doing} failed: no answer within ${
            timeoutMs / 1000
          } s (a table locked by another session, a failover?)`,
          { retryable: true, context: { timeoutMs } },
        ),
      run,
    });
  /** The row count of the smallest table. */
  const countRows = async (): Promise<number> => {
    const counts: number[] = [];
    for (const t of TABLES) {
      const [found] = await timed(
        "counting rows",
        (c) =>
          c.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${t}\``),
      );
      counts.push(Number(found[0].n));
    }
    return Math.min(...counts);
  };
  let rows: number;
  try {
    const [present] = await pool.query<mysql.RowDataPacket[]>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()",
    );
    const names = new Set(present.map((r) => String(r.t)));
    const missing = TABLES.filter((t) => !names.has(t));
    if (missing.length > 0) {
      throw new SourceNotFoundError(
        location,
        `the database lacks the table(s) ${missing.join(", ")}`,
      );
    }
    rows = await countRows();
  } catch (err) {
    await pool.end().catch(() => {});
    throw wrapMysqlError(err, { url, doing: "opening the source" });
  }
  const read = async (table: TableName, offset: number) => {
    const [found, fields] = await timed(
      `reading row ${offset}`,
      (c) =>
        c.execute<mysql.RowDataPacket[]>(selectRowSql("mysql", table), [
          String(offset),
        ]),
    );
    if (found.length === 0) {
      throw new SourceOffsetError(location, offset, { rowCount: rows });
    }
    const row = found[0];
    for (const { name, columnType } of fields) {
      if (columnType === FLOAT_TYPE && typeof row[name] === "number") {
        row[name] = shortestFloat32(row[name]);
      }
    }
    return fromSqlRow(table, row);
  };
  return {
    location,
    async rowCount(): Promise<number> {
      try {
        rows = await countRows();
        return rows;
      } catch (err) {
        throw wrapMysqlError(err, { url, doing: "counting rows" });
      }
    },
    async readPost(offset: number): Promise<Post> {
      if (!Number.isInteger(offset) || offset < 0 || offset >= rows) {
        throw new SourceOffsetError(location, offset, { rowCount: rows });
      }
      try {
        const [pin, geo, user] = await Promise.all([
          read("pinterest_data", offset),
          read("geolocation_data", offset),
          read("user_data", offset),
        ]);
        return { pin, geo, user } as unknown as Post;
      } catch (err) {
        throw wrapMysqlError(err, { url, doing: `reading row ${offset}` });
      }
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}

/**
 * Drops the tables that seeds which were killed (Ctrl-C, a lost connection) left in the
 * database at `url`: their staging tables stay, empty or not, since DDL is not rolled back.
 * A running seed holds its named lock, so its tables are kept. Returns the names dropped.
 *
 * @example
 * ```ts
 * import { removeAbandonedSeeds } from "./mysql_source.ts";
 * const dropped = await removeAbandonedSeeds("mysql://pinterest:pinterest@127.0.0.1:3306/pinterest");
 * console.log(dropped); // e.g. ["pinterest_data__seed_01bea3d6", ...]
 * ```
 */
export async function removeAbandonedSeeds(url: string): Promise<string[]> {
  const conn = await mysql.createConnection(await connectionConfig(url)).catch(
    (err) => {
      throw wrapMysqlError(err, { url, doing: "connecting" });
    },
  );
  try {
    const [tables] = await conn.query<mysql.RowDataPacket[]>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()",
    );
    const dropped: string[] = [];
    for (const { t } of tables) {
      const tag = SEED_TABLE.exec(String(t))?.[1];
      if (tag === undefined) continue;
      const [[lock]] = await conn.query<mysql.RowDataPacket[]>(
        "SELECT IS_FREE_LOCK(?) AS free",
        [seedLock(tag)],
      );
      if (Number(lock.free) !== 1) continue; // its seed is running
      await conn.query(`DROP TABLE IF EXISTS \`${t}\``);
      dropped.push(String(t));
    }
    return dropped;
  } catch (err) {
    throw wrapMysqlError(err, {
      url,
      doing: "removing a killed seed's tables",
    });
  } finally {
    await conn.end().catch(() => {});
  }
}

/**
 * Creates the three course tables in a MySQL/MariaDB database and loads generated rows in
 * batches, replacing any existing tables of those names in one atomic swap. The tables of
 * seeds that were killed are dropped first ({@linkcode removeAbandonedSeeds}).
 *
 * @example
 * ```ts
 * import { seedMysql } from "./mysql_source.ts";
 * const summary = await seedMysql("mysql://pinterest:pinterest@127.0.0.1:3306/pinterest", {
 *   rows: 11_000,
 *   onProgress: ({ rows, total }) => console.log(`${rows}/${total}`),
 * });
 * console.log(summary.elapsedMs);
 * ```
 */
export async function seedMysql(
  url: string,
  options: SeedOptions = {},
): Promise<SeedSummary> {
  const started = performance.now();
  const gen = createGenerator(options);
  const every = options.progressEvery ?? 1000;
  const conn = await mysql.createConnection(await connectionConfig(url)).catch(
    (err) => {
      throw wrapMysqlError(err, { url, doing: "connecting" });
    },
  );
  // Unique staging names: concurrent seeds never touch each other's tables.
  const tag = crypto.randomUUID().slice(0, 8);
  const staged = (t: TableName) => `\`${t}__seed_${tag}\``;
  const old = (t: TableName) => `\`${t}__old_${tag}\``;
  try {
    // Held until the connection ends, however it ends: a later seed then drops the tables.
    await conn.query("SELECT GET_LOCK(?, 0)", [seedLock(tag)]);
    await removeAbandonedSeeds(url);
    for (const t of TABLES) {
      await conn.query(
        createTableSql("mysql", t).replace(`\`${t}\``, staged(t)),
      );
    }
    await conn.beginTransaction();
    let reported = 0;
    for (let from = 0; from < gen.rows; from += INSERT_BATCH) {
      const to = Math.min(gen.rows, from + INSERT_BATCH);
      const values: Record<TableName, (string | number)[]> = {
        pinterest_data: [],
        geolocation_data: [],
        user_data: [],
      };
      for (let i = from; i < to; i++) {
        const { pin, geo, user } = gen.post(i);
        values.pinterest_data.push(...toSqlValues("pinterest_data", pin));
        values.geolocation_data.push(...toSqlValues("geolocation_data", geo));
        values.user_data.push(...toSqlValues("user_data", user));
      }
      for (const t of TABLES) {
        const sql = insertSql("mysql", t, { rows: to - from }).replace(
          `\`${t}\``,
          staged(t),
        );
        await conn.execute(sql, values[t]);
      }
      if (to - reported >= every && to < gen.rows) {
        reported = to - (to % every);
        options.onProgress?.({ rows: reported, total: gen.rows });
      }
    }
    await conn.commit();
    await conn.query("SELECT GET_LOCK(?, 60)", [SWAP_LOCK]);
    try {
      const [existing] = await conn.query<mysql.RowDataPacket[]>(
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()",
      );
      const names = new Set(existing.map((r) => String(r.t)));
      const renames = TABLES.flatMap((t) =>
        names.has(t)
          ? [`\`${t}\` TO ${old(t)}`, `${staged(t)} TO \`${t}\``]
          : [`${staged(t)} TO \`${t}\``]
      );
      await conn.query(`RENAME TABLE ${renames.join(", ")}`);
    } finally {
      await conn.query("SELECT RELEASE_LOCK(?)", [SWAP_LOCK]);
    }
    await conn.query(
      `DROP TABLE IF EXISTS ${TABLES.map(old).join(", ")}`,
    );
  } catch (err) {
    await conn.query(`DROP TABLE IF EXISTS ${TABLES.map(staged).join(", ")}`)
      .catch(() => {});
    throw wrapMysqlError(err, { url, doing: "seeding" });
  } finally {
    await conn.end().catch(() => {});
  }
  options.onProgress?.({ rows: gen.rows, total: gen.rows });
  return {
    location: redactMysqlUrl(url),
    rows: gen.rows,
    seed: gen.seed,
    elapsedMs: performance.now() - started,
  };
}
