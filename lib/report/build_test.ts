import assert from "node:assert/strict";
import { join } from "node:path";
import { METRIC_NAMES, type MetricResults } from "../metrics/mod.ts";
import { buildReport, writeReport } from "./build.ts";
import { ReportWriteError } from "./errors.ts";
import { textWidth } from "./text_width.ts";

const RESULTS: MetricResults = {
  popular_category_by_country: [
    { country: "Chad", category: "art", category_count: 4 },
    { country: "Peru <&>", category: "diy", category_count: 2 },
  ],
  popular_category_by_year: [{
    post_year: 2018,
    category: "travel",
    category_count: 7,
  }],
  top_user_by_country: [{
    country: "Chad",
    poster_name: "Ada",
    follower_count: 12000,
  }],
  country_with_top_user: [{ country: "Chad", follower_count: 12000 }],
  popular_category_by_age_group: [
    { age_group: "+50", category: "quotes", category_count: 2 },
    { age_group: "18-24", category: "beauty", category_count: 3 },
  ],
  median_followers_by_age_group: [{
    age_group: "25-35",
    median_follower_count: 6.5,
  }],
  users_joined_by_year: [{ post_year: 2015, number_users_joined: 2 }],
  median_followers_by_join_year: [{
    post_year: 2016,
    median_follower_count: 2,
  }],
  median_followers_by_join_year_and_age_group: [
    { age_group: "18-24", post_year: 2015, median_follower_count: 4 },
    { age_group: "+50", post_year: 2015, median_follower_count: 200 },
  ],
};

const count = (text: string, needle: string) => text.split(needle).length - 1;

Deno.test("report: nine Vega SVG charts and nine tables, one section per metric, in order", async () => {
  const html = await buildReport(RESULTS, {
    generatedAt: new Date("2024-05-06T07:08:09Z"),
    tableRows: { pin: 10, geo: 10, user: 9 },
  });
  assert.equal(count(html, '<svg xmlns="http://www.w3.org/2000/svg"'), 9);
  assert.equal(count(html, 'class="marks"'), 9);
  assert.equal(count(html, "<table>"), 9);
  const ids = [...html.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1]);
  assert.deepEqual(ids, [...METRIC_NAMES]);
  assert.match(html, /Generated 2024-05-06 07:08:09 UTC/);
  assert.match(html, /<b>10<\/b><span>pin rows<\/span>/);
  assert.match(html, /<td class="num">6\.5<\/td>/);
  assert.match(html, /<td>Peru &lt;&amp;&gt;<\/td>/);
  assert.doesNotMatch(html, /<td>Peru <&>/);
});

Deno.test("report: the charts carry the data (labels in the SVG text)", async () => {
  const html = await buildReport(RESULTS);
  const svgs = html.match(/<svg xmlns[\s\S]*?<\/svg>/g) ?? [];
  assert.equal(svgs.length, 9);
  assert.match(svgs[0], />Chad</);
  assert.match(svgs[0], />art</);
  assert.match(svgs[2], />Ada</);
  assert.match(svgs[6], />2015</);
  // age groups in natural order on the axis: 18-24 before +50
  const labels = [...svgs[4].matchAll(/>([^<>]+)</g)].map((m) => m[1]);
  assert.deepEqual(labels.filter((l) => l === "18-24" || l === "+50"), [
    "18-24",
    "+50",
  ]);
});

Deno.test("report: self-contained (no scripts, no external resources)", async () => {
  const html = await buildReport(RESULTS);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link /i);
  const urls = [...html.matchAll(/(?:href|src)="(https?:[^"]+)"/g)].map((m) =>
    m[1]
  );
  assert.deepEqual(urls, []);
});

Deno.test("report: an empty answer says 'No data' where its chart would be, not an empty chart with NaN ticks", async () => {
  // Each was charted: blank axes with one tick labelled NaN.
  const empty = Object.fromEntries(METRIC_NAMES.map((n) => [n, []]));
  const html = await buildReport({
    ...empty,
    users_joined_by_year: RESULTS.users_joined_by_year,
  });
  assert.equal(count(html, 'class="marks"'), 1);
  assert.doesNotMatch(html, /NaN/);
  const charts = [...html.matchAll(/<div class="chart">(.*?)<\/div>/gs)].map((
    m,
  ) => m[1]);
  assert.equal(charts.length, 9);
  assert.deepEqual(
    charts.filter((c) => !c.startsWith("<svg")),
    Array(8).fill(
      '<p class="empty">No data to chart: the batch tables hold no rows for this answer.</p>',
    ),
  );
  assert.equal(count(html, "No rows."), 8);
});

Deno.test("report: per-country charts show the top N and say so", async () => {
  const many = Array.from({ length: 30 }, (_, i) => ({
    country: `C${String(i).padStart(2, "0")}`,
    category: "art",
    category_count: i + 1,
  }));
  const html = await buildReport({ popular_category_by_country: many }, {
    topN: 5,
  });
  assert.match(html, /the top 5 of 30 countries/);
  const svg = html.match(/<svg xmlns[\s\S]*?<\/svg>/)![0];
  assert.match(svg, />C29</);
  assert.doesNotMatch(svg, />C24</);
  assert.equal(count(html, "<tr>"), 31);
});

Deno.test("report: writeReport replaces the file and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "sub", "report.html");
  await writeReport(path, "one");
  await writeReport(path, "two");
  assert.equal(await Deno.readTextFile(path), "two");
  assert.deepEqual([...Deno.readDirSync(join(dir, "sub"))].map((e) => e.name), [
    "report.html",
  ]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("report: a page that cannot be written is a ReportWriteError naming the path; nothing is left behind", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "a-file");
    await Deno.writeTextFile(file, "x");
    const path = join(file, "report.html");
    await assert.rejects(writeReport(path, "<p>hi</p>"), (e: unknown) => {
      assert.ok(e instanceof ReportWriteError);
      assert.equal(e.context.path, path);
      assert.match(
        e.message,
        new RegExp(
          `^Could not write the report ${path} \\(File exists \\(os error 17\\).*\\); check that its folder can be created and written, or pass another --out\\.$`,
        ),
      );
      return true;
    });
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      "a-file",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: axes of counts tick at whole numbers (no '0.5 posts' when every count is 1 or 2)", async () => {
  const html = await buildReport({
    popular_category_by_country: [
      { country: "Chad", category: "art", category_count: 1 },
      { country: "Peru", category: "diy", category_count: 1 },
    ],
    popular_category_by_year: [
      { post_year: 2018, category: "art", category_count: 2 },
    ],
    users_joined_by_year: [{ post_year: 2015, number_users_joined: 1 }],
  });
  const svgs = html.match(/<svg xmlns[\s\S]*?<\/svg>/g) ?? [];
  assert.equal(svgs.length, 3);
  const ticks = svgs.map((svg) =>
    [...svg.matchAll(/role-axis-label[\s\S]*?<\/g>/g)]
      .flatMap((g) => [...g[0].matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]))
      .filter((t) => /^[\d.]+$/.test(t) && !/^20\d\d$/.test(t))
  );
  assert.deepEqual(ticks, [["0", "1"], ["0", "1", "2"], ["0", "1"]]);
});

Deno.test("report: every chart is 600 px wide, its labels included, so the page does not shrink it (per-country charts were ~820 px, shown at 60-80%)", async () => {
  const long = "British Indian Ocean Territory (Chagos Archipelago)";
  const name = "Kimberly's Journal | Lifestyle Blog and Home Decor Ideas";
  const html = await buildReport({
    ...RESULTS,
    popular_category_by_country: [
      { country: long, category: "diy-and-crafts", category_count: 4000 },
      ...RESULTS.popular_category_by_country,
    ],
    top_user_by_country: [
      { country: long, poster_name: name, follower_count: 23000000 },
      { country: "Chad", poster_name: "Ada", follower_count: 12000 },
    ],
  });
  const widths = [...html.matchAll(/<svg xmlns[^>]*? width="(\d+)"/g)].map(
    (m) => Number(m[1]),
  );
  assert.deepEqual(widths, Array(9).fill(600));
});

Deno.test("report: tables print numbers as the chart labels do (12,000 and 150,000.5; years as 2015)", async () => {
  // Tables printed 12000 beside a bar labelled 12,000, and labels kept 6 digits: 150,001.
  const html = await buildReport({
    country_with_top_user: [{ country: "Chad", follower_count: 12000 }],
    median_followers_by_age_group: [
      { age_group: "25-35", median_follower_count: 150000.5 },
    ],
    users_joined_by_year: [{ post_year: 2015, number_users_joined: 1234 }],
  });
  const cells = [...html.matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) =>
    m[1]
  );
  assert.deepEqual(cells, ["12,000", "150,000.5", "2015", "1,234"]);
  const labels = (html.match(/<svg xmlns[\s\S]*?<\/svg>/g) ?? []).map((svg) =>
    [...svg.matchAll(/role-mark[^"]*"[^>]*>(?:(?!role-)[\s\S])*?<\/g>/g)]
      .flatMap((g) => [...g[0].matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]))
  );
  assert.deepEqual(labels, [["12,000"], ["150,000.5"], ["1,234"]]);
});

Deno.test("report: --out naming a folder is a ReportWriteError that says so and names a file to pass instead", async () => {
  // It said 'check that its folder can be created and written', which it could.
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(writeReport(dir, "<p>hi</p>"), (e: unknown) => {
      assert.ok(e instanceof ReportWriteError);
      assert.equal(
        e.message,
        `Could not write the report ${dir}: it is a folder; pass a file to --out, e.g. ${
          join(dir, "report.html")
        }.`,
      );
      assert.deepEqual(e.context, { path: dir, folder: true });
      return true;
    });
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report: count axes start at 0, not 0M or 0k", async () => {
  const html = await buildReport({
    country_with_top_user: [{ country: "Chad", follower_count: 23000000 }],
    median_followers_by_join_year: [
      { post_year: 2016, median_follower_count: 22000 },
    ],
    median_followers_by_join_year_and_age_group: [
      { age_group: "18-24", post_year: 2015, median_follower_count: 4000 },
    ],
  });
  const ticks = (html.match(/<svg xmlns[\s\S]*?<\/svg>/g) ?? []).map((svg) =>
    [...svg.matchAll(/role-axis-label[\s\S]*?<\/g>/g)]
      .flatMap((g) => [...g[0].matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]))
      .filter((t) => !/^(Chad|20\d\d)$/.test(t))
  );
  const si = (unit: string, steps: number[]) => [
    "0",
    ...steps.map((n) => `${n}${unit}`),
  ];
  assert.deepEqual(ticks, [
    si("M", [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]),
    si("k", [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22]),
    si("k", [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4]),
  ]);
});

Deno.test("report: bar labels are cut only when they do not fit their 160 px ('Monica's Nest Official' whole)", async () => {
  // Vega without a canvas counted 0.8 em a character: 22 characters at 10 px were 176 px,
  // cut to 'Monica's Nest Offi…' though they take about 110 px.
  const html = await buildReport({
    top_user_by_country: [
      {
        country: "Chad",
        poster_name: "Kimberly's Journal | Lifestyle Blog and Home Decor Ideas",
        follower_count: 23000000,
      },
      {
        country: "Peru",
        poster_name: "Monica's Nest Official",
        follower_count: 9,
      },
    ],
  });
  const svg = html.match(/<svg xmlns[\s\S]*?<\/svg>/)![0];
  const labels = [
    ...svg.matchAll(/role-mark[^"]*"[^>]*>(?:(?!role-)[\s\S])*?<\/g>/g),
  ]
    .flatMap((g) => [...g[0].matchAll(/>([^<>]+)<\/text>/g)].map((m) => m[1]));
  assert.deepEqual(labels, [
    "Kimberly's Journal | Lifestyle …",
    "Monica's Nest Official",
  ]);
  assert.match(svg, /^<svg[^>]* width="600"/);
});

Deno.test("report: a category named like an Object member (toString, constructor, ...) is charted, not a crash in Vega", async () => {
  // Vega-Lite put the colour domain into a stacking expression ('indexof(["toString"], ...)'),
  // and Vega took "toString" for a signal there: 'Operator not defined: undefined'.
  const names = ["toString", "constructor", "valueOf", "hasOwnProperty"];
  const html = await buildReport({
    popular_category_by_country: names.map((category, i) => ({
      country: `C${i}`,
      category,
      category_count: i + 1,
    })),
    popular_category_by_year: names.map((category, i) => ({
      post_year: 2018 + i,
      category,
      category_count: i + 1,
    })),
    popular_category_by_age_group: names.map((category, i) => ({
      age_group: ["18-24", "25-35", "36-50", "+50"][i],
      category,
      category_count: i + 1,
    })),
  });
  const svgs = html.match(/<svg xmlns[\s\S]*?<\/svg>/g) ?? [];
  assert.equal(svgs.length, 3);
  for (const svg of svgs) {
    for (const name of names) assert.match(svg, new RegExp(`>${name}<`));
  }
  // Each category keeps a colour of its own, the same in the three charts.
  const fills = svgs.map((svg) =>
    Object.fromEntries(
      [...svg.matchAll(/category: (\w+)" [^>]*"bar" d="[^"]*" fill="([^"]+)"/g)]
        .map((m) => [m[1], m[2]]),
    )
  );
  assert.deepEqual(Object.keys(fills[0]).sort(), [...names].sort());
  assert.equal(new Set(Object.values(fills[0])).size, 4);
  assert.deepEqual(fills[1], fills[0]);
  assert.deepEqual(fills[2], fills[0]);
});

Deno.test("report: a bar label past the longest bar stays inside the 600 px chart, not cut off at its edge", async () => {
  // Vega sized the plot for the labels once, at its first width: a bar short of the axis' end
  // (19M on a 0-20M axis) moved left less than the plot shrank, and its label ran 11 px past
  // the chart's edge, where the page cut it ('Gorgeous Daily Li').
  const html = await buildReport({
    top_user_by_country: [
      {
        country: "Spain",
        poster_name: "Gorgeous Daily Life",
        follower_count: 19000000,
      },
      {
        country: "Antarctica (the territory South of 60 deg S)",
        poster_name: "Ada",
        follower_count: 12000,
      },
    ],
    popular_category_by_country: [
      { country: "Spain", category: "diy-and-crafts", category_count: 13 },
      { country: "Chad", category: "art", category_count: 1 },
    ],
  });
  const svgs = html.match(/<svg xmlns[\s\S]*?<\/svg>/g) ?? [];
  const x = (attrs: string) =>
    Number(attrs.match(/transform="translate\(([-\d.]+),/)?.[1] ?? 0);
  const rightEdges = svgs.map((svg, i) => {
    const label = i === 0 ? "diy-and-crafts" : "Gorgeous Daily Life";
    const plot = x(svg.match(/<g [^>]*transform="translate[^>]*>/)![0]);
    const text = svg.match(new RegExp(`<text ([^>]*)>${label}</text>`))!;
    return Math.round(plot + x(text[1]) + textWidth(label, { fontSize: 10 }));
  });
  assert.equal(rightEdges.length, 2);
  for (const edge of rightEdges) assert.ok(edge <= 600, String(rightEdges));
  assert.deepEqual(svgs.map((svg) => svg.match(/width="(\d+)"/)![1]), [
    "600",
    "600",
  ]);
});
