/**
 * End to end: `on_edit: regenerate` — editing the message that asked the
 * latest turn gets the edited text answered in the same reply; without it
 * (the default) an edit changes nothing. An update of the question while
 * it is answered (a typo fixed, a link preview) leaves the answer be, unless
 * `on_edit: regenerate` and the text changed.
 */
import assert from "node:assert/strict";
import { buttonIds } from "../fakes/fake_discord/component_rules.ts";
import { botMessages, CHANNEL, startHarness } from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";

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

/** Edits the question while its answer streams; returns the answer once done. */
async function editWhileAnswering(
  h: BotHarness,
  edit: (content: string) => string,
): Promise<{ content: string; buttons: string[]; requests: number }> {
  let resume = () => {};
  const resumed = new Promise<void>((r) => resume = r);
  h.llm.script({ chunks: ["two", " more"], pause_after: 1, resume: resumed });
  const content = `<@${h.discord.botId}> see https://example.org`;
  const ask = h.discord.sendUserMessage({ channelId: CHANNEL, content });
  const reply = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "two" &&
        buttonIds(m.components).includes(`v1:stop:${ask.id}`)
      ),
    10_000,
    "the answer streaming",
  );
  h.discord.editUserMessage(ask.id, edit(content));
  await new Promise((r) => setTimeout(r, 500));
  resume();
  await h.discord.waitFor(
    () =>
      buttonIds(reply.components).includes(`v1:regen:${ask.id}`)
        ? true
        : undefined,
    10_000,
    "the answer done",
  );
  await new Promise((r) => setTimeout(r, 500));
  return {
    content: reply.content,
    buttons: buttonIds(reply.components),
    requests: h.llm.chatRequests().length,
  };
}

Deno.test("with the default on_edit: ignore, editing the question while it is answered changes nothing", async () => {
  await using h = await startHarness();
  const state = await editWhileAnswering(h, (c) => `${c} (typo fixed)`);
  assert.deepEqual(
    { content: state.content, requests: state.requests },
    { content: "two more", requests: 1 },
  );
});

Deno.test("with on_edit: regenerate, an update with the same text (a link preview) does not cut the answer short", async () => {
  await using h = await startHarness({
    configParts: { binding: "    on_edit: regenerate" },
  });
  const state = await editWhileAnswering(h, (c) => c);
  assert.deepEqual(
    { content: state.content, requests: state.requests },
    { content: "two more", requests: 1 },
  );
});

Deno.test("with on_edit: regenerate, a question changed while it is answered is answered again", async () => {
  await using h = await startHarness({
    configParts: { binding: "    on_edit: regenerate" },
  });
  h.llm.script({ chunks: ["two", " more"], stall_after: 1 });
  const ask = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> first`,
  });
  const reply = await h.discord.waitFor(
    () => botMessages(h, CHANNEL).find((m) => m.content === "two"),
    10_000,
    "the answer streaming",
  );
  h.discord.editUserMessage(ask.id, `<@${h.discord.botId}> changed`);
  await h.discord.waitFor(
    () =>
      reply.content === "echo: alice: changed" &&
        buttonIds(reply.components).includes(`v1:regen:${ask.id}`)
        ? true
        : undefined,
    10_000,
    "the edited question answered in the same message",
  );
});
