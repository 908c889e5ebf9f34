import assert from "node:assert/strict";
import { ConfigError } from "../errors.ts";
import {
  DIRTY_RATES,
  DIRTY_VALUES,
  dirtyCounts,
  formatFollowers,
  generateTables,
} from "./mod.ts";
import { createGenerator, MAX_ROWS } from "./generator.ts";
import { CATEGORIES } from "./vocab_pins.ts";

const TABLES = generateTables({ rows: 11_000, seed: 42 });
const PINS = TABLES.pinterest_data;
const count = <T>(rows: T[], test: (row: T) => boolean) =>
  rows.filter(test).length;

Deno.test("generator: same seed gives identical rows, another seed other rows", () => {
  assert.deepEqual(generateTables({ rows: 11_000, seed: 42 }), TABLES);
  const other = generateTables({ rows: 11_000, seed: 43 });
  assert.notEqual(other.pinterest_data[0].unique_id, PINS[0].unique_id);
  const gen = createGenerator({ rows: 11_000, seed: 42 });
  for (const i of [0, 1, 5_000, 10_999]) {
    assert.deepEqual(gen.post(i), {
      pin: PINS[i],
      geo: TABLES.geolocation_data[i],
      user: TABLES.user_data[i],
    });
  }
});

Deno.test("generator: columns are exactly the course's, in order", () => {
  assert.deepEqual(Object.keys(PINS[0]), [
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
  ]);
  assert.deepEqual(Object.keys(TABLES.geolocation_data[0]), [
    "ind",
    "timestamp",
    "latitude",
    "longitude",
    "country",
  ]);
  assert.deepEqual(Object.keys(TABLES.user_data[0]), [
    "ind",
    "first_name",
    "last_name",
    "age",
    "date_joined",
  ]);
});

Deno.test("generator: row i of each table shares a unique, shuffled index", () => {
  const inds = PINS.map((p) => p.index);
  PINS.forEach((p, i) => {
    assert.equal(TABLES.geolocation_data[i].ind, p.index);
    assert.equal(TABLES.user_data[i].ind, p.index);
  });
  assert.equal(new Set(inds).size, 11_000);
  assert.ok(inds.every((v) => Number.isInteger(v) && v >= 0 && v < 11_550));
  assert.notDeepEqual(inds, [...inds].sort((a, b) => a - b));
});

Deno.test("generator: dirty values appear in exactly the documented number of rows", () => {
  const v = DIRTY_VALUES;
  assert.equal(count(PINS, (p) => p.is_image_or_video === v.storyFormat), 385);
  assert.equal(count(PINS, (p) => p.description === v.noDescription), 385);
  assert.equal(count(PINS, (p) => p.is_image_or_video === "video"), 990);
  assert.equal(count(PINS, (p) => p.is_image_or_video === "image"), 9_625);
  assert.equal(count(PINS, (p) => p.description === ""), 44);
  assert.equal(count(PINS, (p) => p.title === v.noTitle), 220);
  assert.equal(count(PINS, (p) => p.title === ""), 44);
  assert.equal(count(PINS, (p) => p.tag_list === v.noTags), 275);
  assert.equal(count(PINS, (p) => p.tag_list === ""), 33);
  assert.equal(count(PINS, (p) => p.poster_name === v.userInfoError), 165);
  assert.equal(count(PINS, (p) => p.follower_count === v.userInfoError), 165);
  assert.equal(count(PINS, (p) => p.poster_name === ""), 22);
  assert.equal(count(PINS, (p) => p.image_src === v.imageSrcError), 132);
  assert.equal(count(PINS, (p) => p.downloaded === 0), 132);
  assert.equal(
    count(PINS, (p) => p.save_location === `Local save in /data/${p.category}`),
    11_000,
  );
});

Deno.test("generator: planted counts follow DIRTY_RATES for any size and seed", () => {
  const pins = generateTables({ rows: 3_217, seed: 9 }).pinterest_data;
  const expected = dirtyCounts(3_217);
  assert.equal(
    expected.media.story,
    Math.round(DIRTY_RATES.media.story * 3_217),
  );
  assert.equal(
    count(pins, (p) => p.is_image_or_video === DIRTY_VALUES.storyFormat),
    expected.media.story,
  );
  assert.equal(
    count(pins, (p) => p.title === DIRTY_VALUES.noTitle),
    expected.title.noTitle,
  );
  assert.equal(
    count(pins, (p) => p.tag_list === DIRTY_VALUES.noTags),
    expected.tags.noTags,
  );
  assert.equal(
    count(pins, (p) => p.follower_count === DIRTY_VALUES.userInfoError),
    expected.user.userInfoError,
  );
  assert.equal(
    count(pins, (p) => p.image_src === DIRTY_VALUES.imageSrcError),
    expected.image.imageSrcError,
  );
});

Deno.test("generator: follower counts are digits, k or M as the course formats them", () => {
  assert.deepEqual(
    [0, 999, 1_000, 12_999, 999_999, 1_000_000, 1_999_999, 25_000_000].map(
      formatFollowers,
    ),
    ["0", "999", "1k", "12k", "999k", "1M", "1M", "25M"],
  );
  const forms = PINS.map((p) => p.follower_count);
  assert.equal(count(forms, (f) => /^\d+$/.test(f)), 2_070);
  assert.equal(count(forms, (f) => /^[1-9]\d{0,2}k$/.test(f)), 7_610);
  assert.equal(count(forms, (f) => /^[1-9]\d*M$/.test(f)), 1_155);
  assert.ok(
    forms.filter((f) => /^\d+$/.test(f)).every((f) => Number(f) < 1000),
  );
});

Deno.test("generator: realistic spread of categories, countries, ages and dates", () => {
  const cats = new Set(PINS.map((p) => p.category));
  assert.deepEqual([...cats].sort(), CATEGORIES.map((c) => c.name).sort());
  assert.equal(cats.size, 13);
  const geo = TABLES.geolocation_data;
  const users = TABLES.user_data;
  assert.equal(new Set(geo.map((g) => g.country)).size, 116);
  assert.equal(
    count(geo, (g) => g.country === "United States of America"),
    3_561,
  );
  assert.equal(count(users, (u) => u.age < 18), 150);
  assert.ok(users.every((u) => u.age >= 13 && u.age <= 80));
  users.forEach((u, i) => {
    const joined = (u.date_joined as Date).getTime();
    assert.ok(joined >= Date.UTC(2015, 0, 1) && joined < Date.UTC(2018, 0, 1));
    const posted = (geo[i].timestamp as Date).getTime();
    assert.ok(posted >= joined && posted < Date.UTC(2023, 0, 1));
    assert.equal(posted % 1000, 0);
  });
  assert.ok(
    geo.every((g) =>
      Math.abs(g.latitude) <= 90 && Math.abs(g.longitude) <= 180
    ),
  );
  const uuid =
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  assert.ok(PINS.every((p) => uuid.test(p.unique_id)));
  assert.equal(new Set(PINS.map((p) => p.unique_id)).size, 11_000);
  const src =
    /^https:\/\/i\.pinimg\.com\/(videos\/thumbnails\/)?originals\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{32}\.(jpg|png)$/;
  assert.ok(
    PINS.every((p) =>
      p.image_src === DIRTY_VALUES.imageSrcError || src.test(p.image_src)
    ),
  );
  const tagged = PINS.filter((p) =>
    p.tag_list !== "" && p.tag_list !== DIRTY_VALUES.noTags
  );
  assert.ok(
    tagged.every((p) =>
      p.tag_list.split(",").length >= 4 && !p.tag_list.includes(",,")
    ),
  );
});

Deno.test("generator: rejects row counts and seeds it cannot honour", () => {
  for (const rows of [0, -1, 1.5, MAX_ROWS + 1, Number.NaN]) {
    assert.throws(() => createGenerator({ rows }), ConfigError);
  }
  assert.throws(() => createGenerator({ seed: 2 ** 40 }), ConfigError);
  assert.throws(() => createGenerator({ rows: 10 }).post(10), RangeError);
});
