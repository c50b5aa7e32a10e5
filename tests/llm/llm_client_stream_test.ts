import assert from "node:assert/strict";
import { createLlmClient } from "../../src/llm/llm_client.ts";
import {
  fakePromptTokens,
  type LlmStyle,
  startFakeLlmServer,
} from "../fakes/fake_llm_server.ts";
import {
  chatRequest,
  collect,
  doneOf,
  endpoint,
  eventTypes,
  FAST_BACKOFF,
  recordingLogger,
} from "./llm_test_helpers.ts";

const STYLES: LlmStyle[] = ["llamacpp", "openai", "vllm", "ollama"];

Deno.test("streamChat() reads a streamed reply in every server's style", async (t) => {
  for (const style of STYLES) {
    await t.step(style, async () => {
      await using server = await startFakeLlmServer({ style });
      server.script({ chunks: ["Hel", "lo ", "world"] });
      const client = createLlmClient({ local: endpoint(server.url) }, {
        logger: recordingLogger(),
      });
      const request = chatRequest();
      const got = await collect(client.streamChat("local", request));
      assert.equal(got.error, undefined);
      assert.equal(got.text, "Hello world");
      assert.deepEqual(eventTypes(got.events), ["text", "done"]);
      const result = doneOf(got);
      assert.equal(result.endpoint, "local");
      assert.equal(result.model, "test-model");
      assert.equal(result.finish_reason, "stop");
      assert.equal(result.text, "Hello world");
      assert.equal(
        result.usage?.prompt_tokens,
        fakePromptTokens(request.messages),
      );
      assert.equal(result.attempts, 1);
      assert.ok(result.timing.first_token_ms !== null);
    });
  }
});

Deno.test("streamChat() sends the persona's settings, extra fields and headers", async () => {
  await using server = await startFakeLlmServer({
    style: "vllm",
    api_key: "sk-test-1234",
  });
  const client = createLlmClient({
    local: endpoint(`${server.url}/`, {
      api_key: "sk-test-1234",
      headers: { "x-team": "bots" },
    }),
  }, { logger: recordingLogger() });
  const got = await collect(client.streamChat(
    "local",
    chatRequest({
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 800,
      stop: ["\nUser:"],
      extra: { min_p: 0.05, model: "ignored", repetition_penalty: 1.1 },
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi", name: "alice" },
      ],
    }),
  ));
  assert.equal(got.text, "echo: Hi");
  const [sent] = server.chatRequests();
  assert.ok(sent);
  assert.equal(sent.headers.authorization, "Bearer sk-test-1234");
  assert.equal(sent.headers["x-team"], "bots");
  assert.equal(sent.headers["content-type"], "application/json");
  assert.deepEqual(sent.body, {
    temperature: 0.7,
    top_p: 0.9,
    max_tokens: 800,
    stop: ["\nUser:"],
    stream_options: { include_usage: true },
    min_p: 0.05,
    repetition_penalty: 1.1,
    model: "test-model",
    messages: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi", name: "alice" },
    ],
    stream: true,
  });
});

Deno.test("streamChat() sends no Authorization header when the key is empty", async () => {
  await using server = await startFakeLlmServer();
  const client = createLlmClient({ local: endpoint(server.url) }, {
    logger: recordingLogger(),
  });
  await collect(client.streamChat("local", chatRequest()));
  assert.equal(server.chatRequests()[0]?.headers.authorization, undefined);
});

Deno.test("streamChat() with stream: false gives the same events from one JSON answer", async (t) => {
  for (const style of STYLES) {
    await t.step(style, async () => {
      await using server = await startFakeLlmServer({ style });
      server.script({ chunks: ["Whole ", "answer"], reasoning: ["Quietly."] });
      const client = createLlmClient({ local: endpoint(server.url) }, {
        logger: recordingLogger(),
      });
      const got = await collect(
        client.streamChat("local", chatRequest({ stream: false })),
      );
      assert.equal(
        server.chatRequests()[0]?.headers.accept,
        "application/json",
      );
      assert.equal(
        (server.chatRequests()[0]?.body as { stream: boolean }).stream,
        false,
      );
      assert.deepEqual(eventTypes(got.events), ["reasoning", "text", "done"]);
      assert.equal(got.text, "Whole answer");
      assert.equal(got.reasoning, "Quietly.");
      assert.ok(doneOf(got).usage !== null);
    });
  }
});

Deno.test("streamChat() separates reasoning in every form servers send it", async (t) => {
  const cases: Array<[string, LlmStyle, "field" | "think_tags", string[]]> = [
    ["llama.cpp reasoning_content", "llamacpp", "field", ["Let me ", "think."]],
    ["vLLM reasoning", "vllm", "field", ["Let me ", "think."]],
    ["Ollama reasoning", "ollama", "field", ["Let me ", "think."]],
    ["<think> tags split across chunks", "openai", "think_tags", [
      "Let me ",
      "think.",
    ]],
  ];
  for (const [name, style, as, reasoning] of cases) {
    await t.step(name, async () => {
      await using server = await startFakeLlmServer({ style });
      server.script({
        reasoning,
        reasoning_as: as,
        chunks: ["The ", "answer."],
      });
      const client = createLlmClient({ local: endpoint(server.url) }, {
        logger: recordingLogger(),
      });
      const got = await collect(client.streamChat("local", chatRequest()));
      assert.equal(got.reasoning, "Let me think.");
      assert.equal(got.text, "The answer.");
      assert.deepEqual(eventTypes(got.events), ["reasoning", "text", "done"]);
      assert.equal(doneOf(got).reasoning, "Let me think.");
    });
  }

  await t.step("tags cut mid-tag by the network", async () => {
    await using server = await startFakeLlmServer({ style: "llamacpp" });
    server.script({ chunks: ["<thi", "nk>Hmm", ".</th", "ink>\n\nYes", "."] });
    const client = createLlmClient({ local: endpoint(server.url) }, {
      logger: recordingLogger(),
    });
    const got = await collect(client.streamChat("local", chatRequest()));
    assert.equal(got.reasoning, "Hmm.");
    assert.equal(got.text, "Yes.");
  });
});

Deno.test("streamChat() survives the stream quirks of real servers", async (t) => {
  const cases: Array<
    [
      string,
      Parameters<Awaited<ReturnType<typeof startFakeLlmServer>>["script"]>[0],
    ]
  > = [
    ["CRLF line ends", { chunks: ["a", "b", "c"], line_ending: "\r\n" }],
    ["keep-alive comments between chunks", {
      chunks: ["a", "b", "c"],
      keep_alive: true,
    }],
    ["events split across network reads", {
      chunks: ["a", "b", "c"],
      split_writes: true,
    }],
    ["a stream that ends without [DONE]", {
      chunks: ["a", "b", "c"],
      done: false,
    }],
    ["no usage at all", { chunks: ["a", "b", "c"], usage: null }],
    ["empty content chunks", { chunks: ["a", "", "b", "", "c"] }],
  ];
  for (const [name, reply] of cases) {
    await t.step(name, async () => {
      await using server = await startFakeLlmServer({ style: "llamacpp" });
      server.script(reply);
      const client = createLlmClient({ local: endpoint(server.url) }, {
        logger: recordingLogger(),
        backoff: FAST_BACKOFF,
      });
      const got = await collect(client.streamChat("local", chatRequest()));
      assert.equal(got.error, undefined, got.error?.message);
      assert.equal(got.text, "abc");
      assert.equal(doneOf(got).attempts, 1);
      const usage = doneOf(got).usage;
      if (reply.usage === null) assert.equal(usage, null);
      else assert.ok((usage?.prompt_tokens ?? 0) > 0);
    });
  }
});

Deno.test("streamChat() echoes the last user message when nothing is scripted", async () => {
  await using server = await startFakeLlmServer({ style: "ollama" });
  const client = createLlmClient({ local: endpoint(server.url) }, {
    logger: recordingLogger(),
  });
  const got = await collect(client.streamChat(
    "local",
    chatRequest({
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "echo: first" },
        { role: "user", content: "second one" },
      ],
    }),
  ));
  assert.equal(got.text, "echo: second one");
});

Deno.test("streamChat() keeps a query string of base_url and logs no key", async () => {
  await using server = await startFakeLlmServer();
  const logger = recordingLogger();
  const client = createLlmClient({
    local: endpoint(`${server.url}?api-version=1&key=query-secret`, {
      api_key: "sk-header-secret",
    }),
  }, { logger });
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.equal(got.text, "echo: hello there");
  assert.equal(server.chatRequests()[0]?.path, "/v1/chat/completions");
  assert.ok(logger.lines.length > 0);
  for (const line of logger.lines) {
    assert.doesNotMatch(line, /query-secret|sk-header-secret/);
  }
});
