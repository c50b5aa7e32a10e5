/**
 * The inspection record of a turn, filled by the real context and
 * generation stages over the fake LLM server: what was sent, with token
 * counts, and what was left out and why.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/load_config.ts";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import { createTurnInspection } from "../../src/pipeline/turn_inspection.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, CHANNEL, GUILD } from "../support/test_config.ts";

const NOW = Date.UTC(2026, 0, 1, 12);
const HOUR = 3_600_000;

Deno.test("the inspection names each left-out message's reason: age, count, budget", async () => {
  await using llm = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const config = parseConfig(
    `version: 1
discord: { token: a.b.c }
endpoints:
  local: { base_url: "${llm.url}", retries: 0 }
personas:
  helper: { endpoint: local, model: test-model, system_prompt: "Be brief.", max_tokens: 50 }
budgets:
  default: { context_tokens: 300, reserve_tokens: 60, max_messages: 3, max_age: 1h }
bindings:
  - channels: ["${CHANNEL}"]
    persona: helper
`,
    "bot.config.yaml",
    () => undefined,
  );
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => BOT_ID,
    now: () => NOW,
  });
  const conversation = { channel_id: CHANNEL, guild_id: GUILD, user_id: "" };
  const add = (content: string, created_at: number) =>
    store.addMessage({
      conversation,
      external_id: null,
      author_id: "400000000000000001",
      author_name: "Alice",
      role: "user",
      persona: "helper",
      content,
      token_count: null,
      created_at,
      partial: false,
    });
  await add("ancient", NOW - 2 * HOUR);
  await add("r1", NOW - 10 * 60_000);
  await add("r2", NOW - 9 * 60_000);
  await add(`r3 ${"long words ".repeat(150)}`, NOW - 8 * 60_000);
  await add("r4", NOW - 7 * 60_000);
  await add("r5", NOW - 6 * 60_000);

  const inspection = createTurnInspection();
  const outcome = await services.runner.dispatch(
    message({ text: "now", created_at: NOW }),
    new RecordingReply(),
    { inspection },
  );
  assert.equal(outcome, "answered");
  assert.deepEqual(
    inspection.messages.map((m) => [m.kind, m.content]),
    [
      ["system", "Be brief."],
      // One user message, as the model gets it (roles alternate).
      ["current", "Alice: r4\n\nAlice: r5\n\nAlice: now"],
    ],
  );
  assert.ok(inspection.messages.every((m) => m.tokens > 0));
  assert.deepEqual(
    inspection.left_out.map((m) => [m.content.slice(0, 2), m.reason]),
    [["r3", "budget"], ["r2", "count"], ["r1", "count"], ["an", "age"]],
  );
  const budget = inspection.budget!;
  assert.equal(budget.context_tokens, 300);
  assert.equal(budget.reserve_tokens, 60);
  assert.equal(
    budget.system + budget.history + budget.current,
    inspection.messages.reduce((n, m) => n + m.tokens, 0),
  );
  assert.equal(budget.max_tokens, 50);
  const body = inspection.body as { messages: unknown[]; max_tokens: number };
  assert.deepEqual(body, llm.chatRequests()[0]?.body, "the exact body sent");
  assert.equal(inspection.raw_text, "echo: Alice: now");
  await services.runner.shutdown(1000);
});

Deno.test("without usage from the server the inspection says its token figures are estimated", async () => {
  await using llm = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const { testConfig } = await import("../support/test_config.ts");
  const services = createBotServices({
    config: testConfig(llm.url),
    store,
    bot_user_id: () => BOT_ID,
  });
  llm.script({ chunks: ["no", " usage", " here"], usage: null });
  const inspection = createTurnInspection();
  await services.runner.dispatch(message(), new RecordingReply(), {
    inspection,
  });
  assert.equal(inspection.usage, null);
  assert.equal(inspection.tokens_estimated, true);
  assert.equal(inspection.raw_text, "no usage here");
  await services.runner.shutdown(1000);
});

Deno.test("the inspection's budget is the window the server really serves", async () => {
  await using llm = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const { testConfig } = await import("../support/test_config.ts");
  const services = createBotServices({
    config: testConfig(llm.url),
    store,
    bot_user_id: () => BOT_ID,
  });
  services.counters.setContextLimit("local", "test-model", 1024);
  const inspection = createTurnInspection();
  await services.runner.dispatch(message(), new RecordingReply(), {
    inspection,
  });
  assert.equal(inspection.budget?.configured_context_tokens, 4096);
  assert.equal(inspection.budget?.context_tokens, 1024);
  assert.equal(inspection.budget?.reserve_tokens, 256);
  await services.runner.shutdown(1000);
});

Deno.test("a turn without an inspection record runs as before", async () => {
  await using llm = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const { testConfig } = await import("../support/test_config.ts");
  const services = createBotServices({
    config: testConfig(llm.url),
    store,
    bot_user_id: () => BOT_ID,
  });
  const reply = new RecordingReply();
  assert.equal(await services.runner.dispatch(message(), reply), "answered");
  await services.runner.shutdown(1000);
});
