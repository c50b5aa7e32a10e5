import assert from "node:assert/strict";
import type { ChatMessage } from "../../src/llm/chat_types.ts";
import { createTokenCounters } from "../../src/llm/token_counter.ts";
import {
  countMessageTokens,
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
  REPLY_PRIMER_TOKENS,
} from "../../src/llm/token_estimate.ts";
import {
  fakePromptTokens,
  fakeTokenCount,
  startFakeLlmServer,
} from "../fakes/fake_llm_server.ts";
import { endpoint, recordingLogger } from "./llm_test_helpers.ts";

const SAMPLES: Array<[string, string]> = [
  [
    "English prose",
    "The quick brown fox jumps over the lazy dog, again and again.",
  ],
  ["code", "function add(a: number, b: number) {\n  return a + b; // sum\n}"],
  ["numbers", "Call 555-0123 or wire 1234567.89 by 2026-01-31."],
  ["emoji", "Great job 🎉🎉 👍🏽"],
  ["Cyrillic", "Привет, как дела?"],
  ["CJK", "今日はいい天気ですね。"],
];

Deno.test("estimateTokens() errs on the high side of a word-level tokenizer", async (t) => {
  for (const [name, text] of SAMPLES) {
    await t.step(name, () => {
      assert.ok(
        estimateTokens(text) >= fakeTokenCount(text),
        `${estimateTokens(text)} < ${fakeTokenCount(text)}`,
      );
    });
  }
  assert.equal(estimateTokens(""), 0);
});

Deno.test("countMessageTokens() adds the per-message overhead and the reply primer", () => {
  const messages: ChatMessage[] = [
    { role: "system", content: "Be nice." },
    { role: "user", content: "Hi", name: "bob" },
  ];
  const count = (text: string) => text.length;
  assert.equal(
    countMessageTokens(messages, count),
    8 + 2 + (3 + 1) + 2 * MESSAGE_OVERHEAD_TOKENS + REPLY_PRIMER_TOKENS,
  );
});

Deno.test("TokenCounter learns a bounded ratio from reported usage, per endpoint and model", async (t) => {
  const messages: ChatMessage[] = [{
    role: "user",
    content:
      "Tell me everything about the history of the Roman empire and its emperors. "
        .repeat(5),
  }];
  const truth = fakePromptTokens(messages);

  await t.step(
    "it converges towards the server's count and stays above it",
    () => {
      const counters = createTokenCounters({
        local: endpoint("http://127.0.0.1:9/v1"),
      });
      const counter = counters.counterFor("local", "m");
      const before = counter.countMessages(messages);
      assert.ok(before > truth);
      for (let i = 0; i < 20; i++) {
        counters.observeUsage(
          "local",
          "m",
          messages,
          truth,
        );
      }
      const after = counter.countMessages(messages);
      assert.ok(after < before, `${after} < ${before}`);
      assert.ok(after >= truth, `${after} >= ${truth}`);
      assert.ok(after <= truth * 1.15, `${after} close to ${truth}`);
    },
  );

  await t.step("a prompt the server truncated is ignored", () => {
    const counters = createTokenCounters({
      local: endpoint("http://127.0.0.1:9/v1"),
    });
    counters.observeUsage("local", "m", messages, 12);
    assert.equal(counters.counterFor("local", "m").ratio, 1);
  });

  await t.step("absurdly high counts are ignored too", () => {
    const counters = createTokenCounters({
      local: endpoint("http://127.0.0.1:9/v1"),
    });
    counters.observeUsage("local", "m", messages, 100_000);
    assert.equal(counters.counterFor("local", "m").ratio, 1);
  });

  await t.step("higher counts are learned faster than lower ones", () => {
    const counters = createTokenCounters({
      local: endpoint("http://127.0.0.1:9/v1"),
    });
    const counter = counters.counterFor("local", "m");
    const overhead = countMessageTokens(messages, () => 0);
    const text = countMessageTokens(messages, estimateTokens) - overhead;
    counters.observeUsage("local", "m", messages, text * 2 + overhead);
    const up = counter.ratio;
    assert.ok(up > 1.5, `ratio ${up}`);
    counters.observeUsage("local", "m", messages, text + overhead);
    assert.ok(counter.ratio > 1.3, "one lower sample only nudges it down");
    assert.equal(counters.counterFor("local", "other").ratio, 1);
    assert.equal(counters.counterFor("remote", "m").ratio, 1);
  });
});

Deno.test("countExact() asks the server's /tokenize in its own dialect", async (t) => {
  for (const style of ["llamacpp", "vllm"] as const) {
    await t.step(style, async () => {
      await using server = await startFakeLlmServer({ style });
      const counters = createTokenCounters(
        { local: endpoint(server.url, { tokenizer: "server" }) },
        { logger: recordingLogger() },
      );
      const counter = counters.counterFor("local", "test-model");
      const text =
        "Exactly counted words, twenty of them or so, for the server to tokenize right now please.";
      assert.equal(await counter.countExact(text), fakeTokenCount(text));
      assert.equal(await counter.countExact("two words"), 2);
      const asked = server.requests.filter((r) => r.path === "/tokenize");
      // vLLM is asked in llama.cpp's dialect once, then in its own.
      assert.equal(asked.length, style === "llamacpp" ? 2 : 3);
      assert.ok(counter.ratio < 1, "exact counts calibrate the estimate");
    });
  }
});

Deno.test("countExact() falls back to the estimate on a server without /tokenize, warning once", async () => {
  await using server = await startFakeLlmServer({ style: "ollama" });
  const logger = recordingLogger();
  const counters = createTokenCounters(
    { local: endpoint(server.url, { tokenizer: "server" }) },
    { logger },
  );
  const counter = counters.counterFor("local", "test-model");
  assert.equal(
    await counter.countExact("some text here"),
    counter.count("some text here"),
  );
  assert.equal(
    await counter.countExact("more text"),
    counter.count("more text"),
  );
  assert.equal(server.requests.filter((r) => r.path === "/tokenize").length, 2);
  assert.equal(logger.lines.filter((l) => l.startsWith("warn")).length, 1);
});

Deno.test("countExact() uses the estimate when the endpoint is set to estimate", async () => {
  await using server = await startFakeLlmServer({ style: "llamacpp" });
  const counters = createTokenCounters({ local: endpoint(server.url) });
  const counter = counters.counterFor("local", "test-model");
  assert.equal(
    await counter.countExact("hello world"),
    counter.count("hello world"),
  );
  assert.equal(server.requests.length, 0);
});
