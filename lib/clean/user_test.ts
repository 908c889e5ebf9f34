import assert from "node:assert/strict";
import { pl } from "./polars.ts";
import { rawFrame } from "./frames.ts";
import { cleanUser } from "./user.ts";

function user(over: Record<string, string | null> = {}) {
  return {
    ind: "7",
    first_name: "Ada",
    last_name: "Lovelace",
    age: "36",
    date_joined: "2016-05-01 10:00:00",
    ...over,
  };
}

function cleanOne(over: Record<string, string | null>) {
  const { clean, quarantine } = cleanUser(rawFrame("user", [user(over)]));
  assert.deepEqual(quarantine, []);
  assert.equal(clean.height, 1);
  return clean.toRecords()[0];
}

Deno.test("user: user_name joins first and last, age integer, date_joined datetime, order", () => {
  const { clean } = cleanUser(rawFrame("user", [user()]));
  assert.deepEqual(clean.columns, ["ind", "user_name", "age", "date_joined"]);
  assert.deepEqual(clean.toRecords(), [{
    ind: 7,
    user_name: "Ada Lovelace",
    age: 36,
    date_joined: new Date("2016-05-01T10:00:00Z"),
  }]);
  assert.equal(String(clean.schema.ind), String(pl.Int64));
  assert.equal(String(clean.schema.user_name), String(pl.String));
  assert.equal(String(clean.schema.age), String(pl.Int64));
  assert.equal(String(clean.schema.date_joined), String(pl.Datetime("us")));
});

Deno.test("user: a missing or empty name part makes user_name null (Spark concat)", () => {
  assert.equal(cleanOne({ last_name: null }).user_name, null);
  assert.equal(cleanOne({ first_name: "" }).user_name, null);
});

Deno.test("user: a name part of only spaces is empty: user_name null, as for an empty part", () => {
  assert.equal(cleanOne({ first_name: "  " }).user_name, null);
  assert.equal(cleanOne({ last_name: "\t" }).user_name, null);
  assert.equal(cleanOne({ first_name: " Ada" }).user_name, " Ada Lovelace");
});

Deno.test("user: age as 20.0 text is 20; empty age is null", () => {
  assert.equal(cleanOne({ age: "20.0" }).age, 20);
  assert.equal(cleanOne({ age: "" }).age, null);
  assert.equal(cleanOne({ date_joined: "" }).date_joined, null);
});

const QUARANTINE_CASES: [Record<string, string | null>, string][] = [
  [{ ind: null }, "missing ind"],
  [{ ind: "abc" }, "unparseable ind"],
  [{ age: "twenty" }, "unparseable age"],
  [{ age: "20.5" }, "unparseable age"],
  [{ age: "true" }, "wrong type: age must be a whole number"],
  [{ date_joined: "2016-13-01 00:00:00" }, "unparseable date_joined"],
  [{ date_joined: "01/05/2016" }, "unparseable date_joined"],
  // Second 60 is no time of a source DATETIME: it was read as the next minute.
  [{ date_joined: "2016-05-01 10:00:60" }, "unparseable date_joined"],
  [{ date_joined: '{"d": 1}' }, "wrong type: date_joined must be a datetime"],
];

for (const [over, reason] of QUARANTINE_CASES) {
  Deno.test(`user: ${JSON.stringify(over)} goes to quarantine with "${reason}"`, () => {
    const { clean, quarantine } = cleanUser(
      rawFrame("user", [user(over), user({ ind: "2" })]),
    );
    assert.deepEqual(clean.getColumn("ind").toArray(), [2]);
    assert.deepEqual(quarantine, [{
      table: "user",
      reason,
      raw: JSON.stringify(user(over)),
    }]);
  });
}
