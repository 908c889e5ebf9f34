/**
 * The course data's dirty values, the rates at which the generator plants them, and the
 * exact-count assignment of dirty values to rows.
 *
 * Rates are exact, not probabilistic: for `rows` rows, a value with rate `r` appears in exactly
 * `Math.round(r * rows)` rows, chosen by a seeded shuffle. Values in one group exclude each other
 * (a story-format pin is never also a video); values of different groups are independent.
 *
 * @module
 */

import { createRng, permutation } from "./prng.ts";

/**
 * The dirty strings of the course's tables, spelled exactly as there.
 *
 * @example
 * ```ts
 * import { DIRTY_VALUES } from "./dirty.ts";
 * console.log(DIRTY_VALUES.noTags); // N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e
 * ```
 */
export const DIRTY_VALUES = {
  /** `description` of story-format pins. */
  noDescription: "No description available Story format",
  /** `poster_name` and `follower_count` when the scraper failed on the user. */
  userInfoError: "User Info Error",
  /** `image_src` when the scraper failed on the image. */
  imageSrcError: "Image src error.",
  /** `tag_list` without tags (the string split into characters and re-joined). */
  noTags: "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e",
  /** `title` when the pin had none. */
  noTitle: "No Title Data Available",
  /** `is_image_or_video` of story pins. */
  storyFormat: "multi-video(story page format)",
  /** `save_location` prefix (every row; the path ends with the category). */
  saveLocationPrefix: "Local save in /data/",
} as const;

/**
 * Share of rows carrying each planted value. Each group lists values that exclude each other.
 *
 * | group | value | rate | effect |
 * |---|---|---|---|
 * | media | story | 3.5 % | `is_image_or_video` story format, `description` "No description available Story format" |
 * | media | video | 9 % | `is_image_or_video` = `video` (others `image`) |
 * | media | emptyDescription | 0.4 % | `description` = "" |
 * | title | noTitle | 2 % | `title` = "No Title Data Available" |
 * | title | emptyTitle | 0.4 % | `title` = "" |
 * | tags | noTags | 2.5 % | `tag_list` = "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e" |
 * | tags | emptyTags | 0.3 % | `tag_list` = "" |
 * | user | userInfoError | 1.5 % | `poster_name` and `follower_count` = "User Info Error" |
 * | user | emptyPosterName | 0.2 % | `poster_name` = "" |
 * | image | imageSrcError | 1.2 % | `image_src` = "Image src error.", `downloaded` = 0 |
 *
 * @example
 * ```ts
 * import { DIRTY_RATES } from "./dirty.ts";
 * console.log(Math.round(DIRTY_RATES.media.story * 11_000)); // 385 story-format pins
 * ```
 */
export const DIRTY_RATES = {
  media: { story: 0.035, video: 0.09, emptyDescription: 0.004 },
  title: { noTitle: 0.02, emptyTitle: 0.004 },
  tags: { noTags: 0.025, emptyTags: 0.003 },
  user: { userInfoError: 0.015, emptyPosterName: 0.002 },
  image: { imageSrcError: 0.012 },
} as const;

/**
 * A dirty-value group name.
 *
 * @example
 * ```ts
 * import { DIRTY_RATES, type DirtyGroup } from "./dirty.ts";
 * const groups = Object.keys(DIRTY_RATES) as DirtyGroup[];
 * console.log(groups.join(" ")); // media title tags user image
 * ```
 */
export type DirtyGroup = keyof typeof DIRTY_RATES;

/**
 * What a row carries in each group: the value's name, or `undefined` for a clean value.
 *
 * @example
 * ```ts
 * import type { RowDirt } from "./dirty.ts";
 * const dirt: RowDirt = { media: "video", user: "userInfoError" };
 * console.log(dirt.title ?? "clean title"); // clean title
 * ```
 */
export type RowDirt = { [G in DirtyGroup]?: keyof (typeof DIRTY_RATES)[G] };

const GROUPS = Object.keys(DIRTY_RATES) as DirtyGroup[];

/**
 * The exact number of rows that carry each value for a table of `rows` rows.
 *
 * @example
 * ```ts
 * import { dirtyCounts } from "./dirty.ts";
 * console.log(dirtyCounts(1000).title.noTitle); // 20
 * ```
 */
export function dirtyCounts(
  rows: number,
): { [G in DirtyGroup]: Record<keyof (typeof DIRTY_RATES)[G], number> } {
  const out: Record<string, Record<string, number>> = {};
  for (const group of GROUPS) {
    out[group] = {};
    for (const [name, rate] of Object.entries(DIRTY_RATES[group])) {
      out[group][name] = Math.round(rate * rows);
    }
  }
  return out as ReturnType<typeof dirtyCounts>;
}

/**
 * Assigns dirty values to rows: returns, per group, the value index (1-based, 0 = clean) of each row.
 *
 * @example
 * ```ts
 * import { assignDirt, dirtOf } from "./dirty.ts";
 * const plan = assignDirt(42, 100);
 * console.log(dirtOf(plan, 0)); // e.g. { title: "noTitle" } or {}
 * ```
 */
export function assignDirt(
  seed: number,
  rows: number,
): Record<DirtyGroup, Uint8Array> {
  const counts = dirtyCounts(rows);
  const plan = {} as Record<DirtyGroup, Uint8Array>;
  GROUPS.forEach((group, g) => {
    const marks = new Uint8Array(rows);
    const order = permutation(createRng(seed, 0xd1, g), rows);
    let at = 0;
    Object.values(counts[group]).forEach((count, k) => {
      for (let n = 0; n < count && at < rows; n++) marks[order[at++]] = k + 1;
    });
    plan[group] = marks;
  });
  return plan;
}

/**
 * The dirty values planted in row `i` of a plan made by {@linkcode assignDirt}.
 *
 * @example
 * ```ts
 * import { assignDirt, dirtOf } from "./dirty.ts";
 * console.log(dirtOf(assignDirt(1, 10), 3));
 * ```
 */
export function dirtOf(
  plan: Record<DirtyGroup, Uint8Array>,
  i: number,
): RowDirt {
  const out: Record<string, string> = {};
  for (const group of GROUPS) {
    const k = plan[group][i];
    if (k > 0) out[group] = Object.keys(DIRTY_RATES[group])[k - 1];
  }
  return out as RowDirt;
}
