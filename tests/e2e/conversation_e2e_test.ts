/**
 * End to end: the real bot process, a fake Discord and a fake LLM server.
 * Conversations: streaming replies, replies to the bot, what is ignored.
 */
import assert from "node:assert/strict";
import {
  ALICE,
  botMessages,
  CHANNEL,
  OTHER_CHANNEL,
  startHarness,
  THREAD,
} from "./bot_harness.ts";

Deno.test("a mention gets a streamed reply that answers the message and pings nobody", async () => {
  await using h = await startHarness();
  h.llm.script({
    chunks: ["Hello", " there", ", Alice.", " How", " can", " I", " help?"],
    chunk_delay_ms: 400,
    first_token_delay_ms: 600,
  });
  const trigger = h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> hi`,
  });
  const reply = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) =>
        m.content === "Hello there, Alice. How can I help?"
      ),
    15_000,
    "the final reply",
  );
  assert.equal(reply.replyToId, trigger.id);
  assert.ok(
    reply.contentHistory.length >= 2,
    `edited while streaming: ${JSON.stringify(reply.contentHistory)}`,
  );
  assert.equal(reply.pings.repliedUser, false);
  assert.deepEqual(h.llmMessages(0).map((m) => m.content), [
    "You are Helper.",
    "alice: hi",
  ]);
  assert.ok(
    h.discord.requestsTo("POST /channels/{channel}/typing").length >= 1,
    "typing was shown",
  );
});

Deno.test("replying to the bot continues the conversation; threads inherit the binding", async () => {
  await using h = await startHarness();
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> my name is Alice`,
  });
  const first = await h.discord.waitFor(
    () => botMessages(h, CHANNEL)[0],
    10_000,
    "the first reply",
  );
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: "what is my name?",
    replyTo: first.id,
    pingRepliedUser: false,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).length === 2,
    10_000,
    "the second reply",
  );
  assert.deepEqual(h.llmMessages(1).map((m) => m.content), [
    "You are Helper.",
    "alice: my name is Alice",
    "echo: alice: my name is Alice",
    "alice: what is my name?",
  ]);
  h.discord.sendUserMessage({
    channelId: THREAD,
    content: `<@${h.discord.botId}> in a thread`,
  });
  await h.discord.waitFor(
    () => botMessages(h, THREAD).length === 1,
    10_000,
    "the thread reply",
  );
  assert.deepEqual(h.llmMessages(2).map((m) => m.content), [
    "You are Helper.",
    "alice: in a thread",
  ]);
});

Deno.test("an unbound channel, a bot author and a webhook are ignored", async () => {
  await using h = await startHarness();
  h.discord.sendUserMessage({
    channelId: OTHER_CHANNEL,
    content: `<@${h.discord.botId}> anyone?`,
  });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> from a webhook`,
    webhookId: "500000000000000001",
  });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: "no mention, no reply",
  });
  // A message that does trigger, sent last: once it is answered, the ones before were seen.
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> last`,
  });
  await h.discord.waitFor(
    () => botMessages(h, CHANNEL).length === 1,
    10_000,
    "the reply to the last message",
  );
  assert.equal(h.llm.chatRequests().length, 1);
  assert.deepEqual(botMessages(h, OTHER_CHANNEL), []);
});

Deno.test("an LLM failure gives a short error reply, and the next message works", async () => {
  await using h = await startHarness();
  h.llm.script({ status: 503, body: { error: { message: "loading model" } } });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> first`,
  });
  const error = await h.discord.waitFor(
    () => botMessages(h, CHANNEL)[0],
    10_000,
    "the error reply",
  );
  assert.match(error.content, /^⚠️ /);
  assert.ok(error.content.length < 200);
  assert.ok(!error.content.includes("http"), "no URL in the reply");
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> second`,
  });
  const ok = await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).find((m) => m.content === "echo: alice: second"),
    10_000,
    "the next reply",
  );
  assert.equal(ok.content, "echo: alice: second");
  assert.match(h.output(), /Reply failed/);
});

Deno.test("@everyone, roles and users in model output ping nobody", async () => {
  await using h = await startHarness();
  h.llm.script({
    chunks: [`@everyone @here <@&400000000000000001> <@${ALICE}> look!`],
  });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> ping them`,
  });
  const reply = await h.discord.waitFor(
    () => botMessages(h, CHANNEL).find((m) => m.content.endsWith("look!")),
    10_000,
    "the reply",
  );
  // Readable, but no longer a mention: a zero-width joiner follows the @.
  assert.match(reply.content, /^@\u200Deveryone @\u200Dhere /);
  assert.deepEqual(reply.pings, {
    everyone: false,
    users: [],
    roles: [],
    repliedUser: false,
  });
});
