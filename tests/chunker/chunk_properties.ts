/**
 * Shared by the chunker tests: a seeded PRNG, a generator of hostile chat
 * text, and one assertion that checks every invariant of a list of chunks
 * against the input it came from.
 *
 * @module
 */

import assert from "node:assert/strict";

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return function next(): number {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error("Cannot pick from an empty list");
  return item;
}

const WORDS = [
  "the",
  "model",
  "answer",
  "quick",
  "brown",
  "fox",
  "über",
  "naïve",
  "café",
  "streaming",
  "tokens",
  "a",
  "I",
  "context",
  "window",
  "Discord",
];
const ENDINGS = [".", "!", "?", "…", '."', ".)", "?!"];
const MENTIONS = [
  "<@123456789012345678>",
  "<@!123456789012345678>",
  "<@&876543210987654321>",
  "<#112233445566778899>",
  "<:blobcat:123456789012345678>",
  "<a:party_parrot:998877665544332211>",
  "<t:1700000000:R>",
  "<t:1700000000>",
];
const EMOJI = [
  "👍",
  "👍🏽",
  "👨‍👩‍👧‍👦",
  "🏳️‍🌈",
  "🇫🇷",
  "🇯🇵🇺🇸",
  "❤️",
  "1️⃣",
  "👩🏾‍💻",
];
const COMBINING = [
  "e\u0301",
  "a\u0308\u0323",
  "Z\u0336\u0351\u0310",
  "ก\u0e31\u0e49",
];
const ASTRAL = ["𝒜𝒷𝒸", "𠀀𠀁", "𓀀", "😀😃"];
const RTL = ["שלום עולם", "مرحبا بالعالم", "السَّلَامُ عَلَيْكُمْ", "\u202bRTL\u202c"];
const ZERO_WIDTH = [
  "\u200b",
  "\u200c",
  "\u200d",
  "\u2060",
  "\ufeff",
  "a\u200bb",
];
const CJK = ["你好。世界！", "こんにちは。元気？", "한국어 텍스트"];
const LANGUAGES = ["", "ts", "python", "rust", "js", "bash"];

function longWord(rand: () => number): string {
  const length = 20 + Math.floor(rand() * 180);
  let word = "";
  while (word.length < length) word += pick(rand, WORDS);
  return word;
}

function url(rand: () => number): string {
  const path = Array.from(
    { length: 1 + Math.floor(rand() * 4) },
    () => pick(rand, WORDS),
  )
    .join("/");
  return `${rand() < 0.5 ? "https" : "http"}://example.com/${path}?q=${
    Math.floor(rand() * 1e6)
  }`;
}

function codeBlock(rand: () => number): string {
  const r = rand();
  const marker = r < 0.7 ? "```" : r < 0.85 ? "~~~" : "````";
  const lines: string[] = [];
  const count = 1 + Math.floor(rand() * 15);
  for (let i = 0; i < count; i++) {
    const q = rand();
    if (q < 0.1) lines.push("");
    else if (q < 0.15) lines.push("x".repeat(60 + Math.floor(rand() * 100)));
    else if (q < 0.2 && marker === "````") lines.push("```");
    else {
      const indent = "  ".repeat(Math.floor(rand() * 3));
      lines.push(
        `${indent}let ${pick(rand, WORDS)} = f(${i}); // ${pick(rand, WORDS)}`,
      );
    }
  }
  const closed = rand() < 0.9;
  return `\n${marker}${pick(rand, LANGUAGES)}\n${lines.join("\n")}${
    closed ? `\n${marker}\n` : "\n"
  }`;
}

/** Random chat text of about `length` code units, mixing everything the chunker must survive. */
export function randomMessage(rand: () => number, length: number): string {
  let out = "";
  while (out.length < length) {
    const r = rand();
    let token: string;
    if (r < 0.42) {
      token = pick(rand, WORDS) + (rand() < 0.12 ? pick(rand, ENDINGS) : "");
    } else if (r < 0.49) token = "\n";
    else if (r < 0.53) token = "\n\n";
    else if (r < 0.57) token = codeBlock(rand);
    else if (r < 0.6) token = pick(rand, MENTIONS);
    else if (r < 0.63) token = url(rand);
    else if (r < 0.67) token = pick(rand, EMOJI);
    else if (r < 0.7) token = pick(rand, COMBINING);
    else if (r < 0.72) token = pick(rand, ASTRAL);
    else if (r < 0.75) token = pick(rand, RTL);
    else if (r < 0.77) token = pick(rand, ZERO_WIDTH);
    else if (r < 0.79) token = pick(rand, CJK);
    else if (r < 0.82) token = longWord(rand);
    else if (r < 0.84) token = "\r\n";
    else if (r < 0.87) token = `\n    ${pick(rand, WORDS)}`;
    else if (r < 0.9) token = `\`${pick(rand, WORDS)} ${pick(rand, WORDS)}\``;
    else if (r < 0.93) token = `\n- ${pick(rand, WORDS)}`;
    else token = pick(rand, WORDS);
    const s = rand();
    out += token + (s < 0.85 ? " " : s < 0.93 ? "" : "\n");
  }
  return out;
}

const FENCE_LINE = /^\s*(`{3,}|~{3,})([^]*)$/;

/** Whether a code fence is still open at the end of `text` (CommonMark lines). */
export function fenceOpenAtEnd(text: string): boolean {
  let open: { char: string; length: number } | null = null;
  for (const line of text.split("\n")) {
    const match = FENCE_LINE.exec(line);
    if (match === null) continue;
    const run = match[1] ?? "";
    const rest = (match[2] ?? "").trim();
    const char = run[0] ?? "";
    if (open !== null) {
      if (char === open.char && run.length >= open.length && rest === "") {
        open = null;
      }
    } else if (!(char === "`" && rest.includes("`"))) {
      open = { char, length: run.length };
    }
  }
  return open !== null;
}

const REOPEN = /^(`{3,}|~{3,})[^\s`~]*\n/;
const CLOSE = /\n(`{3,}|~{3,})$/;

/**
 * Finds where each chunk's own text lies in the input, taking off the fence
 * lines the chunker added: a chunk that ends with a synthetic close must be
 * followed by one that starts with the same marker reopened. Returns the
 * [start, end) of each chunk's text, or null when the chunks are not the
 * input minus whitespace at the cuts.
 */
export function locateChunks(
  input: string,
  chunks: readonly string[],
): [number, number][] | null {
  const spans: [number, number][] = [];
  function match(k: number, cursor: number, reopened: string | null): boolean {
    const chunk = chunks[k];
    if (chunk === undefined) return input.slice(cursor).trim() === "";
    let body = chunk;
    if (reopened !== null) {
      const head = REOPEN.exec(body);
      if (head === null || head[1] !== reopened) return false;
      body = body.slice(head[0].length);
    }
    const close = CLOSE.exec(body);
    const options: [string, string | null][] = [[body, null]];
    if (close !== null) {
      options.push([body.slice(0, close.index), close[1] ?? ""]);
    }
    for (const [text, marker] of options) {
      if (text.trim() === "") continue;
      const lead = text.length - text.trimStart().length;
      let q = cursor;
      while (q < input.length && /\s/.test(input[q] ?? "")) q++;
      const p = q - lead;
      if (p < cursor || !input.startsWith(text, p)) continue;
      spans.push([p, p + text.length]);
      if (match(k + 1, p + text.length, marker)) return true;
      spans.pop();
    }
    return false;
  }
  return match(0, 0, null) ? spans : null;
}

const TOKENS =
  /<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::[tTdDfFRs])?)>|https?:\/\/\S+/gi;
const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** Options for `assertChunkInvariants`. */
export interface InvariantOptions {
  /** Check that every chunk's fences are balanced (false for limits too small to repeat fences). */
  readonly balancedFences?: boolean;
}

/**
 * Asserts every chunker invariant: each chunk within `limit`, not blank,
 * well formed; fences balanced; the chunks, added fence lines removed, are
 * the input minus whitespace at the cuts; no cut inside a grapheme, token or
 * URL that is at most a quarter of the limit long.
 */
export function assertChunkInvariants(
  input: string,
  chunks: readonly string[],
  limit: number,
  options: InvariantOptions = {},
): void {
  for (const [i, chunk] of chunks.entries()) {
    assert.ok(
      chunk.length <= limit,
      `chunk ${i} has ${chunk.length} > ${limit} code units`,
    );
    assert.ok(
      /\S/.test(chunk),
      `chunk ${i} is empty or blank: ${JSON.stringify(chunk)}`,
    );
    assert.ok(
      chunk.isWellFormed(),
      `chunk ${i} has a lone surrogate: ${JSON.stringify(chunk)}`,
    );
    if (options.balancedFences ?? true) {
      assert.ok(
        !fenceOpenAtEnd(chunk),
        `chunk ${i} leaves a fence open: ${JSON.stringify(chunk)}`,
      );
    }
  }
  const spans = locateChunks(input, chunks);
  assert.ok(
    spans !== null,
    "the chunks are not the input minus whitespace and fence lines at cuts",
  );
  const boundaries = new Set<number>();
  const clusters: number[] = [];
  for (const { index } of segmenter.segment(input)) {
    boundaries.add(index);
    clusters.push(index);
  }
  clusters.push(input.length);
  boundaries.add(input.length);
  const small = limit / 4;
  const cuts = spans.flat();
  for (const cut of cuts) {
    if (boundaries.has(cut)) continue;
    let k = 0;
    while ((clusters[k + 1] ?? Infinity) < cut) k++;
    const size = (clusters[k + 1] ?? 0) - (clusters[k] ?? 0);
    assert.ok(size > small, `cut at ${cut} splits a ${size}-unit grapheme`);
  }
  for (const match of input.matchAll(TOKENS)) {
    if (match[0].length > small) continue;
    const from = match.index;
    const to = from + match[0].length;
    const inside = cuts.find((cut) => cut > from && cut < to);
    assert.equal(inside, undefined, `cut inside ${JSON.stringify(match[0])}`);
  }
}
