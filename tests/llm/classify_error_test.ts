import assert from "node:assert/strict";
import {
  errorFromResponse,
  errorFromStreamPayload,
  parseRetryAfter,
} from "../../src/llm/classify_error.ts";
import type { LlmErrorKind } from "../../src/llm/llm_error.ts";

const context = {
  endpoint: "local",
  url: "http://127.0.0.1:8080/v1/chat/completions",
  secrets: ["sk-secret-key"],
};

Deno.test("errorFromResponse() classifies what each server answers", async (t) => {
  const cases: Array<[string, number, unknown, LlmErrorKind, boolean]> = [
    [
      "401 is authentication",
      401,
      { error: { message: "Invalid API Key" } },
      "authentication",
      false,
    ],
    ["403 is authentication", 403, "Forbidden", "authentication", false],
    [
      "Ollama's missing model",
      404,
      {
        error: {
          message: 'model "llama9" not found, try pulling it first',
          type: "api_error",
        },
      },
      "unknown_model",
      false,
    ],
    [
      "vLLM's missing model",
      404,
      {
        object: "error",
        message: "The model `x` does not exist.",
        type: "NotFoundError",
        code: 404,
      },
      "unknown_model",
      false,
    ],
    [
      "404 without a model is a wrong URL",
      404,
      "404 page not found",
      "not_found",
      false,
    ],
    [
      "OpenAI's context_length_exceeded",
      400,
      {
        error: {
          message: "This model's maximum context length is 8192 tokens.",
          code: "context_length_exceeded",
        },
      },
      "context_too_long",
      false,
    ],
    [
      "llama.cpp's exceed_context_size_error",
      400,
      {
        error: {
          code: 400,
          message:
            "request (4476 tokens) exceeds the available context size (4096 tokens)",
          type: "exceed_context_size_error",
        },
      },
      "context_too_long",
      false,
    ],
    [
      "llama.cpp's HTTP 500 for a malformed request",
      500,
      {
        error: {
          code: 500,
          message:
            "[json.exception.type_error.302] type must be string, but is number",
          type: "server_error",
        },
      },
      "bad_request",
      false,
    ],
    [
      "a plain 400",
      400,
      { error: { message: "temperature is out of range" } },
      "bad_request",
      false,
    ],
    [
      "429 is rate limited and retryable",
      429,
      { error: { message: "slow down" } },
      "rate_limited",
      true,
    ],
    [
      "429 for an exhausted quota is not retryable",
      429,
      {
        error: {
          message: "You exceeded your quota",
          code: "insufficient_quota",
        },
      },
      "rate_limited",
      false,
    ],
    [
      "an opaque 500",
      500,
      { error: { message: "CUDA error" } },
      "server_error",
      true,
    ],
    [
      "503 while the model loads",
      503,
      { error: { message: "Loading model", type: "unavailable_error" } },
      "server_error",
      true,
    ],
    [
      "502 HTML from a proxy",
      502,
      "<html>Bad Gateway</html>",
      "server_error",
      true,
    ],
  ];
  for (const [name, status, body, kind, retryable] of cases) {
    await t.step(name, () => {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      const error = errorFromResponse(context, status, text, undefined);
      assert.equal(error.kind, kind);
      assert.equal(error.retryable, retryable);
      assert.equal(error.status, status);
      assert.match(error.message, /endpoint "local"/);
      assert.match(error.message, new RegExp(`HTTP ${status}`));
      assert.doesNotMatch(error.userMessage, /http|127\.0\.0\.1/i);
    });
  }
});

Deno.test("errorFromResponse() never repeats the API key from the body", () => {
  const error = errorFromResponse(
    context,
    401,
    '{"error":{"message":"Incorrect API key provided: sk-secret-key"}}',
    undefined,
  );
  assert.doesNotMatch(error.message, /sk-secret-key/);
  assert.match(error.message, /\[redacted\]/);
});

Deno.test("errorFromStreamPayload() classifies an error object sent mid-stream", async (t) => {
  const cases: Array<[string, unknown, LlmErrorKind]> = [
    ["llama.cpp's error line", {
      code: 500,
      message: "slot crashed",
      type: "server_error",
    }, "server_error"],
    [
      "a context error",
      { error: { message: "context length exceeded" } },
      "context_too_long",
    ],
    ["something unreadable", { weird: true }, "server_error"],
  ];
  for (const [name, payload, kind] of cases) {
    await t.step(name, () => {
      const error = errorFromStreamPayload(context, payload);
      assert.equal(error.kind, kind);
      assert.match(error.message, /in the stream/);
    });
  }
});

Deno.test("parseRetryAfter() reads seconds and HTTP dates", async (t) => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  const cases: Array<[string, string | null, number | undefined]> = [
    ["seconds", "3", 3000],
    ["fractional seconds", "0.25", 250],
    ["an HTTP date", "Thu, 01 Jan 2026 00:00:05 GMT", 5000],
    ["a date in the past", "Wed, 31 Dec 2025 23:59:00 GMT", 0],
    ["missing", null, undefined],
    ["nonsense", "soon", undefined],
  ];
  for (const [name, value, expected] of cases) {
    await t.step(
      name,
      () => assert.equal(parseRetryAfter(value, now), expected),
    );
  }
});
