/**
 * The seeded, deterministic generator of the three course tables.
 *
 * Row `i` of `pinterest_data`, `geolocation_data` and `user_data` share the same `index`/`ind`,
 * so the tables join on it. `ind` values are unique, shuffled, and drawn from
 * `0 .. ceil(rows * 1.05) - 1`, like the course's gappy, unordered indexes. The same
 * `{ rows, seed }` always yields identical rows; each row depends only on the seed, its position
 * and `rows`, so rows can be produced lazily in any order.
 *
 * @module
 */

import { ConfigError } from "../errors.ts";
import { assignDirt, dirtOf, type DirtyGroup } from "./dirty.ts";
import { makeGeo, makePin, makeUser } from "./fields.ts";
import { createRng, permutation } from "./prng.ts";
import type { GeoRecord, PinRecord, Post, UserRecord } from "./types.ts";

/**
 * Rows per table when no count is given (the course's table size).
 *
 * @example
 * ```ts
 * import { createGenerator, DEFAULT_ROWS } from "./generator.ts";
 * console.log(createGenerator().rows === DEFAULT_ROWS, DEFAULT_ROWS); // true 11000
 * ```
 */
export const DEFAULT_ROWS = 11_000;
/**
 * Seed used when none is given.
 *
 * @example
 * ```ts
 * import { createGenerator, DEFAULT_SEED } from "./generator.ts";
 * console.log(createGenerator({ rows: 10 }).seed === DEFAULT_SEED, DEFAULT_SEED); // true 42
 * ```
 */
export const DEFAULT_SEED = 42;
/**
 * Largest accepted row count.
 *
 * @example
 * ```ts
 * import { createGenerator, MAX_ROWS } from "./generator.ts";
 * try {
 *   createGenerator({ rows: MAX_ROWS + 1 });
 * } catch (e) {
 *   console.log((e as Error).name); // ConfigError
 * }
 * ```
 */
export const MAX_ROWS = 10_000_000;

/**
 * Options of {@linkcode createGenerator}, {@linkcode generatePosts} and {@linkcode generateTables}.
 *
 * @example
 * ```ts
 * import { type GenerateOptions, generateTables } from "./generator.ts";
 * const options: GenerateOptions = { rows: 500, seed: 7 };
 * console.log(generateTables(options).user_data.length); // 500
 * ```
 */
export interface GenerateOptions {
  /** Rows per table (default 11,000). */
  rows?: number;
  /** Any 32-bit integer (default 42). */
  seed?: number;
}

/**
 * A generator of posts by row position.
 *
 * @example
 * ```ts
 * import { createGenerator, type SourceGenerator } from "./generator.ts";
 * const gen: SourceGenerator = createGenerator({ rows: 3, seed: 1 });
 * console.log(gen.rows, gen.seed, gen.post(0).geo.country); // 3 1 Romania
 * ```
 */
export interface SourceGenerator {
  /** Rows per table. */
  readonly rows: number;
  /** The seed. */
  readonly seed: number;
  /** The three rows at position `i` (0 .. rows-1). */
  post(i: number): Post;
}

/**
 * The three generated tables, row `i` of each sharing `index`/`ind`.
 *
 * @example
 * ```ts
 * import { generateTables, type SourceTables } from "./generator.ts";
 * const tables: SourceTables = generateTables({ rows: 3, seed: 1 });
 * console.log(tables.pinterest_data[0].index, tables.user_data[0].first_name); // 1 Kelly
 * ```
 */
export interface SourceTables {
  pinterest_data: PinRecord[];
  geolocation_data: GeoRecord[];
  user_data: UserRecord[];
}

function validate(options: GenerateOptions): { rows: number; seed: number } {
  const rows = options.rows ?? DEFAULT_ROWS;
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(rows) || rows < 1 || rows > MAX_ROWS) {
    throw new ConfigError(
      "rows",
      `must be a whole number from 1 to ${MAX_ROWS}`,
      { value: rows },
    );
  }
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32) {
    throw new ConfigError("seed", "must be a 32-bit whole number", {
      value: seed,
    });
  }
  return { rows, seed: seed >>> 0 };
}

/**
 * Creates a generator; `post(i)` builds row `i` of the three tables on demand.
 *
 * @example
 * ```ts
 * import { createGenerator } from "./generator.ts";
 * const gen = createGenerator({ rows: 100, seed: 7 });
 * const { pin, geo, user } = gen.post(0);
 * console.log(pin.index === geo.ind && geo.ind === user.ind); // true
 * ```
 */
export function createGenerator(
  options: GenerateOptions = {},
): SourceGenerator {
  const { rows, seed } = validate(options);
  const span = Math.ceil(rows * 1.05);
  const inds = permutation(createRng(seed, 0x1d), span).subarray(0, rows);
  const plan: Record<DirtyGroup, Uint8Array> = assignDirt(seed, rows);
  return {
    rows,
    seed,
    post(i: number): Post {
      if (!Number.isInteger(i) || i < 0 || i >= rows) {
        throw new RangeError(`row ${i} is outside 0..${rows - 1}`);
      }
      const ind = inds[i];
      const user = makeUser(createRng(seed, i, 0x05e4), ind);
      const geo = makeGeo(createRng(seed, i, 0x6e0), ind, {
        joined: user.date_joined,
      });
      const pin = makePin(createRng(seed, i, 0x714), ind, {
        dirt: dirtOf(plan, i),
      });
      return { pin, geo, user };
    },
  };
}

/**
 * Yields the posts of rows `0 .. rows-1` in order.
 *
 * @example
 * ```ts
 * import { generatePosts } from "./generator.ts";
 * for (const post of generatePosts({ rows: 3, seed: 1 })) console.log(post.pin.category);
 * ```
 */
export function* generatePosts(
  options: GenerateOptions = {},
): Generator<Post> {
  const gen = createGenerator(options);
  for (let i = 0; i < gen.rows; i++) yield gen.post(i);
}

/**
 * Generates the three tables in memory.
 *
 * @example
 * ```ts
 * import { generateTables } from "./generator.ts";
 * const t = generateTables({ rows: 11_000, seed: 42 });
 * console.log(t.pinterest_data.length, t.geolocation_data[0].ind === t.user_data[0].ind); // 11000 true
 * ```
 */
export function generateTables(options: GenerateOptions = {}): SourceTables {
  const tables: SourceTables = {
    pinterest_data: [],
    geolocation_data: [],
    user_data: [],
  };
  for (const { pin, geo, user } of generatePosts(options)) {
    tables.pinterest_data.push(pin);
    tables.geolocation_data.push(geo);
    tables.user_data.push(user);
  }
  return tables;
}
