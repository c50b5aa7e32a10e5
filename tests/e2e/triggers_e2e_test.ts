/**
 * End to end: what counts as a turn. A mention of the bot's managed role is
 * a mention of the bot (issue 10, item 17); with `trigger: always`, system
 * messages (member joins, pins, boosts) and empty messages are never turns
 * (item 6).
 */
import assert from "node:assert/strict";
import {
  ALICE,
  BOT_ROLE,
  botMessages,
  CHANNEL,
  OTHER_CHANNEL,
  startHarness,
} from "./bot_harness.ts";

const BOT_ID = "100000000000000042";

Deno.test("mentioning the bot's managed role <@&ROLE> gets an answer, the role mention removed", async () => {
  await using h = await startHarness({ fake: { botId: BOT_ID } });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@&${BOT_ROLE}> hello role`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).length >= 1,
    10_000,
    "the answer",
  );
  assert.equal(h.llmMessages(0).at(-1)?.content, "alice: hello role");
});

Deno.test("with trigger: always, joins, pins, boosts and empty messages are never turns", async () => {
  await using h = await startHarness();
  await h.stop();
  const file = `${h.dir}/bot.config.yaml`;
  const config = await Deno.readTextFile(file);
  await Deno.writeTextFile(
    file,
    config.replace(
      "bindings:\n",
      `bindings:\n  - channels: ["${OTHER_CHANNEL}"]\n    persona: helper\n    trigger: always\n`,
    ),
  );
  await h.start();
  const system = (type: number, id: string, content = "") =>
    h.discord.dispatch("MESSAGE_CREATE", {
      id,
      type,
      channel_id: OTHER_CHANNEL,
      guild_id: "200000000000000000",
      author: { id: ALICE, username: "alice", discriminator: "0" },
      member: { roles: [] },
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      flags: 0,
    });
  system(7, "500000000000000001"); // a member joined
  system(6, "500000000000000002"); // a message was pinned
  system(8, "500000000000000003", "2"); // a boost
  system(18, "500000000000000004", "a thread"); // a thread was created
  h.discord.sendUserMessage({ channelId: OTHER_CHANNEL, content: "   " });
  h.discord.sendUserMessage({ channelId: OTHER_CHANNEL, content: "real one" });
  await h.discord.waitFor(
    () => botMessages(h, OTHER_CHANNEL).length >= 1,
    10_000,
    "the answer to the real message",
  );
  assert.equal(h.llm.chatRequests().length, 1);
  assert.deepEqual(h.llmMessages(0).slice(1).map((m) => m.content), [
    "alice: real one",
  ]);
});
