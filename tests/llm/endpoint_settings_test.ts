import assert from "node:assert/strict";
import {
  endpointUrl,
  redactUrl,
  requestHeaders,
} from "../../src/llm/endpoint_settings.ts";

Deno.test("endpointUrl() appends a path to any spelling of base_url", async (t) => {
  const cases: Array<[string, string, string, boolean, string]> = [
    [
      "plain",
      "http://localhost:11434/v1",
      "/models",
      false,
      "http://localhost:11434/v1/models",
    ],
    [
      "trailing slash",
      "http://localhost:11434/v1/",
      "/models",
      false,
      "http://localhost:11434/v1/models",
    ],
    [
      "spaces around",
      "  http://h:1/v1  ",
      "/models",
      false,
      "http://h:1/v1/models",
    ],
    [
      "a query string stays at the end",
      "https://x.example/openai/deployments/d?api-version=2024-06-01",
      "/chat/completions",
      false,
      "https://x.example/openai/deployments/d/chat/completions?api-version=2024-06-01",
    ],
    [
      "the server root for /tokenize",
      "http://h:8080/v1/",
      "/tokenize",
      true,
      "http://h:8080/tokenize",
    ],
    [
      "a root without /v1",
      "http://h:8080",
      "/tokenize",
      true,
      "http://h:8080/tokenize",
    ],
  ];
  for (const [name, base, path, root, expected] of cases) {
    await t.step(
      name,
      () => assert.equal(endpointUrl(base, path, root), expected),
    );
  }
});

Deno.test("redactUrl() removes credentials and query strings", async (t) => {
  const cases: Array<[string, string, string]> = [
    [
      "a plain URL is kept",
      "http://localhost:8080/v1/models",
      "http://localhost:8080/v1/models",
    ],
    ["user and password", "http://bob:hunter2@h:1/v1", "http://h:1/v1"],
    [
      "a key in the query",
      "https://h/v1/models?key=abc123",
      "https://h/v1/models?…",
    ],
    ["not a URL", "::::", "(invalid URL)"],
  ];
  for (const [name, url, expected] of cases) {
    await t.step(name, () => assert.equal(redactUrl(url), expected));
  }
});

Deno.test("requestHeaders() sends a bearer key only when there is one, extra headers last", () => {
  const none = requestHeaders(
    { api_key: "", headers: {} },
    "text/event-stream",
  );
  assert.equal(none.get("authorization"), null);
  assert.equal(none.get("accept"), "text/event-stream");
  const keyed = requestHeaders(
    {
      api_key: "sk-1",
      headers: { "X-Title": "bot", Accept: "application/json" },
    },
    "text/event-stream",
  );
  assert.equal(keyed.get("authorization"), "Bearer sk-1");
  assert.equal(keyed.get("x-title"), "bot");
  assert.equal(keyed.get("accept"), "application/json");
});
