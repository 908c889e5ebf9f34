import assert from "node:assert/strict";
import { cleanPin } from "./pin.ts";
import { pl } from "./polars.ts";
import { CLEAN_COLUMNS } from "./schema.ts";
import { rawFrame } from "./frames.ts";

/** A raw pin as the emulator posts it (all text), with `over` replacing fields. */
function pin(over: Record<string, string | null> = {}) {
  return {
    index: "7",
    unique_id: "u-7",
    title: "Fun art",
    description: "Paint things",
    poster_name: "Ada",
    follower_count: "812",
    tag_list: "a,b",
    is_image_or_video: "image",
    image_src: "https://i.pinimg.com/x.jpg",
    downloaded: "1",
    save_location: "Local save in /data/art",
    category: "art",
    ...over,
  };
}

function cleanOne(over: Record<string, string | null>) {
  const { clean, quarantine } = cleanPin(rawFrame("pin", [pin(over)]));
  assert.deepEqual(quarantine, []);
  assert.equal(clean.height, 1);
  return clean.toRecords()[0];
}

Deno.test("pin: a clean row keeps its values, index renamed ind, columns in order", () => {
  const { clean } = cleanPin(rawFrame("pin", [pin()]));
  assert.deepEqual(clean.columns, [...CLEAN_COLUMNS.pin]);
  assert.deepEqual(clean.toRecords(), [{
    ind: 7,
    unique_id: "u-7",
    title: "Fun art",
    description: "Paint things",
    follower_count: 812,
    poster_name: "Ada",
    tag_list: "a,b",
    is_image_or_video: "image",
    image_src: "https://i.pinimg.com/x.jpg",
    save_location: "/data/art",
    category: "art",
  }]);
  const types = Object.fromEntries(
    Object.entries(clean.schema).map(([k, v]) => [k, String(v)]),
  );
  assert.equal(types.ind, String(pl.Int64));
  assert.equal(types.follower_count, String(pl.Int64));
  for (const c of CLEAN_COLUMNS.pin.filter((c) => !/ind|follower/.test(c))) {
    assert.equal(types[c], String(pl.String), c);
  }
});

const PLACEHOLDER_CASES: [string, string][] = [
  ["description", "No description available Story format"],
  ["description", "No description available"],
  ["poster_name", "User Info Error"],
  ["follower_count", "User Info Error"],
  ["image_src", "Image src error."],
  ["tag_list", "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e"],
  ["title", "No Title Data Available"],
  ...[
    "unique_id",
    "title",
    "description",
    "poster_name",
    "follower_count",
    "tag_list",
    "is_image_or_video",
    "image_src",
    "save_location",
    "category",
  ].map((c): [string, string] => [c, ""]),
];

for (const [col, value] of PLACEHOLDER_CASES) {
  Deno.test(`pin: placeholder ${JSON.stringify(value)} in ${col} becomes null`, () => {
    const row = cleanOne({ [col]: value });
    assert.equal(row[col], null);
    const expected = cleanOne({});
    for (const other of CLEAN_COLUMNS.pin.filter((c) => c !== col)) {
      assert.deepEqual(row[other], expected[other], other);
    }
  });
}

const FOLLOWER_CASES: [string, number][] = [
  ["12k", 12_000],
  ["12K", 12_000],
  ["1M", 1_000_000],
  ["1.5m", 1_500_000],
  ["812", 812],
  ["0", 0],
  ["1.5k", 1_500],
  ["2.5M", 2_500_000],
  [" 45k ", 45_000],
  ["12 k", 12_000],
  ["3m", 3_000_000],
  ["12000.0", 12_000],
  ["1.2M", 1_200_000],
  ["9007199254740991", 9_007_199_254_740_991],
];

for (const [text, value] of FOLLOWER_CASES) {
  Deno.test(`pin: follower_count ${JSON.stringify(text)} becomes ${value}`, () => {
    assert.equal(cleanOne({ follower_count: text }).follower_count, value);
  });
}

Deno.test("pin: a placeholder or empty value with spaces around it is null in follower_count and downloaded", () => {
  for (const text of [" User Info Error ", "\tUser Info Error", "  ", "\t"]) {
    const row = cleanOne({ follower_count: text, downloaded: text });
    assert.equal(row.follower_count, null, JSON.stringify(text));
    assert.equal(row.ind, 7);
  }
});

/** The pin columns that hold text as posted. */
const TEXT_COLUMNS = [
  "unique_id",
  "title",
  "description",
  "poster_name",
  "tag_list",
  "is_image_or_video",
  "image_src",
  "save_location",
  "category",
];

Deno.test("pin: a placeholder or empty value with spaces around it is null in the text columns too; other text keeps its spaces", () => {
  const spaced = [
    " User Info Error ",
    "\tNo Title Data Available",
    "No description available Story format ",
    "  Image src error.",
    " N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e\t",
    "  ",
    "\t",
  ];
  for (const text of spaced) {
    const over = Object.fromEntries(TEXT_COLUMNS.map((c) => [c, text]));
    const row = cleanOne(over);
    for (const c of TEXT_COLUMNS) assert.equal(row[c], null, `${c} ${text}`);
    assert.equal(row.ind, 7);
    assert.equal(row.follower_count, 812);
  }
  assert.equal(
    cleanOne({ save_location: "Local save in  " }).save_location,
    null,
  );
  const kept = cleanOne({
    title: " Fun art ",
    category: "art\t",
    image_src: "Image src errorX",
  });
  assert.equal(kept.title, " Fun art ");
  assert.equal(kept.category, "art\t");
  assert.equal(kept.image_src, "Image src errorX");
});

Deno.test("pin: index and downloaded given as numbers' text parse, 25.0 is 25", () => {
  assert.equal(cleanOne({ index: "25.0" }).ind, 25);
  assert.equal(cleanOne({ index: " 1e3 " }).ind, 1000);
  assert.equal(cleanOne({ downloaded: "0" }).ind, 7);
});

Deno.test("pin: save_location keeps only the path", () => {
  assert.equal(
    cleanOne({ save_location: "Local save in /data/mens-fashion" })
      .save_location,
    "/data/mens-fashion",
  );
  assert.equal(cleanOne({ save_location: "/data/x" }).save_location, "/data/x");
  assert.equal(
    cleanOne({ save_location: "Local save in " }).save_location,
    null,
  );
});

Deno.test("pin: null fields stay null and do not quarantine the row", () => {
  const row = cleanOne({ follower_count: null, downloaded: null, title: null });
  assert.equal(row.follower_count, null);
  assert.equal(row.title, null);
});

const QUARANTINE_CASES: [Record<string, string | null>, string][] = [
  [{ index: null }, "missing ind"],
  [{ index: "" }, "missing ind"],
  [{ index: "  " }, "missing ind"],
  [{ index: "seven" }, "unparseable index"],
  [{ index: "7.5" }, "unparseable index"],
  [{ index: "true" }, "wrong type: index must be a whole number"],
  [{ index: '{"a": 1}' }, "wrong type: index must be a whole number"],
  [{ follower_count: "12x" }, "unparseable follower_count"],
  [{ follower_count: "k" }, "unparseable follower_count"],
  [{ follower_count: "-5" }, "unparseable follower_count"],
  [{ follower_count: "12kk" }, "unparseable follower_count"],
  [{ follower_count: "1e3" }, "unparseable follower_count"],
  [{ follower_count: "1.5.2k" }, "unparseable follower_count"],
  // Without a suffix a count must be whole: no rounding to 2, 0 or 13.
  [{ follower_count: "1.5" }, "unparseable follower_count"],
  [{ follower_count: "0.4" }, "unparseable follower_count"],
  [{ follower_count: "12.7" }, "unparseable follower_count"],
  // Past 2^53 a Float64 rounds (this one to 9007199254740992).
  [{ follower_count: "9007199254740993" }, "unparseable follower_count"],
  [{ follower_count: "9007199254.740993M" }, "unparseable follower_count"],
  [
    { follower_count: "[1]" },
    "wrong type: follower_count must be a follower count",
  ],
  [{ downloaded: "yes" }, "unparseable downloaded"],
  [{ downloaded: "[1]" }, "wrong type: downloaded must be a whole number"],
];

for (const [over, reason] of QUARANTINE_CASES) {
  Deno.test(`pin: ${JSON.stringify(over)} goes to quarantine with "${reason}"`, () => {
    const good = pin({ index: "1" });
    const { clean, quarantine } = cleanPin(rawFrame("pin", [good, pin(over)]));
    assert.deepEqual(clean.getColumn("ind").toArray(), [1]);
    assert.equal(quarantine.length, 1);
    assert.equal(quarantine[0].table, "pin");
    assert.equal(quarantine[0].reason, reason);
    assert.deepEqual(JSON.parse(quarantine[0].raw), pin(over));
  });
}

Deno.test("pin: quarantine keeps the raw line when the frame has _line and raw is given", () => {
  const df = rawFrame("pin", [pin({ index: null })]).withColumns(
    pl.Series("_line", [4], pl.UInt32),
  );
  const { quarantine } = cleanPin(df, {
    raw: (line) => (line === 4 ? "the original line" : undefined),
  });
  assert.deepEqual(quarantine, [{
    table: "pin",
    reason: "missing ind",
    raw: "the original line",
  }]);
});
