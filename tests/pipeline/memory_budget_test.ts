/**
 * Budget honesty with memory, through the whole pipeline (real LLM client
 * over HTTP against the fake server, real store, real runner): notes,
 * preferences and the summary are counted like history, the request never
 * exceeds `context_tokens − reserve_tokens`, and when memory alone would it
 * is trimmed — oldest notes first — with one warning.
 */
import assert from "node:assert/strict";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import { createTokenCounters } from "../../src/llm/token_counter.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, GUILD, testConfig } from "../support/test_config.ts";

const ALICE = "400000000000000001";

Deno.test("memory that does not fit the budget is trimmed (oldest notes first) and the request stays within context_tokens − reserve_tokens", async () => {
  // No usage reports: the bot's token counter stays uncalibrated, like this test's.
  await using server = await startFakeLlmServer({
    default_reply: () => ({ chunks: ["ok"], usage: null }),
  });
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig(
    server.url,
  );
  config.budgets.default = {
    ...config.budgets.default!,
    context_tokens: 400,
    reserve_tokens: 100,
  };
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => BOT_ID,
  });
  try {
    for (let i = 1; i <= 20; i++) {
      await store.addNote({
        user_id: ALICE,
        guild_id: GUILD,
        content: `note ${i}: ${"a rather long remark about things ".repeat(8)}`,
        created_at: i,
      }, 20);
    }
    await store.setPreferences(ALICE, {
      language: "French",
      length: "short",
      ping: null,
      history: true,
      updated_at: 1,
    });
    for (let turn = 0; turn < 3; turn++) {
      await services.runner.dispatch(
        message({ text: `question ${turn}` }),
        new RecordingReply(),
      );
    }
    const counter = createTokenCounters(config.endpoints).counterFor(
      "local",
      "test-model",
    );
    for (const request of server.chatRequests()) {
      const messages = (request.body as {
        messages: { role: "system" | "user" | "assistant"; content: string }[];
      }).messages;
      assert.ok(counter.countMessages(messages) <= 300);
      const system = messages[0]?.content ?? "";
      assert.match(system, /Alice's preferences: Answer in French\./);
      assert.match(system, /- note 20:/, "the newest note is kept");
      assert.doesNotMatch(system, /- note 1:/, "the oldest note went first");
      assert.equal(
        messages.at(-1)?.content,
        `Alice: ${"question " + server.chatRequests().indexOf(request)}`,
      );
    }
  } finally {
    await services.runner.shutdown(1_000);
    await services.memory.close();
  }
});
