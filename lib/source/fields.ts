/**
 * Builders of one row of each course table from a seeded generator and the row's planted dirt.
 *
 * @module
 */

import { DIRTY_VALUES, type RowDirt } from "./dirty.ts";
import { pickWeighted, type Rng } from "./prng.ts";
import type { GeoRecord, PinRecord, UserRecord } from "./types.ts";
import {
  ADJECTIVES,
  AUDIENCES,
  BRAND_WORDS,
  CATEGORIES,
  DESCRIPTION_SENTENCES,
  POSTER_SUFFIXES,
  TITLE_TEMPLATES,
} from "./vocab_pins.ts";
import { COUNTRIES, FIRST_NAMES, LAST_NAMES } from "./vocab_people.ts";

const CATEGORY_WEIGHTS = CATEGORIES.map((c) => [c, c.weight] as const);
const COUNTRY_WEIGHTS = COUNTRIES.map((c) => [c, c[1]] as const);
/** Age bands `[min, max]` and their shares (a few under-18s, as in the course data). */
const AGE_BANDS: readonly (readonly [readonly [number, number], number])[] = [
  [[13, 17], 1.5],
  [[18, 24], 28],
  [[25, 34], 30],
  [[35, 49], 25],
  [[50, 64], 12],
  [[65, 80], 3.5],
];
const JOINED_FROM = Date.UTC(2015, 0, 1) / 1000;
const JOINED_TO = Date.UTC(2017, 11, 31, 23, 59, 59) / 1000;
const POSTED_TO = Date.UTC(2022, 11, 31, 23, 59, 59) / 1000;

/**
 * Formats a follower count as the course does: digits under 1,000, then `12k`, then `1M`.
 *
 * @example
 * ```ts
 * import { formatFollowers } from "./fields.ts";
 * console.log(formatFollowers(950), formatFollowers(12_400), formatFollowers(1_700_000)); // 950 12k 1M
 * ```
 */
export function formatFollowers(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${Math.floor(n / 1000)}k`;
  return `${Math.floor(n / 1_000_000)}M`;
}

function hex(rng: Rng, chars: number): string {
  let out = "";
  while (out.length < chars) out += rng.uint32().toString(16).padStart(8, "0");
  return out.slice(0, chars);
}

/**
 * A version-4 UUID drawn from the generator (deterministic for a seed).
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * import { uuid4 } from "./fields.ts";
 * console.log(uuid4(createRng(1))); // xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx
 * ```
 */
export function uuid4(rng: Rng): string {
  const h = hex(rng, 32);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${
    h.slice(17, 20)
  }-${h.slice(20, 32)}`;
}

/** `template` with its placeholders filled: `{s}` is `about.subject`, `{adj}` lowercased with `about.lower`. */
function fill(
  template: string,
  rng: Rng,
  about: { subject: string; lower?: boolean },
): string {
  const { subject, lower = false } = about;
  const adj = rng.pick(ADJECTIVES);
  return template
    .replace("{n}", String(rng.pick([5, 7, 10, 12, 15, 20, 25, 30, 35, 50])))
    .replace("{adj}", lower ? adj.toLowerCase() : adj)
    .replace("{s}", subject)
    .replace("{a}", rng.pick(AUDIENCES))
    .replace("{y}", String(rng.int(2015, 2022)));
}

function tagList(rng: Rng, subjects: readonly string[]): string {
  const tags = new Set<string>();
  const want = rng.int(4, 10);
  for (let tries = 0; tags.size < want && tries < 40; tries++) {
    const s = rng.pick(subjects);
    const form = rng.int(0, 3);
    tags.add(
      form === 0
        ? s
        : form === 1
        ? `${rng.pick(ADJECTIVES)} ${s}`
        : form === 2
        ? `${s} For ${rng.pick(AUDIENCES)}`
        : `${s} Ideas`,
    );
  }
  return [...tags].join(",");
}

function posterName(rng: Rng): string {
  const kind = rng.int(0, 9);
  if (kind < 4) return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
  const brand = kind < 7
    ? `${rng.pick(FIRST_NAMES)}'s ${rng.pick(BRAND_WORDS)}`
    : `${rng.pick(ADJECTIVES)} ${rng.pick(BRAND_WORDS)} ${
      rng.pick(BRAND_WORDS)
    }`;
  return brand + rng.pick(POSTER_SUFFIXES);
}

/**
 * How {@linkcode makePin} spoils its row.
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * import { makePin, type MakePinOptions } from "./fields.ts";
 * const options: MakePinOptions = { dirt: { title: "emptyTitle" } };
 * console.log(makePin(createRng(1), 7528, options).title); // ""
 * ```
 */
export interface MakePinOptions {
  /** The dirty values of this row (`{}` for a clean one). */
  dirt: RowDirt;
}

/**
 * Builds a `pinterest_data` row.
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * import { makePin } from "./fields.ts";
 * console.log(makePin(createRng(1), 7528, { dirt: {} }).category);
 * ```
 */
export function makePin(
  rng: Rng,
  index: number,
  { dirt }: MakePinOptions,
): PinRecord {
  const cat = pickWeighted(rng, CATEGORY_WEIGHTS);
  const subject = rng.pick(cat.subjects);
  const uniqueId = uuid4(rng);
  const title = fill(rng.pick(TITLE_TEMPLATES), rng, { subject });
  const sentences = rng.int(1, 3);
  const description = Array.from(
    { length: sentences },
    () =>
      fill(rng.pick(DESCRIPTION_SENTENCES), rng, {
        subject: subject.toLowerCase(),
        lower: true,
      }),
  ).join(" ");
  const followers = Math.floor(10 ** (1 + 3.25 * (rng.next() + rng.next())));
  const poster = posterName(rng);
  const tags = tagList(rng, cat.subjects);
  const media = dirt.media === "story"
    ? DIRTY_VALUES.storyFormat
    : dirt.media === "video"
    ? "video"
    : "image";
  const h = hex(rng, 32);
  const folder = media === "video"
    ? "videos/thumbnails/originals"
    : "originals";
  const ext = rng.next() < 0.8 ? "jpg" : "png";
  const imageSrc = `https://i.pinimg.com/${folder}/${h.slice(0, 2)}/${
    h.slice(2, 4)
  }/${h.slice(4, 6)}/${h}.${ext}`;
  const userError = dirt.user === "userInfoError";
  return {
    index,
    unique_id: uniqueId,
    title: dirt.title === "noTitle"
      ? DIRTY_VALUES.noTitle
      : dirt.title === "emptyTitle"
      ? ""
      : title,
    description: dirt.media === "story"
      ? DIRTY_VALUES.noDescription
      : dirt.media === "emptyDescription"
      ? ""
      : description,
    poster_name: userError
      ? DIRTY_VALUES.userInfoError
      : dirt.user === "emptyPosterName"
      ? ""
      : poster,
    follower_count: userError
      ? DIRTY_VALUES.userInfoError
      : formatFollowers(followers),
    tag_list: dirt.tags === "noTags"
      ? DIRTY_VALUES.noTags
      : dirt.tags === "emptyTags"
      ? ""
      : tags,
    is_image_or_video: media,
    image_src: dirt.image ? DIRTY_VALUES.imageSrcError : imageSrc,
    downloaded: dirt.image ? 0 : 1,
    save_location: DIRTY_VALUES.saveLocationPrefix + cat.name,
    category: cat.name,
  };
}

/**
 * Builds a `user_data` row: age from weighted bands, joined 2015-2017 (UTC, whole seconds).
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * import { makeUser } from "./fields.ts";
 * console.log(makeUser(createRng(1), 7528).date_joined.getUTCFullYear()); // 2015..2017
 * ```
 */
export function makeUser(
  rng: Rng,
  ind: number,
): UserRecord & { date_joined: Date } {
  const [min, max] = pickWeighted(rng, AGE_BANDS);
  return {
    ind,
    first_name: rng.pick(FIRST_NAMES),
    last_name: rng.pick(LAST_NAMES),
    age: rng.int(min, max),
    date_joined: new Date(rng.int(JOINED_FROM, JOINED_TO) * 1000),
  };
}

/**
 * What {@linkcode makeGeo} needs besides the row's `ind`.
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * import { makeGeo, type MakeGeoOptions } from "./fields.ts";
 * const options: MakeGeoOptions = { joined: new Date("2016-01-01T00:00:00Z") };
 * console.log(makeGeo(createRng(1), 7528, options).timestamp >= options.joined); // true
 * ```
 */
export interface MakeGeoOptions {
  /** When the row's user joined (its `date_joined`); the post is timed after it. */
  joined: Date;
}

/**
 * Builds a `geolocation_data` row: posted after `joined` and before 2023, near a weighted country.
 *
 * @example
 * ```ts
 * import { createRng } from "./prng.ts";
 * import { makeGeo } from "./fields.ts";
 * console.log(makeGeo(createRng(1), 7528, { joined: new Date("2016-01-01T00:00:00Z") }).country);
 * ```
 */
export function makeGeo(
  rng: Rng,
  ind: number,
  { joined }: MakeGeoOptions,
): GeoRecord & { timestamp: Date } {
  const [country, , lat, lon] = pickWeighted(rng, COUNTRY_WEIGHTS);
  const spread = () => (rng.next() + rng.next() + rng.next() - 1.5) * 4;
  const latitude = Math.max(-90, Math.min(90, lat + spread()));
  let longitude = lon + spread();
  if (longitude > 180) longitude -= 360;
  if (longitude < -180) longitude += 360;
  const from = Math.floor(joined.getTime() / 1000);
  return {
    ind,
    timestamp: new Date(rng.int(from, POSTED_TO) * 1000),
    latitude: Math.round(latitude * 1e4) / 1e4,
    longitude: Math.round(longitude * 1e4) / 1e4,
    country,
  };
}
