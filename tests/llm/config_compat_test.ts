import assert from "node:assert/strict";
import type {
  EndpointConfig,
  PersonaConfig,
} from "../../src/config/config_types.ts";
import type { ChatRequest } from "../../src/llm/chat_types.ts";
import type {
  EndpointSettings,
  ReasoningMode,
} from "../../src/llm/endpoint_settings.ts";
import { createLlmClient } from "../../src/llm/llm_client.ts";
import { recordingLogger } from "./llm_test_helpers.ts";

Deno.test("the config module's endpoints and personas go straight into the LLM client", () => {
  const endpoint: EndpointConfig = {
    base_url: "http://127.0.0.1:9/v1",
    api_key: "",
    headers: {},
    timeout: { first_token: 60_000, idle: 30_000, total: 300_000 },
    max_concurrency: 4,
    max_queue: 32,
    queue_timeout: 60_000,
    retries: 2,
    fallback: undefined,
    tokenizer: "estimate",
  };
  const persona: PersonaConfig = {
    display_name: "Helper",
    endpoint: "local",
    model: "llama3.1:8b",
    system_prompt: "Be kind.",
    temperature: 0.7,
    top_p: undefined,
    max_tokens: 800,
    stop: undefined,
    extra: {},
    stream: true,
    reasoning: "hide",
    vision: false,
    max_reply_chars: 8000,
  };
  const endpoints: Record<string, EndpointSettings> = { local: endpoint };
  const request: ChatRequest = {
    ...persona,
    messages: [{ role: "user", content: "hi" }],
  };
  const mode: ReasoningMode = persona.reasoning;
  const client = createLlmClient(endpoints, { logger: recordingLogger() });
  assert.deepEqual(client.status(), { local: { active: 0, waiting: 0 } });
  assert.equal(request.model, "llama3.1:8b");
  assert.equal(mode, "hide");
});
