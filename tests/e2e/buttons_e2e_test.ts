/**
 * End to end: the Stop and Regenerate buttons of a reply — Stop ends the
 * LLM request mid-stream and keeps the text, Regenerate answers the same
 * question again in place; both refuse someone who did not ask (and is not
 * an admin); buttons leave a reply once a newer one is done.
 */
import assert from "node:assert/strict";
import { buttonIds } from "../fakes/fake_discord/component_rules.ts";
import type { FakeInteraction } from "../fakes/fake_discord/types.ts";
import {
  NOT_LATEST,
  NOT_YOURS,
} from "../../src/discord/buttons/turn_buttons.ts";
import {
  ADMIN_ROLE,
  ALICE,
  botMessages,
  CHANNEL,
  eventually,
  GUILD,
  startHarness,
} from "./bot_harness.ts";

const BOB = "300000000000000002";

function ephemeralAnswer(i: FakeInteraction | undefined): string | undefined {
  const data = i?.response?.data as
    | { content?: string; flags?: number }
    | undefined;
  return i?.response?.type === 4 && data?.flags === 64
    ? data.content
    : undefined;
}

Deno.test("Stop ends the answer mid-stream and keeps its text; Regenerate answers again for the asker only", async () => {
  await using h = await startHarness({
    fake: {
      users: [{ id: ALICE, username: "alice" }, { id: BOB, username: "bob" }],
    },
  });
  h.llm.script(
    { chunks: ["Once", " upon", " a", " time"], stall_after: 2 },
    { chunks: ["A new", " story."] },
  );
  const ask = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> tell a story`,
  });
  const stop = `v1:stop:${ask.id}`;
  const regen = `v1:regen:${ask.id}`;
  const reply = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "Once upon" && buttonIds(m.components).includes(stop)
      ),
    10_000,
    "the streaming reply with its Stop button",
  );

  const bobStop = h.discord.pressButton({
    messageId: reply.id,
    customId: stop,
    userId: BOB,
  });
  assert.equal(
    await h.discord.waitFor(
      () => ephemeralAnswer(h.discord.interaction(bobStop.id)),
      10_000,
      "Bob's refusal",
    ),
    NOT_YOURS,
  );
  assert.equal(h.llm.openStreams, 1, "still streaming after Bob's press");

  h.discord.pressButton({ messageId: reply.id, customId: stop, userId: ALICE });
  await h.discord.waitFor(
    () => buttonIds(reply.components).includes(regen),
    10_000,
    "Regenerate in place of Stop",
  );
  assert.equal(reply.content, "Once upon", "the text so far is kept");
  await eventually(
    () => Promise.resolve(h.llm.openStreams === 0),
    10_000,
    "the LLM request to end",
  );

  const bobRegen = h.discord.pressButton({
    messageId: reply.id,
    customId: regen,
    userId: BOB,
  });
  assert.equal(
    await h.discord.waitFor(
      () => ephemeralAnswer(h.discord.interaction(bobRegen.id)),
      10_000,
      "Bob's refusal to regenerate",
    ),
    NOT_YOURS,
  );
  assert.equal(h.llm.chatRequests().length, 1);

  h.discord.pressButton({
    messageId: reply.id,
    customId: regen,
    userId: ALICE,
  });
  await h.discord.waitFor(
    () =>
      reply.content === "A new story." &&
      buttonIds(reply.components).includes(regen),
    10_000,
    "the regenerated answer in the same message",
  );
  assert.deepEqual(h.llmMessages(1).map((m) => m.content), [
    "You are Helper.",
    "alice: tell a story",
  ], "the same question, without the answer it replaces");
  assert.deepEqual(
    botMessages(h, CHANNEL).filter((m) => !m.ephemeral).map((m) => m.content),
    ["A new story."],
    "no second message",
  );

  // The next turn sees the regenerated answer only, and takes the buttons off it.
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> and then?`,
  });
  const next = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "echo: alice: and then?" && m.components.length > 0
      ),
    10_000,
    "the next reply",
  );
  assert.deepEqual(h.llmMessages(2).map((m) => m.content), [
    "You are Helper.",
    "alice: tell a story",
    "A new story.",
    "alice: and then?",
  ]);
  await h.discord.waitFor(
    () => reply.components.length === 0,
    10_000,
    "the buttons to leave the older reply",
  );
  assert.deepEqual(buttonIds(next.components), [`v1:regen:${next.replyToId}`]);
});

Deno.test("Regenerate still works after a restart, read back from the store; an older answer's button refuses", async () => {
  await using h = await startHarness({
    configParts: { binding: "    webhooks: true" },
  });
  h.discord.setMemberRoles(GUILD, h.discord.botId, [ADMIN_ROLE]);
  h.llm.script({ chunks: ["first"] }, { chunks: ["second"] }, {
    chunks: ["again"],
  });
  const ask = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> Pirate, one`,
  });
  const reply = await h.discord.waitFor(
    () =>
      h.discord.messagesIn(CHANNEL).find((m) =>
        m.webhookId !== null && m.content === "first" &&
        buttonIds(m.components).includes(`v1:regen:${ask.id}`)
      ),
    10_000,
    "the pirate's first answer",
  );
  assert.equal(await h.stop(), 0);
  await h.start();
  h.discord.pressButton({
    messageId: reply.id,
    customId: `v1:regen:${ask.id}`,
    userId: ALICE,
  });
  await h.discord.waitFor(
    () =>
      reply.content === "second" &&
      buttonIds(reply.components).includes(`v1:regen:${ask.id}`),
    10_000,
    "the regenerated answer, written over the webhook message",
  );
  assert.equal(reply.webhookName, "Pirate");
  assert.equal(h.llmMessages(1)[0]?.content, "You are a pirate.");

  // A newer answer makes the first one's button stale.
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> Pirate, two`,
  });
  await h.discord.waitFor(
    () => h.discord.messagesIn(CHANNEL).some((m) => m.content === "again"),
    10_000,
    "the newer answer",
  );
  await h.discord.waitFor(
    () => reply.components.length === 0,
    10_000,
    "the buttons to leave the older answer",
  );

  // After /reset the latest answer's Regenerate no longer applies either.
  const latest = h.discord.messagesIn(CHANNEL).find((m) =>
    m.content === "again"
  )!;
  const regenLatest = buttonIds(latest.components)[0]!;
  const reset = h.discord.sendCommand({
    channelId: CHANNEL,
    commandName: "reset",
  });
  await h.discord.waitFor(
    () => h.discord.interaction(reset.id)?.response,
    10_000,
    "the reset",
  );
  await eventually(
    () => {
      const answer = h.discord.messagesIn(CHANNEL).find((m) =>
        m.interactionId === reset.id && !/thinking/i.test(m.content) &&
        m.content !== ""
      );
      return Promise.resolve(answer);
    },
    10_000,
    "the reset's answer",
  );
  const stale = h.discord.pressButton({
    messageId: latest.id,
    customId: regenLatest,
    userId: ALICE,
  });
  assert.equal(
    await h.discord.waitFor(
      () => ephemeralAnswer(h.discord.interaction(stale.id)),
      10_000,
      "the refusal after the reset",
    ),
    NOT_LATEST,
  );
  await h.discord.waitFor(
    () => latest.components.length === 0,
    10_000,
    "the button to leave the answer",
  );
  assert.equal(h.llm.chatRequests().length, 3);
});

Deno.test("a Regenerate whose LLM request fails leaves the old answer's text alone when a newer answer takes its buttons", async () => {
  await using h = await startHarness();
  h.llm.script({ chunks: ["first answer"] }, { status: 500 });
  const ask = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> one`,
  });
  const regen = `v1:regen:${ask.id}`;
  const reply = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "first answer" && buttonIds(m.components).includes(regen)
      ),
    10_000,
    "the first answer",
  );
  h.discord.pressButton({
    messageId: reply.id,
    customId: regen,
    userId: ALICE,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).find((m) => m.content.startsWith("⚠️")),
    10_000,
    "the failed regeneration's notice",
  );
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> two`,
  });
  await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "echo: alice: two" && m.components.length > 0
      ),
    10_000,
    "the next answer",
  );
  await h.discord.waitFor(
    () => reply.components.length === 0,
    10_000,
    "the buttons to leave the older answer",
  );
  assert.equal(
    JSON.stringify(reply.content),
    JSON.stringify("first answer"),
    "the older answer's text was overwritten",
  );
});

Deno.test("Regenerate on the previous answer while a newer one is still being written is refused", async () => {
  await using h = await startHarness();
  let resume = () => {};
  const resumed = new Promise<void>((r) => resume = r);
  h.llm.script(
    { chunks: ["one"] },
    { chunks: ["two", " more"], pause_after: 1, resume: resumed },
    { chunks: ["one again"] },
  );
  const first = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> first`,
  });
  const regen1 = `v1:regen:${first.id}`;
  const reply1 = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "one" && buttonIds(m.components).includes(regen1)
      ),
    10_000,
    "the first answer",
  );
  const second = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> second`,
  });
  const reply2 = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "two" &&
        buttonIds(m.components).includes(`v1:stop:${second.id}`)
      ),
    10_000,
    "the second answer streaming",
  );
  const press = h.discord.pressButton({
    messageId: reply1.id,
    customId: regen1,
    userId: ALICE,
  });
  await h.discord.waitFor(
    () => h.discord.interaction(press.id)?.response,
    10_000,
    "the press's answer",
  );
  const answer = ephemeralAnswer(h.discord.interaction(press.id));
  resume();
  await h.discord.waitFor(
    () =>
      reply2.content === "two more" &&
        buttonIds(reply2.components).includes(`v1:regen:${second.id}`)
        ? true
        : undefined,
    10_000,
    "the second answer done",
  );
  // Give a queued rerun time to run.
  await new Promise((r) => setTimeout(r, 1_500));
  await eventually(
    () => Promise.resolve(h.llm.openStreams === 0),
    10_000,
    "the LLM to be idle",
  );
  const state = {
    answer,
    requests: h.llm.chatRequests().length,
    reply1: [reply1.content, buttonIds(reply1.components)],
    reply2: [reply2.content, buttonIds(reply2.components)],
  };
  assert.deepEqual(state, {
    answer: NOT_LATEST,
    requests: 2,
    reply1: ["one", []],
    reply2: ["two more", [`v1:regen:${second.id}`]],
  });
});

Deno.test("after an /ask answer in the same conversation, the earlier answer loses its buttons", async () => {
  await using h = await startHarness();
  h.llm.script({ chunks: ["one"] }, { chunks: ["two"] });
  const first = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> first`,
  });
  const regen1 = `v1:regen:${first.id}`;
  const reply1 = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "one" && buttonIds(m.components).includes(regen1)
      ),
    10_000,
    "the first answer",
  );
  const ask = h.discord.sendCommand({
    channelId: CHANNEL,
    commandName: "ask",
    options: [{ name: "prompt", value: "second" }],
  });
  await h.discord.waitFor(
    () => {
      const i = h.discord.interaction(ask.id);
      return h.discord.messagesIn(CHANNEL).find((m) =>
        m.id === i?.originalMessageId && m.content === "two"
      );
    },
    10_000,
    "the /ask answer",
  );
  await h.discord.waitFor(
    () => reply1.components.length === 0 ? true : undefined,
    10_000,
    "the buttons to leave the earlier answer",
  );
  assert.equal(reply1.content, "one");
  assert.equal(h.llm.chatRequests().length, 2);
});
