/**
 * End to end, the real bot process against the fake Discord and the fake
 * LLM: summaries made after replies (never in front of one) that later
 * requests carry, in blocks, within a 600-token budget; a /remember note
 * seen in another channel of the same server; `history: off` leaving no
 * row behind; /forget-me confirmed by its button; and all of it across a
 * restart of the bot process.
 */
import assert from "node:assert/strict";
import {
  ALICE,
  botMessages,
  CHANNEL,
  MANY_CHANNELS,
  startHarness,
} from "./bot_harness.ts";
import type { BotHarness } from "./bot_harness.ts";
import { SqliteStore } from "../../src/store/sqlite_store.ts";
import { DEFAULT_SUMMARY_PROMPT } from "../../src/config/schema.ts";

const SUMMARY_BUDGET = `budgets:
  default: { context_tokens: 600, reserve_tokens: 150, memory: summary, summary_tokens: 100 }
`;

type Messages = { role: string; content: string }[];

function isSummaryRequest(body: Record<string, unknown>): boolean {
  const messages = body.messages as Messages;
  return messages[0]?.content.startsWith(
    DEFAULT_SUMMARY_PROMPT.slice(0, 40),
  ) ?? false;
}

/** The bot's replies in a channel (not its interaction responses). */
function replies(h: BotHarness, channel: string) {
  return botMessages(h, channel).filter((m) => m.interactionId === null);
}

async function say(
  h: BotHarness,
  channel: string,
  text: string,
  count: number,
): Promise<void> {
  h.discord.sendUserMessage({
    channelId: channel,
    content: `<@${h.discord.botId}> ${text}`,
  });
  await h.discord.waitFor(
    () => replies(h, channel).length >= count,
    10_000,
    `reply ${count} in ${channel}`,
  );
}

async function command(
  h: BotHarness,
  channel: string,
  name: string,
  options: { name: string; value: string }[] = [],
) {
  const sent = h.discord.sendCommand({
    channelId: channel,
    commandName: name,
    options,
  });
  return await h.discord.waitFor(
    () =>
      h.discord.messagesIn(channel).find((m) =>
        m.interactionId === sent.id && m.content !== ""
      ),
    10_000,
    `the /${name} response`,
  );
}

function turnRequests(h: BotHarness): Messages[] {
  return h.llm.chatRequests()
    .map((r) => r.body as Record<string, unknown>)
    .filter((body) => !isSummaryRequest(body))
    .map((body) => body.messages as Messages);
}

Deno.test("a 60-turn conversation under a 600-token budget is summarised after replies, in blocks, and later requests carry the summary, also after a restart", async () => {
  let harness: BotHarness | null = null;
  const atSummary: { turns: number; delivered: number }[] = [];
  let summaries = 0;
  let release: () => void = () => {};
  let held: Promise<void> | null = null;
  await using h = await startHarness({
    configExtra: SUMMARY_BUDGET,
    // A test server: no per-channel pacing, so 60 turns take seconds, not minutes.
    env: { DISCORD_PACING: "off" },
    fake: { messageRateLimit: { limit: 1000, windowMs: 5_000 } },
    llm: {
      default_reply(body) {
        if (isSummaryRequest(body)) {
          const h = harness!;
          atSummary.push({
            turns: turnRequests(h).length,
            delivered: replies(h, CHANNEL).length,
          });
          summaries += 1;
          return {
            chunks: [`SUMMARY-${summaries}: people counted things.`],
            ...(held ? { gate: held } : {}),
          };
        }
        const messages = body.messages as Messages;
        return { chunks: [`ok ${messages.at(-1)?.content.slice(-12)}`] };
      },
    },
  });
  harness = h;
  for (let turn = 1; turn <= 30; turn++) {
    await say(h, CHANNEL, `turn ${turn}: the number is ${turn * 7}`, turn);
  }
  // Hold the next summary: a reply must not wait for it.
  held = new Promise<void>((resolve) => release = resolve);
  const before = summaries;
  for (let turn = 31; turn <= 45 && summaries === before; turn++) {
    await say(h, CHANNEL, `turn ${turn}: the number is ${turn * 7}`, turn);
  }
  const pending = summaries;
  const waiting = replies(h, CHANNEL).length;
  await say(h, CHANNEL, "a reply while the summary is held", waiting + 1);
  release();
  held = null;
  let done = replies(h, CHANNEL).length;
  while (done < 60) {
    await say(
      h,
      CHANNEL,
      `turn ${done + 1}: the number is ${done * 7}`,
      done + 1,
    );
    done += 1;
  }
  assert.ok(pending > before, "a summary was requested while held");

  assert.ok(summaries >= 2, `summaries: ${summaries}`);
  assert.ok(summaries <= 15, `in blocks, not every turn: ${summaries}`);
  for (const moment of atSummary) {
    assert.equal(
      moment.delivered,
      moment.turns,
      "every reply was delivered before the summary was requested",
    );
  }
  const turns = turnRequests(h);
  const summarySystem = h.llm.chatRequests().map((r) =>
    (r.body as { messages: Messages }).messages[0]?.content ?? ""
  ).filter((c) => c.startsWith(DEFAULT_SUMMARY_PROMPT.slice(0, 40)));
  assert.ok(summarySystem.every((c) => !c.includes("You are Helper")));
  const withSummary = turns.filter((m) =>
    /SUMMARY-\d+: people counted things\./.test(m[0]?.content ?? "")
  );
  assert.ok(withSummary.length >= 20, `${withSummary.length} carry it`);
  assert.match(
    turns.at(-1)?.[0]?.content ?? "",
    /^You are Helper\.\n\nSummary of the earlier conversation/,
  );
  // The prompt's start changes only when a summary lands: few distinct system messages.
  const distinct = new Set(turns.map((m) => m[0]?.content)).size;
  assert.ok(distinct <= summaries + 1, `${distinct} system messages`);
  // Never more than the window allows (the fake counts words; the bot errs high).
  for (const messages of turns) {
    const words = messages.map((m) => m.content).join(" ").split(/\s+/).length;
    assert.ok(words < 450, `a request of ${words} words`);
  }

  await h.stop();
  await h.start();
  await say(h, CHANNEL, "after the restart", 61);
  assert.match(turnRequests(h).at(-1)?.[0]?.content ?? "", /SUMMARY-\d+/);

  const reset = await command(h, CHANNEL, "reset");
  assert.match(reset.content, /Fresh start/);
  await say(h, CHANNEL, "fresh", 62);
  assert.equal(turnRequests(h).at(-1)?.[0]?.content, "You are Helper.");
});

Deno.test("a /remember note reaches the next request in another channel of the same server, survives a restart, and /forget-me's button deletes it all", async () => {
  await using h = await startHarness();
  const noted = await command(h, CHANNEL, "remember", [
    { name: "text", value: "My cat is called Miso" },
  ]);
  assert.match(noted.content, /^📝 Noted \(note 1\)/);
  assert.equal(noted.ephemeral, true);
  const other = MANY_CHANNELS[0]!;
  await say(h, other, "what is my cat called?", 1);
  assert.match(
    h.llmMessages(0)[0]?.content ?? "",
    /Notes alice asked you to remember about them:\n- My cat is called Miso/,
  );

  await command(h, CHANNEL, "settings", [{ name: "language", value: "Welsh" }]);
  await h.stop();
  await h.start();
  await say(h, other, "again", 2);
  const system = h.llmMessages(1)[0]?.content ?? "";
  assert.match(system, /Answer in Welsh\./);
  assert.match(system, /My cat is called Miso/);

  const asked = await command(h, CHANNEL, "forget-me");
  assert.match(asked.content, /^⚠️ This deletes everything I keep about you/);
  const ids = (asked.components as { components: { custom_id: string }[] }[])
    .flatMap((row) => row.components.map((b) => b.custom_id));
  assert.deepEqual(ids, [
    `v1:forget-me:confirm:${ALICE}`,
    `v1:forget-me:cancel:${ALICE}`,
  ]);
  h.discord.pressButton({
    messageId: asked.id,
    customId: ids[0]!,
  });
  await h.discord.waitFor(
    () => asked.content.startsWith("🗑️"),
    10_000,
    "the confirmation to replace the question",
  );
  assert.match(
    asked.content,
    /^🗑️ Deleted everything I kept about you: 4 messages, 1 note, your preferences/,
  );
  assert.deepEqual(asked.components, []);
  await h.stop();
  await using store = await SqliteStore.open(`${h.dir}/data/bot.db`);
  assert.deepEqual(await store.notesOfUser(ALICE), []);
  assert.deepEqual(await store.messagesOfUser(ALICE), []);
  assert.equal(await store.getPreferences(ALICE), null);
});

Deno.test("history: off deletes what was kept and leaves no row of the user's turns behind", async () => {
  await using h = await startHarness();
  await say(h, CHANNEL, "kept for now", 1);
  const off = await command(h, CHANNEL, "settings", [
    { name: "history", value: "off" },
  ]);
  assert.match(off.content, /History is off: I deleted 2 stored messages/);
  await say(h, CHANNEL, "forget this", 2);
  await say(h, CHANNEL, "and this", 3);
  assert.deepEqual(
    h.llmMessages(2).slice(1).map((m) => m.content),
    ["alice: and this"],
    "the earlier turn was not kept",
  );
  await h.stop();
  await using store = await SqliteStore.open(`${h.dir}/data/bot.db`);
  assert.deepEqual(await store.messagesOfUser(ALICE), []);
  assert.deepEqual(
    await store.recentMessages({
      conversation: { channel_id: CHANNEL, guild_id: "", user_id: "" },
      limit: 100,
      since: 0,
    }),
    [],
  );
  assert.equal((await store.getPreferences(ALICE))?.history, false);
});

Deno.test("history: off also keeps a user's channel messages out of context: channel", async () => {
  await using h = await startHarness({
    configParts: { binding: "    context: channel" },
  });
  await command(h, CHANNEL, "settings", [{ name: "history", value: "off" }]);
  h.discord.sendUserMessage({ channelId: CHANNEL, content: "not for the bot" });
  await say(h, CHANNEL, "did you hear that?", 1);
  assert.ok(
    !h.llmMessages(0).some((m) => m.content.includes("not for the bot")),
  );
  await h.stop();
  await using store = await SqliteStore.open(`${h.dir}/data/bot.db`);
  assert.deepEqual(await store.messagesOfUser(ALICE), []);
});

Deno.test("/settings ping:on makes replies to that user ping them (default: no ping), and length reaches the model", async () => {
  await using h = await startHarness();
  await say(h, CHANNEL, "first", 1);
  assert.equal(replies(h, CHANNEL)[0]?.pings.repliedUser, false);
  await command(h, CHANNEL, "settings", [
    { name: "ping", value: "on" },
    { name: "length", value: "detailed" },
  ]);
  await say(h, CHANNEL, "second", 2);
  assert.equal(replies(h, CHANNEL)[1]?.pings.repliedUser, true);
  assert.match(
    h.llmMessages(1)[0]?.content ?? "",
    /alice's preferences: Give detailed, thorough answers/,
  );
});
