/**
 * End to end: SIGHUP reloads the config instead of killing the bot (issue
 * 10, item 10).
 */
import assert from "node:assert/strict";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";

Deno.test("SIGHUP reloads the config and the bot keeps running", async () => {
  await using h = await startHarness();
  const file = `${h.dir}/bot.config.yaml`;
  const config = await Deno.readTextFile(file);
  await Deno.writeTextFile(
    file,
    config.replace('"You are Helper."', '"You are Helper, reloaded."'),
  );
  Deno.kill(h.pid()!, "SIGHUP");
  await h.discord.waitFor(
    () => h.output().includes("SIGHUP received: reloading the config"),
    10_000,
    "the SIGHUP log line",
  );
  await h.discord.waitFor(
    () => h.output().includes("Config reloaded"),
    10_000,
    "the reload",
  );
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> still there?`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).length >= 1,
    10_000,
    "an answer after SIGHUP",
  );
  assert.equal(h.llmMessages(0)[0]?.content, "You are Helper, reloaded.");
  assert.equal(await h.stop(), 0);
});
