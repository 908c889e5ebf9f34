/**
 * Serialises records the way the course's emulator did: `json.dumps(record, default=str)`.
 *
 * Python's `str(datetime)` gives `YYYY-MM-DD HH:MM:SS` (and `.ffffff` only when there are
 * microseconds); every other value passes through unchanged. Dates are written in UTC, the
 * time zone the source tables hold.
 *
 * @module
 */

/**
 * A record whose `Date` values became course-style strings.
 *
 * @example
 * ```ts
 * import { type CourseJson, toCourseJson } from "./course_json.ts";
 * import type { UserRecord } from "./types.ts";
 * const user: UserRecord = {
 *   ind: 1, first_name: "Kelly", last_name: "Gray", age: 20, date_joined: new Date("2015-03-29T09:45:19Z"),
 * };
 * const json: CourseJson<UserRecord> = toCourseJson(user);
 * console.log(json.date_joined); // 2015-03-29 09:45:19
 * ```
 */
export type CourseJson<T> = {
  [K in keyof T]: Date extends T[K] ? Exclude<T[K], Date> | string : T[K];
};

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * Formats a date as Python's `str(datetime)` does for a naive UTC datetime.
 *
 * @example
 * ```ts
 * import { formatCourseDatetime } from "./course_json.ts";
 * console.log(formatCourseDatetime(new Date("2020-08-28T03:52:47Z"))); // 2020-08-28 03:52:47
 * console.log(formatCourseDatetime(new Date("2020-08-28T03:52:47.250Z"))); // 2020-08-28 03:52:47.250000
 * ```
 */
export function formatCourseDatetime(date: Date): string {
  const base = `${pad(date.getUTCFullYear(), 4)}-${
    pad(date.getUTCMonth() + 1)
  }-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${
    pad(date.getUTCMinutes())
  }:${pad(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${pad(ms * 1000, 6)}`;
}

/**
 * Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) back into a `Date`; the inverse of
 * {@linkcode formatCourseDatetime}. Returns `undefined` for text of another shape, and for
 * text the `Date` would not give back: MySQL's zero date `0000-00-00 00:00:00` and other
 * invalid dates (which the course's pymysql keeps as text too), and microseconds a `Date`
 * cannot hold (a `DATETIME(6)`'s `.123456`). The course posts such text as the database
 * gives it, so the caller keeps it.
 *
 * @example
 * ```ts
 * import { parseCourseDatetime } from "./course_json.ts";
 * console.log(parseCourseDatetime("2015-10-24 11:23:51")?.toISOString()); // 2015-10-24T11:23:51.000Z
 * console.log(parseCourseDatetime("0000-00-00 00:00:00")); // undefined
 * console.log(parseCourseDatetime("2015-10-24 11:23:51.123456")); // undefined
 * ```
 */
export function parseCourseDatetime(text: string): Date | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?$/
    .exec(text);
  if (!m) return undefined;
  const micros = (m[7] ?? "").padEnd(6, "0");
  const date = new Date(
    Date.UTC(2000, +m[2] - 1, +m[3], +m[4], +m[5], +m[6], +micros / 1000),
  );
  date.setUTCFullYear(+m[1]); // Date.UTC reads years 0-99 as 1900-1999
  // As Python's str(datetime) prints the text: no fraction when it is zero.
  const printed = `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}${
    +micros === 0 ? "" : `.${micros}`
  }`;
  return Number.isNaN(date.getTime()) || formatCourseDatetime(date) !== printed
    ? undefined
    : date;
}

/**
 * Returns a plain object ready for `JSON.stringify`, with dates as the course wrote them.
 *
 * @example
 * ```ts
 * import { toCourseJson } from "./course_json.ts";
 * const geo = {
 *   ind: 7528,
 *   timestamp: new Date("2020-08-28T03:52:47Z"),
 *   latitude: -89.9787,
 *   longitude: -173.293,
 *   country: "Albania",
 * };
 * console.log(JSON.stringify(toCourseJson(geo)));
 * // {"ind":7528,"timestamp":"2020-08-28 03:52:47","latitude":-89.9787,"longitude":-173.293,"country":"Albania"}
 * ```
 */
export function toCourseJson<T extends object>(record: T): CourseJson<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = value instanceof Date ? formatCourseDatetime(value) : value;
  }
  return out as CourseJson<T>;
}
