import assert from "node:assert/strict";
import {
  discordTokenLength,
  endsSentence,
  GraphemeBoundaries,
  isWhitespace,
  startsUrl,
} from "../../src/chunker/chunk_text.ts";
import { mulberry32, randomMessage } from "./chunk_properties.ts";

Deno.test("isWhitespace() agrees with /\\s/ on every UTF-16 code unit", () => {
  for (let code = 0; code <= 0xffff; code++) {
    const expected = /\s/.test(String.fromCharCode(code));
    assert.equal(isWhitespace(code), expected, `U+${code.toString(16)}`);
  }
});

Deno.test("GraphemeBoundaries agrees with segmenting the whole text", () => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const rand = mulberry32(11);
  for (let run = 0; run < 40; run++) {
    const text = randomMessage(rand, 300 + Math.floor(rand() * 600));
    const expected = new Set([...segmenter.segment(text)].map((s) => s.index));
    expected.add(text.length);
    const boundaries = new GraphemeBoundaries(text, 0, text.length);
    let previous = 0;
    for (let pos = 0; pos <= text.length; pos++) {
      if (expected.has(pos)) previous = pos;
      assert.equal(
        boundaries.atOrBefore(pos),
        previous,
        `run ${run}, position ${pos}`,
      );
    }
    let next = text.length;
    for (let pos = text.length; pos >= 0; pos--) {
      if (expected.has(pos)) next = pos;
      assert.equal(
        boundaries.atOrAfter(pos),
        next,
        `run ${run}, position ${pos}`,
      );
    }
  }
});

Deno.test("GraphemeBoundaries finds boundaries inside long runs without ASCII", async (t) => {
  const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  const cases: [string, string][] = [
    ["flags", "🇫🇷🇯🇵".repeat(60)],
    ["combining marks", `Z${"\u0301".repeat(200)}a${"\u0323".repeat(90)}`],
    ["Arabic with harakat", "سَلَامٌ".repeat(40)],
    ["emoji ZWJ sequences", "👩🏾‍💻".repeat(30)],
  ];
  for (const [name, text] of cases) {
    await t.step(name, () => {
      const expected = new Set(
        [...segmenter.segment(text)].map((s) => s.index),
      );
      const boundaries = new GraphemeBoundaries(text, 0, text.length);
      let previous = 0;
      for (let pos = 0; pos < text.length; pos++) {
        if (expected.has(pos)) previous = pos;
        assert.equal(boundaries.atOrBefore(pos), previous, `position ${pos}`);
      }
    });
  }
});

Deno.test("discordTokenLength() recognises mentions, emoji, timestamps and commands", async (t) => {
  const cases: [string, number][] = [
    ["<@123456789012345678> hi", 21],
    ["<@!123>", 7],
    ["<@&42>", 6],
    ["<#42>", 5],
    ["<:blob_cat:42>", 14],
    ["<a:parrot:42>", 13],
    ["<t:1700000000:R>", 16],
    ["<t:-5>", 6],
    ["</ask model:42>", 15],
    ["<id:customize>", 14],
    ["<@abc>", 0],
    ["< @1>", 0],
    ["<b>bold</b>", 0],
    ["<https://example.com>", 0],
  ];
  for (const [text, length] of cases) {
    await t.step(
      text,
      () => assert.equal(discordTokenLength(text, 0, text.length), length),
    );
  }
  await t.step("never reads past the end it is given", () => {
    assert.equal(discordTokenLength("<@123456>", 0, 5), 0);
  });
});

Deno.test("startsUrl() finds http and https in any case", async (t) => {
  const cases: [string, boolean][] = [
    ["https://example.com", true],
    ["http://x", true],
    ["HTTPS://EXAMPLE.COM", true],
    ["https:/example.com", false],
    ["httpx://example.com", false],
    ["ftp://example.com", false],
    ["http:", false],
  ];
  for (const [text, expected] of cases) {
    await t.step(
      text,
      () => assert.equal(startsUrl(text, 0, text.length), expected),
    );
  }
});

Deno.test("endsSentence() sees terminal marks and one closer after them", async (t) => {
  const cases: [string, boolean][] = [
    ["Done.", true],
    ["Really?!", true],
    ["Wait…", true],
    ['He said "yes."', true],
    ["(see above.)", true],
    ["終わり。", true],
    ["hello", false],
    ["a, b", false],
    ['"quoted"', false],
  ];
  for (const [text, expected] of cases) {
    await t.step(
      text,
      () => assert.equal(endsSentence(text, text.length, 0), expected),
    );
  }
});
