/**
 * A small seeded pseudo-random number generator (sfc32) and the helpers the generator needs.
 *
 * The same seed always yields the same sequence on every platform: only 32-bit integer
 * arithmetic (`Math.imul`, `>>>`) is used, never `Math.random`.
 *
 * @module
 */

/**
 * A seeded random source.
 *
 * @example
 * ```ts
 * import { createRng, type Rng } from "./prng.ts";
 * const rng: Rng = createRng(42);
 * console.log(rng.int(1, 6), rng.pick(["a", "b", "c"])); // 5 b
 * ```
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** A 32-bit unsigned integer. */
  uint32(): number;
}

/**
 * Mixes any number of 32-bit integers into one well-spread 32-bit hash (murmur3 finaliser).
 *
 * @example
 * ```ts
 * import { mix32 } from "./prng.ts";
 * console.log(mix32(42, 7) === mix32(42, 7)); // true
 * ```
 */
export function mix32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h = (h << 13) | (h >>> 19);
    h = Math.imul(h, 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Creates an sfc32 generator seeded from the given integers.
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * const a = createRng(42, 0);
 * const b = createRng(42, 0);
 * console.log(a.int(1, 6) === b.int(1, 6)); // true
 * ```
 */
export function createRng(...seed: number[]): Rng {
  let a = mix32(...seed, 1);
  let b = mix32(...seed, 2);
  let c = mix32(...seed, 3);
  let d = 1;
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32();
  const next = () => uint32() / 4294967296;
  return {
    next,
    uint32,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}

/**
 * Picks from `[value, weight]` pairs with probability proportional to the weight.
 *
 * @example
 * ```ts
 * import { createRng, pickWeighted } from "./prng.ts";
 * const rng = createRng(1);
 * console.log(pickWeighted(rng, [["a", 3], ["b", 1]])); // b (this seed's first pick; "a" comes 3 times in 4)
 * const picks = Array.from({ length: 10_000 }, () => pickWeighted(rng, [["a", 3], ["b", 1]]));
 * console.log(picks.filter((p) => p === "a").length); // 7512: about 3 in 4
 * ```
 */
export function pickWeighted<T>(
  rng: Rng,
  pairs: readonly (readonly [T, number])[],
): T {
  let total = 0;
  for (const [, w] of pairs) total += w;
  let r = rng.next() * total;
  for (const [value, w] of pairs) {
    r -= w;
    if (r < 0) return value;
  }
  return pairs[pairs.length - 1][0];
}

/**
 * Returns a permutation of `0 .. n-1` (Fisher-Yates), deterministic for a given generator.
 *
 * @example
 * ```ts
 * import { createRng, permutation } from "./prng.ts";
 * console.log(Array.from(permutation(createRng(3), 5)).sort()); // [0, 1, 2, 3, 4]
 * ```
 */
export function permutation(rng: Rng, n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}
