/**
 * End to end: `/persona` and `/reset` as Discord slash commands, their
 * registration, the 3-second deadline, autocomplete, and persistence
 * across a restart of the bot process.
 */
import assert from "node:assert/strict";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";

async function ask(h: BotHarness, text: string, count: number): Promise<void> {
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ${text}`,
  });
  await h.discord.waitFor(
    () =>
      h.llm.chatRequests().length >= count &&
      botMessages(h, CHANNEL).length >= count,
    10_000,
    `reply ${count}`,
  );
}

async function command(
  h: BotHarness,
  name: string,
  options: { name: string; value: string }[] = [],
) {
  const sent = h.discord.sendCommand({
    channelId: CHANNEL,
    commandName: name,
    options,
  });
  const response = await h.discord.waitFor(
    () =>
      h.discord.messagesIn(CHANNEL).find((m) =>
        m.interactionId === sent.id && m.content !== ""
      ),
    10_000,
    `the /${name} response`,
  );
  return { sent, response };
}

Deno.test("the bot registers /reset, /persona and the memory commands, and re-registering on restart changes nothing", async () => {
  await using h = await startHarness();
  const first = h.discord.commands("global").map((c) => c.name).sort();
  assert.deepEqual(first, [
    "ask",
    "forget",
    "forget-me",
    "memory",
    "persona",
    "remember",
    "reset",
    "settings",
  ]);
  const ids = h.discord.commands("global").map((c) => c.id);
  assert.equal(await h.stop(), 0);
  await h.start();
  assert.deepEqual(h.discord.commands("global").map((c) => c.id), ids);
});

Deno.test("/persona switches the system prompt the LLM sees, answered ephemerally within 3 s", async () => {
  await using h = await startHarness();
  const { sent, response } = await command(h, "persona", [{
    name: "name",
    value: "pirate",
  }]);
  assert.match(response.content, /now talking to \*\*Pirate\*\*/);
  assert.equal(response.ephemeral, true);
  const interaction = h.discord.interaction(sent.id);
  assert.ok(
    interaction?.response &&
      interaction.response.at - interaction.dispatchedAt < 3_000,
  );
  // Ready at once: answered in the response itself (type 4), no deferral, no edit.
  assert.equal(interaction?.response?.type, 4);
  assert.equal(
    h.discord.requestsTo(
      "PATCH /webhooks/{application}/{token}/messages/@original",
    )
      .length,
    0,
  );
  await ask(h, "ahoy", 1);
  assert.equal(h.llmMessages(0)[0]?.content, "You are a pirate.");
});

Deno.test("/persona autocomplete lists the personas allowed in the channel", async () => {
  await using h = await startHarness();
  const sent = h.discord.sendAutocomplete({
    channelId: CHANNEL,
    commandName: "persona",
    options: [{ name: "name", value: "pi", focused: true }],
  });
  const interaction = await h.discord.waitFor(
    () => {
      const found = h.discord.interaction(sent.id);
      return found?.response ? found : undefined;
    },
    10_000,
    "the autocomplete answer",
  );
  assert.equal(interaction.response?.type, 8);
  assert.deepEqual(interaction.response?.data, {
    choices: [{ name: "Pirate", value: "pirate" }],
  });
});

Deno.test("/reset empties the history of the next request, also after the bot restarts", async () => {
  await using h = await startHarness();
  await ask(h, "remember plums", 1);
  await ask(h, "and pears", 2);
  assert.equal(
    h.llmMessages(1).length,
    4,
    "the second request carried the first exchange",
  );
  await command(h, "reset");
  assert.equal(await h.stop(), 0);
  await h.start();
  await ask(h, "what do you remember?", 3);
  assert.deepEqual(h.llmMessages(2).map((m) => m.content), [
    "You are Helper.",
    "alice: what do you remember?",
  ]);
});

Deno.test("a /persona choice survives a restart", async () => {
  await using h = await startHarness();
  await command(h, "persona", [{ name: "name", value: "pirate" }]);
  assert.equal(await h.stop(), 0);
  await h.start();
  await ask(h, "who are you?", 1);
  assert.equal(h.llmMessages(0)[0]?.content, "You are a pirate.");
});
