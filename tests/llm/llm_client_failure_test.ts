import assert from "node:assert/strict";
import { createLlmClient } from "../../src/llm/llm_client.ts";
import { systemTimers } from "../../src/llm/timers.ts";
import type { LlmErrorKind } from "../../src/llm/llm_error.ts";
import {
  type ScriptedReply,
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

Deno.test("streamChat() turns each failure into an LlmError of the right kind", async (t) => {
  const cases: Array<[string, ScriptedReply, LlmErrorKind]> = [
    ["401", { status: 401 }, "authentication"],
    ["context too long (llama.cpp)", {
      status: 400,
      body: {
        error: {
          code: 400,
          message:
            "request (9000 tokens) exceeds the available context size (8192 tokens)",
          type: "exceed_context_size_error",
        },
      },
    }, "context_too_long"],
    ["llama.cpp's HTTP 500 for an invalid request", {
      status: 500,
      body: {
        error: {
          code: 500,
          message: "[json.exception.parse_error.101] parse error",
          type: "server_error",
        },
      },
    }, "bad_request"],
    ["429", { status: 429 }, "rate_limited"],
    ["503", { status: 503 }, "server_error"],
    ["an error object before the first token", {
      chunks: ["x"],
      error_after: 0,
    }, "server_error"],
    ["a garbage line", {
      chunks: ["x"],
      garbage_after: 0,
      garbage: "data: {oops",
    }, "invalid_response"],
    [
      "a non-SSE line",
      { chunks: ["x"], garbage_after: 0, garbage: "<html>" },
      "invalid_response",
    ],
  ];
  for (const [name, reply, kind] of cases) {
    await t.step(name, async () => {
      await using server = await startFakeLlmServer({ style: "llamacpp" });
      server.script(reply);
      const client = createLlmClient(
        {
          local: endpoint(server.url, {
            retries: 0,
            api_key: "sk-never-shown",
          }),
        },
        { logger: recordingLogger(), backoff: FAST_BACKOFF },
      );
      const got = await collect(client.streamChat("local", chatRequest()));
      assert.equal(got.error?.kind, kind, got.error?.message);
      assert.equal(got.error?.endpoint, "local");
      assert.match(got.error?.message ?? "", /endpoint "local"/);
      assert.doesNotMatch(got.error?.message ?? "", /sk-never-shown/);
      assert.doesNotMatch(got.error?.userMessage ?? "", /127\.0\.0\.1|http/);
      assert.equal(got.error?.partial, false);
    });
  }
});

Deno.test("streamChat() reports a model the server does not have", async () => {
  await using server = await startFakeLlmServer({
    style: "ollama",
    models: ["llama3.1:8b"],
  });
  const client = createLlmClient({ local: endpoint(server.url) }, {
    logger: recordingLogger(),
  });
  const got = await collect(
    client.streamChat("local", chatRequest({ model: "llama9" })),
  );
  assert.equal(got.error?.kind, "unknown_model");
  assert.match(got.error?.message ?? "", /llama9/);
  assert.equal(
    server.chatRequests().length,
    1,
    "a missing model is not retried",
  );
});

Deno.test("streamChat() retries a 503 before the first token", async () => {
  await using server = await startFakeLlmServer();
  server.script({ status: 503 }, { status: 502 }, { chunks: ["Fine", " now"] });
  const client = createLlmClient({
    local: endpoint(server.url, { retries: 2 }),
  }, {
    logger: recordingLogger(),
    backoff: FAST_BACKOFF,
  });
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.equal(got.text, "Fine now");
  assert.deepEqual(eventTypes(got.events), ["retry", "retry", "text", "done"]);
  assert.equal(doneOf(got).attempts, 3);
  assert.equal(server.chatRequests().length, 3);
});

Deno.test("streamChat() gives up after `retries` further attempts", async () => {
  await using server = await startFakeLlmServer();
  server.script({ status: 500 }, { status: 500 }, { status: 500 });
  const client = createLlmClient({
    local: endpoint(server.url, { retries: 1 }),
  }, {
    logger: recordingLogger(),
    backoff: FAST_BACKOFF,
  });
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.equal(got.error?.kind, "server_error");
  assert.equal(server.chatRequests().length, 2);
});

Deno.test("streamChat() waits as long as Retry-After asks", async (t) => {
  // HTTP dates have whole seconds: the injected clock is set 80 ms before one.
  const date = Math.ceil(Date.now() / 1000) * 1000 + 5000;
  const cases: Array<[string, string]> = [
    ["in seconds", "0.08"],
    ["as an HTTP date", new Date(date).toUTCString()],
  ];
  for (const [name, value] of cases) {
    await t.step(name, async () => {
      await using server = await startFakeLlmServer();
      server.script({ status: 429, headers: { "retry-after": value } }, {
        chunks: ["ok"],
      });
      const offset = Date.now() - (date - 80);
      const timers = { ...systemTimers, now: () => Date.now() - offset };
      const client = createLlmClient({ local: endpoint(server.url) }, {
        logger: recordingLogger(),
        backoff: FAST_BACKOFF,
        timers,
      });
      const started = Date.now();
      const got = await collect(client.streamChat("local", chatRequest()));
      assert.equal(got.text, "ok");
      const retry = got.events.find((e) => e.type === "retry");
      assert.equal(retry?.type, "retry");
      if (retry?.type !== "retry") return;
      assert.ok(retry.delay_ms >= 70, `planned ${retry.delay_ms} ms`);
      assert.ok(Date.now() - started >= 70, "waited before retrying");
    });
  }
});

Deno.test("streamChat() does not wait for a Retry-After longer than it may", async () => {
  await using server = await startFakeLlmServer();
  server.script({ status: 429, headers: { "retry-after": "3600" } });
  const client = createLlmClient({ local: endpoint(server.url) }, {
    logger: recordingLogger(),
    backoff: FAST_BACKOFF,
  });
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.equal(got.error?.kind, "rate_limited");
  assert.equal(server.chatRequests().length, 1);
});

Deno.test("streamChat() never retries once text has streamed, so nothing is duplicated", async (t) => {
  const cases: Array<[string, ScriptedReply, LlmErrorKind]> = [
    ["a dropped connection", {
      chunks: ["One ", "two ", "three"],
      drop_after: 2,
    }, "network"],
    ["an error object mid-stream", {
      chunks: ["One ", "two ", "three"],
      error_after: 2,
    }, "server_error"],
    ["a garbage line mid-stream", {
      chunks: ["One ", "two ", "three"],
      garbage_after: 2,
    }, "invalid_response"],
  ];
  for (const [name, reply, kind] of cases) {
    await t.step(name, async () => {
      await using server = await startFakeLlmServer();
      server.script(reply, { chunks: ["must not be used"] });
      const client = createLlmClient({
        local: endpoint(server.url, { retries: 3 }),
      }, {
        logger: recordingLogger(),
        backoff: FAST_BACKOFF,
      });
      const got = await collect(client.streamChat("local", chatRequest()));
      assert.equal(got.text, "One two ");
      assert.equal(got.error?.kind, kind);
      assert.equal(got.error?.partial, true);
      assert.equal(server.chatRequests().length, 1);
      assert.equal(client.status().local?.active, 0);
    });
  }
});

Deno.test("streamChat() retries an unreachable server, then reports a network error", async () => {
  const server = await startFakeLlmServer();
  const url = server.url;
  await server.close();
  const client = createLlmClient({
    local: endpoint(`${url}?key=query-secret`, { retries: 1 }),
  }, {
    logger: recordingLogger(),
    backoff: FAST_BACKOFF,
  });
  const got = await collect(client.streamChat("local", chatRequest()));
  assert.equal(got.error?.kind, "network");
  assert.deepEqual(eventTypes(got.events), ["retry"]);
  assert.doesNotMatch(got.error?.message ?? "", /query-secret/);
  assert.doesNotMatch(
    String((got.error?.cause as Error).message),
    /query-secret/,
  );
  assert.equal(
    got.error?.userMessage,
    "The bot could not reach the model server. Try again later.",
  );
});
