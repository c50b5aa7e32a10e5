/**
 * End to end: `webhooks: true` — personas post through one channel webhook
 * under their own name and avatar; a message naming a persona, or replying
 * to its message, is answered by that persona; without Manage Webhooks the
 * bot posts as itself after one warning. A failed webhook or /ask request
 * never logs the webhook's or interaction's token.
 */
import assert from "node:assert/strict";
import {
  ADMIN_ROLE,
  botMessages,
  CHANNEL,
  GUILD,
  startHarness,
  THREAD,
} from "./bot_harness.ts";

const AVATAR = "https://example.org/pirate.png";

Deno.test("two personas speak by webhook in one channel, each answering its name and replies to its own messages", async () => {
  await using h = await startHarness({
    configParts: {
      binding: "    webhooks: true",
      pirate: `, avatar_url: "${AVATAR}"`,
    },
  });
  // Manage Webhooks comes with the admin role.
  h.discord.setMemberRoles(GUILD, h.discord.botId, [ADMIN_ROLE]);
  const byWebhook = (content: string) =>
    h.discord.messagesIn(CHANNEL).find((m) =>
      m.webhookId !== null && m.content === content
    );

  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: "Pirate, where is the gold?",
  });
  const pirate = await h.discord.waitFor(
    () => byWebhook("echo: alice: Pirate, where is the gold?"),
    10_000,
    "the pirate's answer",
  );
  assert.equal(pirate.webhookName, "Pirate");
  assert.equal(pirate.webhookAvatarUrl, AVATAR);
  assert.equal(h.llmMessages(0)[0]?.content, "You are a pirate.");

  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: `<@${h.discord.botId}> Helper: and you?`,
  });
  const helper = await h.discord.waitFor(
    () => byWebhook("echo: alice: Helper: and you?"),
    10_000,
    "the helper's answer",
  );
  assert.equal(helper.webhookName, "Helper");
  assert.equal(h.llmMessages(1)[0]?.content, "You are Helper.");
  // The pirate's answer is someone else talking, for the helper.
  assert.deepEqual(h.llmMessages(1).slice(1), [{
    role: "user",
    content: [
      "alice: Pirate, where is the gold?",
      "Pirate: echo: alice: Pirate, where is the gold?",
      "alice: Helper: and you?",
    ].join("\n\n"),
  }]);

  // A reply to the pirate's message, without any mention: the pirate answers.
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    content: "arr, really?",
    replyTo: pirate.id,
    pingRepliedUser: false,
  });
  const again = await h.discord.waitFor(
    () => byWebhook("echo: alice: arr, really?"),
    10_000,
    "the pirate's answer to the reply",
  );
  assert.equal(again.webhookName, "Pirate");
  assert.equal(h.llmMessages(2)[0]?.content, "You are a pirate.");

  // One webhook, made once and reused; the personas' own messages are never answered.
  assert.equal(
    h.discord.requestsTo("POST /channels/{channel}/webhooks").length,
    1,
  );
  assert.equal(h.discord.world.webhooks.size, 1);
  assert.equal(h.llm.chatRequests().length, 3);
  assert.deepEqual(botMessages(h, CHANNEL).filter((m) => !m.ephemeral), []);

  // In a thread under the channel the persona posts through the parent's webhook.
  h.discord.sendUserMessage({
    channelId: THREAD,
    content: "Pirate, ahoy",
  });
  const inThread = await h.discord.waitFor(
    () =>
      h.discord.messagesIn(THREAD).find((m) =>
        m.webhookId !== null && m.content === "echo: alice: Pirate, ahoy"
      ),
    10_000,
    "the pirate's answer in the thread",
  );
  assert.equal(inThread.webhookName, "Pirate");
  assert.equal(h.discord.world.webhooks.size, 1);
});

Deno.test("without Manage Webhooks the personas post as the bot, with one warning", async () => {
  await using h = await startHarness({
    configParts: { binding: "    webhooks: true" },
  });
  for (const text of ["Pirate, one", "Pirate, two"]) {
    h.discord.sendUserMessage({ channelId: CHANNEL, content: text });
  }
  await h.discord.waitFor(
    () =>
      botMessages(h, CHANNEL).filter((m) => m.content.startsWith("echo:"))
        .length === 2,
    10_000,
    "both answers, as the bot",
  );
  assert.equal(h.discord.world.webhooks.size, 0);
  assert.equal(h.llmMessages(1)[0]?.content, "You are a pirate.");
  const warnings = h.output().split("\n").filter((line) =>
    line.includes("lacks Manage Webhooks")
  );
  assert.equal(warnings.length, 1, h.output());
});

Deno.test("a failed persona webhook post and a failed /ask edit never log the webhook or interaction token", async () => {
  await using h = await startHarness({
    configParts: { binding: "    webhooks: true" },
  });
  h.discord.setMemberRoles(GUILD, h.discord.botId, [ADMIN_ROLE]);
  h.discord.sendUserMessage({ channelId: CHANNEL, content: "Pirate, hi" });
  await h.discord.waitFor(
    () =>
      h.discord.messagesIn(CHANNEL).some((m) =>
        m.webhookId !== null && m.content.startsWith("echo")
      ),
    10_000,
    "the pirate's first answer",
  );
  // Discord fails the persona's next post, and /ask's edit of its response.
  h.discord.failNext({
    route: "POST /webhooks/{application}/{token}",
    times: 3,
    status: 500,
  });
  h.discord.failNext({
    route: "PATCH /webhooks/{application}/{token}/messages/{message}",
    times: 3,
    status: 500,
  });
  h.discord.sendUserMessage({ channelId: CHANNEL, content: "Pirate, again" });
  h.discord.sendCommand({
    channelId: CHANNEL,
    commandName: "ask",
    options: [{ name: "prompt", value: "hey" }],
  });
  await h.discord.waitFor(
    () => /Discord request failed: (POST|PATCH) \/webhooks/.test(h.output()),
    10_000,
    "the failures to be logged",
  );
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const out = h.output();
  const tokens = [
    ...[...h.discord.world.webhooks.values()].map((w) => w.token),
    ...[...h.discord.world.interactions.values()].map((i) => i.token),
  ];
  assert.ok(tokens.length >= 2);
  for (const token of tokens) {
    const at = out.indexOf(token);
    assert.equal(
      at,
      -1,
      `a token was logged: …${out.slice(Math.max(0, at - 200), at + 80)}`,
    );
  }
});
