/**
 * `max_reply_chars`: a reply past the persona's cap is stopped, keeps what
 * was written, says why, and is stored as partial.
 */
import assert from "node:assert/strict";
import { createBotServices } from "../../src/pipeline/bot_services.ts";
import { REPLY_TOO_LONG } from "../../src/pipeline/stages/generation_stage.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { startFakeLlmServer } from "../fakes/fake_llm_server.ts";
import { message, RecordingReply } from "../support/fixtures.ts";
import { BOT_ID, CHANNEL, GUILD, testConfig } from "../support/test_config.ts";

Deno.test("a reply past max_reply_chars is cut there, ends with the stop line, and the request is cancelled", async () => {
  await using server = await startFakeLlmServer();
  await using store = await SqliteStore.open(":memory:");
  const config = testConfig(server.url);
  config.personas.helper!.max_reply_chars = 300;
  const services = createBotServices({
    config,
    store,
    bot_user_id: () => BOT_ID,
  });
  // 😀 straddles the cut: it must not be split in half.
  const chunks = ["a".repeat(299), "😀", ..."b".repeat(50).split("")];
  server.script({ chunks, stall_after: 5 });
  const reply = new RecordingReply();
  assert.equal(await services.runner.dispatch(message(), reply), "answered");
  assert.equal(reply.finalText, `${"a".repeat(299)}\n\n${REPLY_TOO_LONG}`);
  // The server sees the cancellation a moment later; without it the stream stalls forever.
  for (let i = 0; i < 1000 && server.openStreams > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assert.equal(server.openStreams, 0);
  const [stored] = await store.recentMessages({
    conversation: { channel_id: CHANNEL, guild_id: GUILD, user_id: "" },
    limit: 1,
    since: 0,
  });
  assert.equal(stored?.role, "assistant");
  assert.equal(stored?.partial, true);
  await services.runner.shutdown(1000);
});
