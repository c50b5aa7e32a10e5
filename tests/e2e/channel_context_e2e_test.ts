/**
 * End to end: `context: channel`. The bot keeps what is said in a bound
 * channel without being addressed to it, and the model sees it in order
 * with the speakers' names — in the shared conversation (`scope: channel`)
 * and next to a user's own conversation (`scope: user`). Nothing from an
 * unbound channel, nothing from other bots.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  ALICE,
  botMessages,
  CHANNEL,
  OTHER_CHANNEL,
  startHarness,
} from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";

const BOB = "300000000000000002";
const users = [{ id: ALICE, username: "alice" }, { id: BOB, username: "bob" }, {
  id: "300000000000000003",
  username: "otherbot",
  bot: true,
}];

async function ask(h: BotHarness, text: string, count: number) {
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
  return h.llmMessages(count - 1).map((m) => m.content);
}

/** Waits until the bot's database holds `count` user messages with this text (read-only, beside the bot). */
function stored(h: BotHarness, text: string, count = 1) {
  return h.discord.waitFor(
    () => {
      const db = new DatabaseSync(`${h.dir}/data/bot.db`, { readOnly: true });
      try {
        const row = db.prepare(
          "SELECT count(*) AS n FROM messages WHERE role = 'user' AND content = ?",
        ).get(text) as { n: number };
        return row.n >= count;
      } finally {
        db.close();
      }
    },
    10_000,
    `"${text}" to be stored`,
  );
}

/** Lets the bot see (and store) messages that start no turn: a turn after them proves they were read. */
function chatter(h: BotHarness) {
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    authorId: BOB,
    content: "pineapple belongs on pizza",
  });
  h.discord.sendUserMessage({
    channelId: OTHER_CHANNEL,
    authorId: BOB,
    content: "secret from an unbound channel",
  });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    authorId: "300000000000000003",
    content: "beep, I am a bot",
  });
  h.discord.sendUserMessage({
    channelId: CHANNEL,
    authorId: ALICE,
    content: "no way, never",
  });
}

for (const scope of ["channel", "user"]) {
  Deno.test(`context: channel (scope: ${scope}) — a question about a message the bot was not mentioned in`, async () => {
    await using h = await startHarness({
      fake: { users },
      configParts: { binding: `    context: channel\n    scope: ${scope}` },
    });
    chatter(h);
    await stored(h, "no way, never");
    await stored(h, "pineapple belongs on pizza");
    const messages = await ask(h, "what do you think of what bob said?", 1);
    // Consecutive user messages reach the model as one (roles alternate), in order.
    assert.deepEqual(messages, [
      "You are Helper.",
      [
        "bob: pineapple belongs on pizza",
        "alice: no way, never",
        "alice: what do you think of what bob said?",
      ].join("\n\n"),
    ]);
    // Later turns keep seeing it, in order with the exchange.
    h.discord.sendUserMessage({
      channelId: CHANNEL,
      authorId: BOB,
      content: "fine, ham then",
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const next = await ask(h, "and now?", 2);
    assert.deepEqual(next.slice(1), [
      [
        "bob: pineapple belongs on pizza",
        "alice: no way, never",
        "alice: what do you think of what bob said?",
      ].join("\n\n"),
      "echo: alice: what do you think of what bob said?",
      ["bob: fine, ham then", "alice: and now?"].join("\n\n"),
    ]);
  });
}

Deno.test("without context: channel, messages not addressed to the bot are not kept", async () => {
  await using h = await startHarness({ fake: { users } });
  chatter(h);
  // A turn right after proves the earlier events were handled (the runner sees them in order).
  await ask(h, "hello", 1);
  assert.deepEqual(await ask(h, "what did bob say?", 2), [
    "You are Helper.",
    "alice: hello",
    "echo: alice: hello",
    "alice: what did bob say?",
  ]);
});
