import assert from "node:assert/strict";
import {
  formatCourseDatetime,
  generateTables,
  parseCourseDatetime,
  toCourseJson,
} from "./mod.ts";
import { fromSqlRow } from "./schema.ts";

Deno.test("toCourseJson: dates as Python's str(datetime), other values unchanged", () => {
  const geo = {
    ind: 7528,
    timestamp: new Date("2020-08-28T03:52:47Z"),
    latitude: -89.9787,
    longitude: -173.293,
    country: "Albania",
  };
  assert.equal(
    JSON.stringify(toCourseJson(geo)),
    '{"ind":7528,"timestamp":"2020-08-28 03:52:47","latitude":-89.9787,"longitude":-173.293,"country":"Albania"}',
  );
  const user = {
    ind: 7528,
    first_name: "Abigail",
    last_name: "Ali",
    age: 20,
    date_joined: new Date("2015-10-24T11:23:51Z"),
  };
  assert.equal(
    JSON.stringify(toCourseJson(user)),
    '{"ind":7528,"first_name":"Abigail","last_name":"Ali","age":20,"date_joined":"2015-10-24 11:23:51"}',
  );
  const pin = generateTables({ rows: 5, seed: 1 }).pinterest_data[2];
  assert.deepEqual(toCourseJson(pin), pin);
  assert.notEqual(toCourseJson(pin), pin);
});

Deno.test("formatCourseDatetime: zero padding, microseconds only when present", () => {
  assert.equal(
    formatCourseDatetime(new Date("2015-01-02T03:04:05Z")),
    "2015-01-02 03:04:05",
  );
  assert.equal(
    formatCourseDatetime(new Date("2022-12-31T23:59:59.007Z")),
    "2022-12-31 23:59:59.007000",
  );
  assert.equal(
    formatCourseDatetime(new Date(Date.UTC(999, 0, 1))),
    "0999-01-01 00:00:00",
  );
});

Deno.test("parseCourseDatetime: inverse of the formatter; other shapes are undefined", () => {
  for (const iso of ["2015-10-24T11:23:51.000Z", "2022-12-31T23:59:59.250Z"]) {
    const d = new Date(iso);
    assert.equal(
      parseCourseDatetime(formatCourseDatetime(d))?.toISOString(),
      iso,
    );
  }
  assert.equal(
    parseCourseDatetime("2015-10-24T11:23:51")?.toISOString(),
    "2015-10-24T11:23:51.000Z",
  );
  assert.equal(parseCourseDatetime("24/10/2015"), undefined);
  assert.equal(parseCourseDatetime("2015-10-24"), undefined);
});

Deno.test("parseCourseDatetime: text a Date would not give back is undefined (kept as text), as the course's pymysql keeps what datetime() refuses", () => {
  // MySQL's zero date: Date.UTC would read year 0 as 1900 and month 0 day 0 backwards.
  assert.equal(parseCourseDatetime("0000-00-00 00:00:00"), undefined);
  assert.equal(parseCourseDatetime("2020-00-15 00:00:00"), undefined);
  assert.equal(parseCourseDatetime("2020-02-30 10:00:00"), undefined); // ALLOW_INVALID_DATES
  assert.equal(parseCourseDatetime("2020-08-28 24:00:00"), undefined);
  // A DATETIME(6) with microseconds a Date (milliseconds) cannot hold.
  assert.equal(parseCourseDatetime("2020-08-28 03:52:47.123456"), undefined);
  // What a Date holds exactly is a Date, years before 100 included.
  assert.equal(
    parseCourseDatetime("2020-08-28 03:52:47.123000")?.toISOString(),
    "2020-08-28T03:52:47.123Z",
  );
  assert.equal(
    parseCourseDatetime("2020-08-28 03:52:47.5")?.toISOString(),
    "2020-08-28T03:52:47.500Z",
  );
  const early = parseCourseDatetime("0050-01-02 03:04:05");
  assert.equal(early?.toISOString(), "0050-01-02T03:04:05.000Z");
  assert.equal(formatCourseDatetime(early!), "0050-01-02 03:04:05");
});

Deno.test("fromSqlRow + toCourseJson: a zero date and microseconds post as the database gives them", () => {
  const post = (datetime: string) =>
    JSON.stringify(
      toCourseJson(
        fromSqlRow("user_data", {
          ind: 1,
          first_name: "A",
          last_name: "B",
          age: 30,
          date_joined: datetime,
        }),
      ),
    );
  assert.equal(
    post("0000-00-00 00:00:00"),
    '{"ind":1,"first_name":"A","last_name":"B","age":30,"date_joined":"0000-00-00 00:00:00"}',
  );
  assert.equal(
    post("2020-08-28 03:52:47.123456"),
    '{"ind":1,"first_name":"A","last_name":"B","age":30,"date_joined":"2020-08-28 03:52:47.123456"}',
  );
  assert.equal(
    post("2020-08-28 03:52:47.250000"),
    '{"ind":1,"first_name":"A","last_name":"B","age":30,"date_joined":"2020-08-28 03:52:47.250000"}',
  );
  assert.equal(
    post("2020-08-28 03:52:47"),
    '{"ind":1,"first_name":"A","last_name":"B","age":30,"date_joined":"2020-08-28 03:52:47"}',
  );
});
