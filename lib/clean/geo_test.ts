import assert from "node:assert/strict";
import { cleanGeo } from "./geo.ts";
import { pl } from "./polars.ts";
import { rawFrame } from "./frames.ts";

function geo(over: Record<string, string | null> = {}) {
  return {
    ind: "7",
    timestamp: "2020-01-02 03:04:05",
    latitude: "-45.5",
    longitude: "120.25",
    country: "Chad",
    ...over,
  };
}

function cleanOne(over: Record<string, string | null>) {
  const { clean, quarantine } = cleanGeo(rawFrame("geo", [geo(over)]));
  assert.deepEqual(quarantine, []);
  assert.equal(clean.height, 1);
  return clean.toRecords()[0];
}

Deno.test("geo: coordinates = [latitude, longitude], timestamp datetime, columns in order", () => {
  const { clean } = cleanGeo(rawFrame("geo", [geo()]));
  assert.deepEqual(clean.columns, [
    "ind",
    "country",
    "coordinates",
    "timestamp",
  ]);
  assert.deepEqual(clean.toRecords(), [{
    ind: 7,
    country: "Chad",
    coordinates: [-45.5, 120.25],
    timestamp: new Date("2020-01-02T03:04:05Z"),
  }]);
  assert.equal(String(clean.schema.ind), String(pl.Int64));
  assert.equal(String(clean.schema.country), String(pl.String));
  assert.equal(String(clean.schema.coordinates), String(pl.List(pl.Float64)));
  assert.equal(String(clean.schema.timestamp), String(pl.Datetime("us")));
});

Deno.test("geo: ISO timestamps with T, fraction and Z parse to the second", () => {
  assert.deepEqual(
    cleanOne({ timestamp: "2018-06-01T12:30:15.999Z" }).timestamp,
    new Date("2018-06-01T12:30:15Z"),
  );
});

Deno.test("geo: empty strings become null (country, timestamp, coordinates parts)", () => {
  const row = cleanOne({ country: "", timestamp: "", latitude: "" });
  assert.equal(row.country, null);
  assert.equal(row.timestamp, null);
  assert.deepEqual(row.coordinates, [null, 120.25]);
});

Deno.test("geo: a country of only spaces is null (no blank country group in the metrics); others keep their spaces", () => {
  assert.equal(cleanOne({ country: "  " }).country, null);
  assert.equal(cleanOne({ country: "\t" }).country, null);
  assert.equal(cleanOne({ country: " Chad" }).country, " Chad");
});

Deno.test("geo: integer latitude text becomes a float in the list", () => {
  assert.deepEqual(cleanOne({ latitude: "3", longitude: "-0" }).coordinates, [
    3,
    -0,
  ]);
});

const QUARANTINE_CASES: [Record<string, string | null>, string][] = [
  [{ ind: null }, "missing ind"],
  [{ ind: "" }, "missing ind"],
  [{ ind: "x7" }, "unparseable ind"],
  [{ ind: "false" }, "wrong type: ind must be a whole number"],
  [{ latitude: "north" }, "unparseable latitude"],
  [{ latitude: "NaN" }, "unparseable latitude"],
  [{ longitude: "[1, 2]" }, "wrong type: longitude must be a number"],
  [{ timestamp: "yesterday" }, "unparseable timestamp"],
  [{ timestamp: "2019-02-29 00:00:00" }, "unparseable timestamp"],
  [{ timestamp: "2020-01-02" }, "unparseable timestamp"],
  [{ timestamp: "2020-01-02 03:04:05 extra" }, "unparseable timestamp"],
  // Second 60 is no time of a source DATETIME: it was read as the next minute.
  [{ timestamp: "2020-01-02 12:30:60" }, "unparseable timestamp"],
  [{ timestamp: "2016-12-31T23:59:60Z" }, "unparseable timestamp"],
  [{ timestamp: "true" }, "wrong type: timestamp must be a datetime"],
];

for (const [over, reason] of QUARANTINE_CASES) {
  Deno.test(`geo: ${JSON.stringify(over)} goes to quarantine with "${reason}"`, () => {
    const { clean, quarantine } = cleanGeo(
      rawFrame("geo", [geo({ ind: "1" }), geo(over)]),
    );
    assert.deepEqual(clean.getColumn("ind").toArray(), [1]);
    assert.deepEqual(quarantine, [{
      table: "geo",
      reason,
      raw: JSON.stringify(geo(over)),
    }]);
  });
}

Deno.test("geo: the first failing check names the reason (ind before timestamp)", () => {
  const { quarantine } = cleanGeo(
    rawFrame("geo", [geo({ ind: null, timestamp: "bad" })]),
  );
  assert.equal(quarantine[0].reason, "missing ind");
});
