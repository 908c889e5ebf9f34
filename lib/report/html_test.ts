import assert from "node:assert/strict";
import type { MetricResults } from "../metrics/mod.ts";
import { buildReport } from "./build.ts";

/** A token of an HTML document, as a browser's tokenizer splits it (data, tags, comments). */
type Token =
  | { kind: "text"; text: string }
  | { kind: "start"; name: string; attrs: [string, string][] }
  | { kind: "end"; name: string }
  | { kind: "comment" | "doctype"; text: string };

/** Elements whose content is raw text up to their end tag (no tags, no entities, but title's). */
const RAW_TEXT = ["script", "style", "title", "textarea", "xmp", "iframe"];

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (m, e) => {
    const named: Record<string, string> = {
      amp: "&",
      lt: "<",
      gt: ">",
      quot: '"',
      apos: "'",
    };
    if (e[0] !== "#") return named[e.toLowerCase()] ?? m;
    const code = e[1].toLowerCase() === "x"
      ? parseInt(e.slice(2), 16)
      : parseInt(e.slice(1), 10);
    return String.fromCodePoint(code);
  });
}

/** The start tag at `html[at]` ('<' then a letter): its token and where it ends. */
function startTag(html: string, at: number): [Token, number] {
  const name = /^<([^\s/>]+)/.exec(html.slice(at))![1].toLowerCase();
  const attrs: [string, string][] = [];
  const attr =
    /\s*\/?\s*(?:(>)|([^\s/>=][^\s/>=]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?)/y;
  attr.lastIndex = at + 1 + name.length;
  for (;;) {
    const m = attr.exec(html);
    assert.ok(m, `unterminated <${name}> at ${at}`);
    if (m[1]) return [{ kind: "start", name, attrs }, attr.lastIndex];
    attrs.push([m[2].toLowerCase(), decode(m[3] ?? m[4] ?? m[5] ?? "")]);
  }
}

/** Splits `html` the way the HTML tokenizer does, for the constructs a page can hold. */
function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  const upTo = (end: string, from: number) => {
    const i = html.indexOf(end, from);
    return i < 0 ? html.length : i;
  };
  while (at < html.length) {
    const lt = upTo("<", at);
    if (lt > at) {
      tokens.push({ kind: "text", text: decode(html.slice(at, lt)) });
    }
    if (lt >= html.length) break;
    const rest = html.slice(lt, lt + 10);
    if (rest.startsWith("<!--")) {
      const end = upTo("-->", lt + 4);
      tokens.push({ kind: "comment", text: html.slice(lt + 4, end) });
      at = end + 3;
    } else if (rest.startsWith("<!")) {
      const end = upTo(">", lt);
      tokens.push({ kind: "doctype", text: html.slice(lt + 2, end) });
      at = end + 1;
    } else if (/^<\/[a-z]/i.test(rest)) {
      const end = upTo(">", lt);
      const name = /^<\/([^\s/>]+)/.exec(html.slice(lt, end + 1))![1];
      tokens.push({ kind: "end", name: name.toLowerCase() });
      at = end + 1;
    } else if (/^<[a-z]/i.test(rest)) {
      const [tag, end] = startTag(html, lt);
      tokens.push(tag);
      at = end;
      if (tag.kind === "start" && RAW_TEXT.includes(tag.name)) {
        const close = html.toLowerCase().indexOf(`</${tag.name}`, at);
        const raw = html.slice(at, close < 0 ? html.length : close);
        tokens.push({
          kind: "text",
          text: tag.name === "title" ? decode(raw) : raw,
        });
        at = close < 0 ? html.length : close;
      }
    } else {
      tokens.push({ kind: "text", text: "<" });
      at = lt + 1;
    }
  }
  return tokens;
}

/** Every kind of text that breaks out of HTML, an attribute, a comment or a script's JSON. */
const HOSTILE =
  `</script><script>alert(1)</script><!-- "q" 'a' & &amp; \u2028\u2029 😀 <img src=x onerror=alert(2)> ]]>`;

function resultsWith(value: string): MetricResults {
  return {
    popular_category_by_country: [
      { country: value, category: value, category_count: 3 },
      { country: "Chad", category: "art", category_count: 1 },
    ],
    top_user_by_country: [
      { country: value, poster_name: value, follower_count: 12 },
    ],
    country_with_top_user: [{ country: value, follower_count: 12 }],
    popular_category_by_age_group: [
      { age_group: "18-24", category: value, category_count: 3 },
    ],
  };
}

/** The elements and attribute names of a page, in order: what its values must not change. */
const structure = (tokens: Token[]) =>
  tokens.flatMap((t) =>
    t.kind === "start"
      ? [`<${t.name} ${t.attrs.map(([n]) => n).join(" ")}>`]
      : t.kind === "end"
      ? [`</${t.name}>`]
      : t.kind === "text"
      ? []
      : [`${t.kind}`]
  );

Deno.test("report html: hostile names, countries and categories stay text, in the tables and in the charts", async () => {
  const generatedAt = new Date(0);
  const plain = tokenize(
    // As long as HOSTILE: Vega sizes the charts by their labels' length.
    await buildReport(resultsWith("x".repeat(HOSTILE.length)), { generatedAt }),
  );
  const tokens = tokenize(
    await buildReport(resultsWith(HOSTILE), { generatedAt }),
  );
  // The same elements and attributes as with a plain value: nothing was opened or closed by it.
  assert.deepEqual(structure(tokens), structure(plain));
  assert.deepEqual(
    tokens.filter((t) => t.kind === "start" && t.name === "script"),
    [],
  );
  assert.deepEqual(tokens.filter((t) => t.kind === "comment"), []);
  // The tables hold it whole, as text: 1+1 cells (metric 1), 2 (metric 3), 1 (4), 1 (5).
  const cells = tokens.flatMap((t, i) =>
    t.kind === "start" && t.name === "td" ? [tokens[i + 1]] : []
  );
  assert.equal(
    cells.filter((t) => t.kind === "text" && t.text === HOSTILE).length,
    6,
  );
  // The charts' labels (cut to fit, ending with …) and their aria-labels hold it as text too.
  const labels = tokens.flatMap((t, i) =>
    t.kind === "start" && t.name === "text" && tokens[i + 1].kind === "text"
      ? [(tokens[i + 1] as { text: string }).text]
      : []
  );
  assert.ok(labels.some((l) => l.startsWith(HOSTILE.slice(0, 20))));
  const aria = tokens.flatMap((t) =>
    t.kind === "start" ? t.attrs.filter(([n]) => n === "aria-label") : []
  ).map(([, v]) => v);
  assert.ok(
    aria.some((v) => v.includes(`country: ${HOSTILE}`)),
    aria.join("\n"),
  );
});
