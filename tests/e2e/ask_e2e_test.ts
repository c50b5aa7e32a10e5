/**
 * End to end: `/ask` with `discord.message_content: false`. The bot
 * identifies without the privileged intent, registers `/ask` beside
 * `/reset` and `/persona`, defers within Discord's 3 seconds, streams the
 * answer into the interaction response and continues long answers in
 * follow-ups; a file option reaches the model; mentions keep working.
 */
import assert from "node:assert/strict";
import { Intents } from "../fakes/fake_discord/types.ts";
import {
  botMessages,
  CHANNEL,
  OTHER_CHANNEL,
  startHarness,
} from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";

const WITHOUT_INTENT = {
  // The fake refuses the privileged intent, as the Developer Portal does when it is off.
  fake: { enabledPrivilegedIntents: 0 },
  configParts: { discord: "  message_content: false", trigger: "[mention]" },
};

function answer(h: BotHarness, id: string) {
  return h.discord.waitFor(
    () => {
      const interaction = h.discord.interaction(id);
      const original = h.discord.messagesIn(CHANNEL).find((m) =>
        m.id === interaction?.originalMessageId && m.content !== ""
      );
      return interaction && original ? { interaction, original } : undefined;
    },
    10_000,
    "the /ask answer",
  );
}

Deno.test("/ask is answered without the Message Content intent: deferred within 3 s, streamed into the response, seen by the LLM as the user's words", async () => {
  await using h = await startHarness(WITHOUT_INTENT);
  assert.equal(
    (h.discord.intents ?? 0) & Intents.MessageContent,
    0,
    "the intent is not requested",
  );
  assert.deepEqual(h.discord.commands("global").map((c) => c.name).sort(), [
    "ask",
    "forget",
    "forget-me",
    "memory",
    "persona",
    "remember",
    "reset",
    "settings",
  ]);

  const sent = h.discord.sendCommand({
    channelId: CHANNEL,
    commandName: "ask",
    options: [{ name: "prompt", value: "what is two plus two?" }],
  });
  const { interaction, original } = await answer(h, sent.id);
  assert.equal(interaction.response?.type, 5, "a public deferral");
  assert.ok(interaction.response.at - interaction.dispatchedAt < 3_000);
  assert.equal(original.ephemeral, false);
  assert.equal(original.content, "echo: alice: what is two plus two?");
  assert.deepEqual(h.llmMessages(0).at(-1), {
    role: "user",
    content: "alice: what is two plus two?",
  });

  // Mentions keep working without the intent (Discord sends their content).
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> and a mention?`,
  });
  await h.discord.waitFor(
    () => h.llm.chatRequests().length >= 2,
    10_000,
    "the mention's request",
  );
  assert.equal(h.llmMessages(1).at(-1)?.content, "alice: and a mention?");
  assert.deepEqual(
    h.llmMessages(1).slice(1).map((m) => m.content),
    [
      "alice: what is two plus two?",
      "echo: alice: what is two plus two?",
      "alice: and a mention?",
    ],
    "/ask turns are part of the conversation",
  );
});

Deno.test("/ask with a persona and a file: the persona answers and the file reaches the model; a long answer continues in follow-ups", async () => {
  await using h = await startHarness(WITHOUT_INTENT);
  const long = "word ".repeat(900);
  h.llm.script({ chunks: [long.slice(0, 2000), long.slice(2000)] });
  const sent = h.discord.sendCommand({
    channelId: CHANNEL,
    commandName: "ask",
    options: [{ name: "prompt", value: "review this" }, {
      name: "persona",
      value: "Pirate",
    }],
    files: [{
      name: "file",
      file: {
        filename: "main.rs",
        contentType: "text/x-rust",
        data: "fn main() {}\n",
      },
    }],
  });
  await answer(h, sent.id);
  const messages = h.llmMessages(0);
  assert.equal(messages[0]?.content, "You are a pirate.");
  assert.equal(
    messages.at(-1)?.content,
    "alice: review this\n\n[file: main.rs]\n```\nfn main() {}\n```",
  );
  const textOf = (id: string | null) =>
    h.discord.world.messages.get(id ?? "")?.content ?? "";
  const parts = await h.discord.waitFor(
    () => {
      const found = h.discord.interaction(sent.id);
      if (!found || found.followUpIds.length === 0) return undefined;
      const all = [found.originalMessageId, ...found.followUpIds].map(textOf);
      return all.join(" ").split(/\s+/).filter((w) => w !== "").length === 900
        ? all
        : undefined;
    },
    10_000,
    "the whole answer in the response and its follow-ups",
  );
  assert.equal(parts.join(" ").replace(/\s+/g, " ").trim(), long.trim());
  assert.ok(parts.every((p) => p.length <= 2000));
});

Deno.test("/ask where the bot is not bound, or with a persona not allowed there, answers only the caller", async () => {
  await using h = await startHarness(WITHOUT_INTENT);
  const unbound = h.discord.sendCommand({
    channelId: OTHER_CHANNEL,
    commandName: "ask",
    options: [{ name: "prompt", value: "hello?" }],
  });
  const note = await h.discord.waitFor(
    () =>
      h.discord.messagesIn(OTHER_CHANNEL).find((m) =>
        m.interactionId === unbound.id && m.content !== "" && !m.deleted
      ),
    10_000,
    "the note",
  );
  assert.equal(note.content, "I don't answer in this channel.");
  assert.equal(note.ephemeral, true);
  const wrong = h.discord.sendCommand({
    channelId: CHANNEL,
    commandName: "ask",
    options: [{ name: "prompt", value: "hi" }, {
      name: "persona",
      value: "wizard",
    }],
  });
  const refused = await h.discord.waitFor(
    () =>
      h.discord.messagesIn(CHANNEL).find((m) =>
        m.interactionId === wrong.id && m.content !== "" && !m.deleted
      ),
    10_000,
    "the refusal",
  );
  assert.match(
    refused.content,
    /There is no persona "wizard" here\. Available: \*\*Helper\*\*/,
  );
  assert.equal(refused.ephemeral, true);
  assert.equal(h.llm.chatRequests().length, 0);
  assert.equal(
    botMessages(h, CHANNEL).filter((m) =>
      !m.ephemeral && !m.deleted && m.content !== ""
    ).length,
    0,
  );
});
