import assert from "node:assert/strict";
import {
  buildContextWindow,
  IMAGE_TOKENS,
  truncateToTokens,
  TRUNCATION_MARKER,
  withImages,
} from "../../src/pipeline/history_window.ts";
import type {
  WindowInput,
  WindowMessage,
} from "../../src/pipeline/history_window.ts";
import {
  countMessageTokens,
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
  REPLY_PRIMER_TOKENS,
} from "../../src/llm/token_estimate.ts";

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  "hello",
  "the",
  "context",
  "🙂",
  "ünïcode",
  "12345",
  "code:",
  "{x}",
  "\n",
  "naïve",
  "テスト",
];

function randomText(random: () => number, words: number): string {
  let text = "";
  for (let i = 0; i < words; i++) {
    text += `${WORDS[Math.floor(random() * WORDS.length)]} `;
  }
  return text;
}

function windowMessage(
  role: "user" | "assistant",
  content: string,
): WindowMessage {
  return { role, content, tokens: estimateTokens(content) };
}

function input(overrides: Partial<WindowInput>): WindowInput {
  return {
    system: "You are a test.",
    history: [],
    replied_to: null,
    current: windowMessage("user", "Alice: hi"),
    context_tokens: 1000,
    reserve_tokens: 100,
    max_tokens: undefined,
    count: estimateTokens,
    message_overhead: MESSAGE_OVERHEAD_TOKENS,
    reply_primer: REPLY_PRIMER_TOKENS,
    ...overrides,
  };
}

Deno.test("buildContextWindow() never exceeds context_tokens, over 500 random histories", () => {
  const random = mulberry32(20261125);
  for (let run = 0; run < 500; run++) {
    const context_tokens = 256 + Math.floor(random() * 8000);
    const reserve_tokens = 1 + Math.floor(random() * (context_tokens / 2));
    const history = Array.from(
      { length: Math.floor(random() * 80) },
      (_, i) =>
        windowMessage(
          i % 2 ? "assistant" : "user",
          randomText(random, Math.floor(random() * 300)),
        ),
    );
    const huge = random() < 0.2;
    const current = windowMessage(
      "user",
      randomText(random, huge ? 20_000 : Math.floor(random() * 200)),
    );
    const replied = random() < 0.3
      ? windowMessage("assistant", randomText(random, 50))
      : null;
    const system = randomText(random, random() < 0.1 ? 5_000 : 40);
    const result = buildContextWindow(input({
      system,
      history,
      current,
      replied_to: replied,
      context_tokens,
      reserve_tokens,
      max_tokens: random() < 0.5 ? undefined : Math.floor(random() * 4000) + 1,
    }));
    const prompt = countMessageTokens(result.messages, estimateTokens);
    assert.ok(
      prompt + result.max_tokens <= context_tokens,
      `run ${run}: prompt ${prompt} + max_tokens ${result.max_tokens} > ${context_tokens}`,
    );
    assert.ok(
      prompt <= context_tokens - reserve_tokens,
      `run ${run}: prompt eats the reserve`,
    );
    assert.equal(result.messages[0]?.role, "system");
    assert.equal(result.messages.at(-1)?.role, "user");
    // History kept is the newest part, in chronological order.
    const kept = history.slice(0, result.history_used).reverse().map((m) =>
      m.content
    );
    assert.deepEqual(
      result.messages.slice(1, 1 + result.history_used).map((m) => m.content),
      kept,
    );
  }
});

Deno.test("buildContextWindow() keeps the newest history that fits and drops the oldest", () => {
  const history = ["newest", "middle", "oldest"].map((w) =>
    windowMessage("user", `${w} `.repeat(40))
  );
  const each = history[0]!.tokens + MESSAGE_OVERHEAD_TOKENS;
  const base =
    buildContextWindow(input({ history: [], context_tokens: 10_000 }))
      .prompt_tokens;
  const result = buildContextWindow(input({
    history,
    context_tokens: base + 2 * each + 100 + 5,
    reserve_tokens: 100,
  }));
  assert.equal(result.history_used, 2);
  assert.deepEqual(result.messages.map((m) => m.content.split(" ")[0]), [
    "You",
    "middle",
    "newest",
    "Alice:",
  ]);
});

Deno.test("buildContextWindow() truncates one message larger than the whole budget, with a marker", () => {
  const current = windowMessage("user", "word ".repeat(10_000));
  const result = buildContextWindow(
    input({ current, context_tokens: 600, reserve_tokens: 100 }),
  );
  const last = result.messages.at(-1)!.content;
  assert.ok(last.endsWith(TRUNCATION_MARKER));
  assert.ok(last.length < current.content.length);
  assert.equal(result.truncated, true);
});

Deno.test("buildContextWindow() includes the replied-to message just before the new one", () => {
  const replied = windowMessage("assistant", "the earlier answer");
  const result = buildContextWindow(
    input({
      replied_to: replied,
      history: [windowMessage("user", "Bob: old")],
    }),
  );
  assert.deepEqual(result.messages.map((m) => m.content), [
    "You are a test.",
    "Bob: old",
    "the earlier answer",
    "Alice: hi",
  ]);
});

Deno.test("truncateToTokens() never splits a surrogate pair", () => {
  const text = "🙂".repeat(500);
  for (let max = 5; max < 60; max += 7) {
    const cut = truncateToTokens(text, max, estimateTokens);
    assert.ok(estimateTokens(cut) <= max);
    const body = cut.slice(0, cut.length - TRUNCATION_MARKER.length);
    assert.equal(body.length % 2, 0);
  }
});

Deno.test("buildContextWindow() counts each picture as IMAGE_TOKENS, keeps pictures when it cuts the text, and passes them on", () => {
  const picture = { url: "data:image/png;base64,AAAA" };
  const current = withImages(windowMessage("user", "Alice: what is this?"), [
    picture,
  ]);
  assert.equal(
    current.tokens,
    estimateTokens("Alice: what is this?") + IMAGE_TOKENS,
  );
  const roomy = buildContextWindow(input({ current, context_tokens: 4000 }));
  assert.deepEqual(roomy.messages.at(-1)?.images, [picture]);
  const older = withImages(windowMessage("user", "Bob: see"), [picture]);
  const withHistory = buildContextWindow(input({
    history: [older],
    current: windowMessage("user", "Alice: and?"),
    context_tokens: 4000,
  }));
  assert.deepEqual(withHistory.messages[1]?.images, [picture]);
  assert.equal(withHistory.messages.at(-1)?.images, undefined);
  // A long text with a picture in a small window: the text is cut, the picture stays.
  const long = withImages(
    windowMessage("user", `Alice: ${"word ".repeat(2000)}`),
    [picture],
  );
  const tight = buildContextWindow(input({
    current: long,
    context_tokens: 1500,
    reserve_tokens: 100,
  }));
  assert.deepEqual(tight.messages.at(-1)?.images, [picture]);
  assert.ok(tight.truncated);
  assert.ok(tight.prompt_tokens <= 1400);
});
