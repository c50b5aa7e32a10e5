/**
 * End to end: `on_edit: regenerate` — editing the message that asked the
 * latest turn gets the edited text answered in the same reply; without it
 * (the default) an edit changes nothing.
 */
import assert from "node:assert/strict";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";

Deno.test("on_edit: regenerate answers an edited question by editing the reply", async () => {
  await using h = await startHarness({
    configParts: { binding: "    on_edit: regenerate" },
  });
  const ask = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> what is 2+2?`,
  });
  const reply = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "echo: alice: what is 2+2?"
      ),
    10_000,
    "the first answer",
  );
  h.discord.editUserMessage(ask.id, `<@${h.discord.botId}> what is 3+3?`);
  await h.discord.waitFor(
    () => reply.content === "echo: alice: what is 3+3?",
    10_000,
    "the answer to the edited question, in the same message",
  );
  assert.deepEqual(h.llmMessages(1).map((m) => m.content), [
    "You are Helper.",
    "alice: what is 3+3?",
  ]);
  assert.equal(botMessages(h, CHANNEL).filter((m) => !m.ephemeral).length, 1);

  // The next turn sees the edited question and its answer, once.
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> thanks`,
  });
  await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).some((m) => m.content === "echo: alice: thanks"),
    10_000,
    "the next answer",
  );
  assert.deepEqual(h.llmMessages(2).map((m) => m.content), [
    "You are Helper.",
    "alice: what is 3+3?",
    "echo: alice: what is 3+3?",
    "alice: thanks",
  ]);
  // An edit of a message that is no longer the latest turn's is left alone.
  h.discord.editUserMessage(ask.id, `<@${h.discord.botId}> what is 4+4?`);
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> last`,
  });
  await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).some((m) => m.content === "echo: alice: last"),
    10_000,
    "the answer after the stale edit",
  );
  assert.equal(h.llm.chatRequests().length, 4);
  assert.equal(reply.content, "echo: alice: what is 3+3?");
});

Deno.test("by default an edited question is not answered again", async () => {
  await using h = await startHarness();
  const ask = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> what is 2+2?`,
  });
  const reply = await h.discord.waitFor(
    () => botMessages(h, CHANNEL).find((m) => m.content.startsWith("echo:")),
    10_000,
    "the first answer",
  );
  h.discord.editUserMessage(ask.id, `<@${h.discord.botId}> what is 3+3?`);
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> next`,
  });
  await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).some((m) => m.content === "echo: alice: next"),
    10_000,
    "the next answer",
  );
  assert.equal(h.llm.chatRequests().length, 2);
  assert.equal(reply.content, "echo: alice: what is 2+2?");
});
