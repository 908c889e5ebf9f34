import assert from "node:assert/strict";
import { formatCell, formatResults, formatTable } from "./format.ts";

Deno.test("format: cells show integers plainly, fractions with up to two decimals, null as -", () => {
  assert.equal(formatCell(12000), "12000");
  assert.equal(formatCell(6.5), "6.5");
  assert.equal(formatCell(2.25), "2.25");
  assert.equal(formatCell(1 / 3), "0.33");
  assert.equal(formatCell(null), "-");
  assert.equal(formatCell("+50"), "+50");
});

Deno.test("format: tables align text left and numbers right under a rule", () => {
  const text = formatTable(["country", "follower_count"], [
    { country: "Chad", follower_count: 5 },
    { country: "United Kingdom", follower_count: 29000000 },
  ]);
  assert.equal(
    text,
    [
      "country         follower_count",
      "--------------  --------------",
      "Chad                         5",
      "United Kingdom        29000000",
    ].join("\n"),
  );
  assert.equal(formatTable(["a"], []), "a\n-\n(no rows)");
});

Deno.test("format: results are numbered by the course order and titled", () => {
  const text = formatResults({
    users_joined_by_year: [{ post_year: 2015, number_users_joined: 2 }],
    popular_category_by_country: [],
  });
  assert.equal(
    text,
    [
      "1. Most popular category in each country (popular_category_by_country)",
      "country  category  category_count",
      "-------  --------  --------------",
      "(no rows)",
      "",
      "7. Users joined each year, 2015-2020 (users_joined_by_year)",
      "post_year  number_users_joined",
      "---------  -------------------",
      "     2015                    2",
    ].join("\n"),
  );
});

Deno.test("format: a value holding a line break or a terminal escape stays on its row, escaped", () => {
  // "Ann\nEve" printed as two lines, the second read as a row of country "Eve"; ESC sequences
  // reached the terminal (colours, cursor moves) and threw the columns off.
  const text = formatTable(["country", "poster_name", "follower_count"], [
    { country: "Chad", poster_name: "Ann\nEve", follower_count: 5 },
    { country: "Peru", poster_name: "\x1b[31mred\x1b[0m", follower_count: 7 },
    {
      country: "Fiji\t\r",
      poster_name: "a\u2028b\u202ec\x7f\x9b",
      follower_count: 9,
    },
  ]);
  assert.equal(
    text,
    [
      "country   poster_name                  follower_count",
      "--------  ---------------------------  --------------",
      "Chad      Ann\\nEve                                  5",
      "Peru      \\u001b[31mred\\u001b[0m                    7",
      "Fiji\\t\\r  a\\u2028b\\u202ec\\u007f\\u009b               9",
    ].join("\n"),
  );
});

Deno.test("format: columns line up on the terminal with wide (CJK, emoji) and combining characters", () => {
  // Padded by UTF-16 length, "中国" (4 columns wide, length 2) pushed its row 2 columns right
  // and "Co\u0302te" (4 wide, length 5) pulled it 1 left.
  const text = formatTable(["country", "poster_name", "follower_count"], [
    { country: "中国", poster_name: "✨Sparkle✨", follower_count: 9 },
    { country: "Co\u0302te", poster_name: "Zoë", follower_count: 11 },
    { country: "\u{1F1EB}\u{1F1EF}", poster_name: "Ｚｅｄ", follower_count: 5 },
  ]);
  assert.equal(
    text,
    [
      "country  poster_name  follower_count",
      "-------  -----------  --------------",
      "中国     ✨Sparkle✨               9",
      "Co\u0302te     Zoë                      11",
      "\u{1F1EB}\u{1F1EF}       Ｚｅｄ                    5",
    ].join("\n"),
  );
});
