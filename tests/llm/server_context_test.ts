/**
 * The server's real context size, asked where each server says it, and a
 * truncated prompt never teaching the token estimate.
 */
import assert from "node:assert/strict";
import { serverContextSize } from "../../src/llm/server_context.ts";
import { createTokenCounters } from "../../src/llm/token_counter.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { endpoint } from "./llm_test_helpers.ts";

Deno.test("serverContextSize() reads llama.cpp's /props, vLLM's max_model_len and Ollama's num_ctx", async (t) => {
  for (const style of ["llamacpp", "vllm", "ollama"] as const) {
    await t.step(style, async () => {
      await using server = await startFakeLlmServer({
        style,
        models: ["test-model"],
        rules: { context_size: 4096 },
      });
      assert.equal(
        await serverContextSize(endpoint(server.url), "test-model"),
        4096,
      );
    });
  }
  await t.step("a server that does not say", async () => {
    await using server = await startFakeLlmServer({ style: "openai" });
    assert.equal(
      await serverContextSize(endpoint(server.url), "test-model"),
      null,
    );
  });
});

Deno.test("observeUsage() never calibrates from a prompt the server had to cut", () => {
  const counters = createTokenCounters({});
  const messages = [{
    role: "user" as const,
    content: "word ".repeat(2_000),
  }];
  counters.setContextLimit("local", "m", 1_000);
  // The server kept ~500 of ~2000 tokens and says so: not a lesson about tokens.
  counters.observeUsage("local", "m", messages, 500);
  assert.equal(counters.counterFor("local", "m").ratio, 1);
  assert.equal(counters.counterFor("local", "m").context_limit, 1_000);
  // Without a known limit the same sample would have been learned.
  counters.observeUsage("other", "m", messages, 1_500);
  assert.notEqual(counters.counterFor("other", "m").ratio, 1);
});
