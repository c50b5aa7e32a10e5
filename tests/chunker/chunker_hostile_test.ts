import assert from "node:assert/strict";
import {
  DISCORD_MESSAGE_LIMIT,
  splitMessage,
} from "../../src/chunker/chunker.ts";
import {
  assertChunkInvariants,
  mulberry32,
  randomMessage,
} from "./chunk_properties.ts";

Deno.test("splitMessage() survives hostile 100 kB messages", async (t) => {
  const cases: [string, string][] = [
    ["one word, no spaces", "a".repeat(100_000)],
    ["zero-width spaces", "\u200b".repeat(100_000)],
    ["words joined by zero-width joiners", "word\u200d".repeat(20_000)],
    ["right-to-left text with harakat", "السَّلَامُ عَلَيْكُمْ ".repeat(5_000)],
    ["bidi controls", "\u202eabc\u202c \u2067שלום\u2069 ".repeat(6_000)],
    ["emoji ZWJ sequences", "👨‍👩‍👧‍👦".repeat(9_000)],
    ["flags", "🇫🇷🇯🇵".repeat(12_500)],
    ["skin tones", "👍🏽 ".repeat(20_000)],
    ["combining marks", "Z\u0336\u0351\u0310 e\u0301 ".repeat(12_500)],
    ["mentions glued together", "<@123456789012345678>".repeat(5_000)],
    [
      "a URL longer than the limit",
      `https://example.com/${"a".repeat(100_000)}`,
    ],
    ["newlines", `x${"\n".repeat(100_000)}y`],
    ["random mix", randomMessage(mulberry32(7), 100_000)],
  ];
  for (const [name, input] of cases) {
    await t.step(name, () => {
      const chunks = splitMessage(input);
      assertChunkInvariants(input, chunks, DISCORD_MESSAGE_LIMIT);
    });
  }
});

Deno.test("splitMessage() cuts a grapheme larger than the limit at code points only", () => {
  const zalgo = `Z${"\u0336".repeat(3000)}😀${"\u0351".repeat(1000)}`;
  const chunks = splitMessage(zalgo, 2000);
  assert.ok(chunks.length >= 3);
  assert.equal(chunks.join(""), zalgo);
  for (const chunk of chunks) {
    assert.ok(chunk.length <= 2000);
    assert.ok(chunk.isWellFormed());
  }
});

Deno.test("splitMessage() handles 2 MB of hostile text in linear time", () => {
  const input = randomMessage(mulberry32(99), 2_000_000);
  const started = performance.now();
  const chunks = splitMessage(input);
  const elapsed = performance.now() - started;
  assert.ok(chunks.length >= 1000);
  // Linear work takes well under a second here; a quadratic rescan takes minutes.
  assert.ok(elapsed < 10_000, `${elapsed} ms`);
});
