import assert from "node:assert/strict";
import {
  parseCompletion,
  parseStreamChunk,
} from "../../src/llm/chunk_parser.ts";

const base = { id: "c", object: "chat.completion.chunk", model: "m" };

Deno.test("parseStreamChunk() reads every server's chunk shapes", async (t) => {
  const cases: Array<[string, unknown, Record<string, unknown>]> = [
    [
      "llama.cpp first chunk with content and no role-only chunk before it",
      {
        ...base,
        choices: [{ index: 0, delta: { content: "Hi" }, finish_reason: null }],
      },
      { content: "Hi", finish_reason: null, usage: null },
    ],
    [
      "OpenAI role-only first chunk",
      {
        ...base,
        choices: [{ index: 0, delta: { role: "assistant", content: "" } }],
      },
      { content: "", finish_reason: null },
    ],
    [
      "null content",
      { ...base, choices: [{ index: 0, delta: { content: null } }] },
      { content: "" },
    ],
    [
      "usage on the finish chunk (llama.cpp)",
      {
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      },
      {
        finish_reason: "stop",
        usage: { prompt_tokens: 12, completion_tokens: 3 },
      },
    ],
    [
      "usage in a separate chunk with choices: [] (OpenAI, vLLM)",
      {
        ...base,
        choices: [],
        usage: { prompt_tokens: 5, completion_tokens: 2 },
      },
      {
        content: "",
        finish_reason: null,
        usage: { prompt_tokens: 5, completion_tokens: 2 },
      },
    ],
    [
      "a fractional token count is not believed",
      {
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        usage: { prompt_tokens: 12, completion_tokens: 7.5 },
      },
      { finish_reason: "stop", usage: null },
    ],
    [
      "a negative token count is not believed",
      {
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        usage: { prompt_tokens: -3, completion_tokens: 4 },
      },
      { finish_reason: "stop", usage: null },
    ],
    [
      "a token count as a string is not believed",
      {
        ...base,
        choices: [{ index: 0, delta: {}, finish_reason: "stop" }],
        usage: { prompt_tokens: "12", completion_tokens: 4 },
      },
      { finish_reason: "stop", usage: null },
    ],
    [
      "reasoning_content (llama.cpp, DeepSeek)",
      { ...base, choices: [{ index: 0, delta: { reasoning_content: "hmm" } }] },
      { reasoning: "hmm", content: "" },
    ],
    [
      "reasoning (vLLM, Ollama)",
      { ...base, choices: [{ index: 0, delta: { reasoning: "hmm" } }] },
      { reasoning: "hmm" },
    ],
  ];
  for (const [name, payload, expected] of cases) {
    await t.step(name, () => {
      const parsed = parseStreamChunk(payload);
      assert.equal(parsed.kind, "piece");
      if (parsed.kind !== "piece") return;
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(
          parsed.piece[key as keyof typeof parsed.piece],
          value,
          key,
        );
      }
    });
  }
});

Deno.test("parseStreamChunk() hands back an error object instead of a piece", async (t) => {
  const cases: Array<[string, unknown]> = [
    ["OpenAI style", { error: { message: "boom", type: "server_error" } }],
    ["vLLM top level", { object: "error", message: "boom", code: 500 }],
  ];
  for (const [name, payload] of cases) {
    await t.step(
      name,
      () => assert.equal(parseStreamChunk(payload).kind, "error"),
    );
  }
});

Deno.test("parseStreamChunk() calls anything else invalid", async (t) => {
  const cases: Array<[string, unknown]> = [
    ["a number", 42],
    ["an array", [1]],
    ["an object without choices or usage", { hello: "world" }],
    ["choices that are not an array", { choices: "no" }],
  ];
  for (const [name, payload] of cases) {
    await t.step(
      name,
      () => assert.equal(parseStreamChunk(payload).kind, "invalid"),
    );
  }
});

Deno.test("parseCompletion() reads a whole answer with its reasoning and usage", () => {
  const parsed = parseCompletion({
    object: "chat.completion",
    model: "m",
    choices: [{
      index: 0,
      message: {
        role: "assistant",
        content: "Answer",
        reasoning_content: "Thought",
      },
      finish_reason: "length",
    }],
    usage: { prompt_tokens: 9, completion_tokens: 4 },
  });
  assert.deepEqual(parsed, {
    kind: "piece",
    piece: {
      content: "Answer",
      reasoning: "Thought",
      finish_reason: "length",
      usage: { prompt_tokens: 9, completion_tokens: 4 },
      model: "m",
    },
  });
});
