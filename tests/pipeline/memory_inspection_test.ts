/**
 * The playground's inspection record shows what memory added: the notes,
 * preferences and summary appear as their own "memory" part (they travel in
 * the one system message), counted in `budget.memory`, with the summary as
 * sent on `inspection.memory`.
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../src/config/load_config.ts";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import { createTurnInspection } from "../../src/pipeline/turn_inspection.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, CHANNEL, GUILD } from "../support/test_config.ts";

Deno.test("the inspection shows memory as its own part of the request, with its tokens and the summary", async () => {
  await using llm = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const config = parseConfig(
    `version: 1
discord: { token: a.b.c }
endpoints:
  local: { base_url: "${llm.url}", retries: 0 }
personas:
  helper: { endpoint: local, model: test-model, system_prompt: "Be brief." }
budgets:
  default: { context_tokens: 2000, reserve_tokens: 200, memory: summary }
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
  });
  const alice = "400000000000000001";
  const conversation = { channel_id: CHANNEL, guild_id: GUILD, user_id: "" };
  const old = await store.addMessage({
    conversation,
    external_id: null,
    author_id: alice,
    author_name: "Alice",
    role: "user",
    persona: "helper",
    content: "an old question",
    token_count: null,
    created_at: Date.now(),
    partial: false,
  });
  await store.setSummary(conversation, {
    content: "Alice asked an old question.",
    through_id: old.id,
    token_count: null,
    updated_at: Date.now(),
  });
  await store.addNote(
    { user_id: alice, guild_id: GUILD, content: "likes tea", created_at: 1 },
    20,
  );
  const inspection = createTurnInspection();
  await services.runner.dispatch(
    message({ text: "hello" }),
    new RecordingReply(),
    { inspection },
  );
  await services.runner.shutdown(1000);
  await services.memory.close();
  const parts = inspection.messages.map((m) => [m.kind, m.content]);
  assert.deepEqual(parts[0], ["system", "Be brief."]);
  assert.equal(parts[1]?.[0], "memory");
  assert.match(parts[1]?.[1] ?? "", /- likes tea/);
  assert.match(parts[1]?.[1] ?? "", /Alice asked an old question\./);
  assert.deepEqual(parts.at(-1), ["current", "Alice: hello"]);
  assert.ok(
    !parts.some(([, content]) => content === "Alice: an old question"),
    "summarised history is not sent again",
  );
  assert.ok(inspection.budget!.memory > 0);
  assert.equal(inspection.memory?.summary, "Alice asked an old question.");
  assert.equal(inspection.memory?.notes_used, 1);
  const sent = (llm.chatRequests()[0]?.body as {
    messages: { role: string; content: string }[];
  }).messages;
  assert.equal(
    sent.filter((m) => m.role === "system").length,
    1,
    "one system message on the wire",
  );
  assert.equal(sent[0]?.content, `${parts[0]?.[1]}\n\n${parts[1]?.[1]}`);
});
