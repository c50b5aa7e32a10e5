/**
 * A server that reports nonsense token counts (`completion_tokens: 7.5`, a
 * negative prompt) still gets its answer delivered and stored, with no
 * error notice: the counts are ignored and estimated instead.
 */
import assert from "node:assert/strict";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, CHANNEL, GUILD, testConfig } from "../support/test_config.ts";

Deno.test("an answer with fractional or negative usage is delivered and stored without an error notice", async (t) => {
  await using server = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const services = createBotServices({
    config: testConfig(server.url),
    store,
    bot_user_id: () => BOT_ID,
  });
  const usages = [
    { prompt_tokens: 10, completion_tokens: 7.5 },
    { prompt_tokens: -4, completion_tokens: 3 },
  ];
  for (const usage of usages) {
    await t.step(JSON.stringify(usage), async () => {
      server.script({ chunks: ["fine ", "answer"], usage });
      const reply = new RecordingReply();
      assert.equal(
        await services.runner.dispatch(message(), reply),
        "answered",
      );
      assert.equal(reply.finalText, "fine answer");
      assert.deepEqual(reply.notices, []);
      const [stored] = await store.recentMessages({
        conversation: { channel_id: CHANNEL, guild_id: GUILD, user_id: "" },
        limit: 1,
        since: 0,
      });
      assert.equal(stored?.content, "fine answer");
      assert.ok(Number.isInteger(stored?.token_count));
    });
  }
  await services.runner.shutdown(1000);
});
